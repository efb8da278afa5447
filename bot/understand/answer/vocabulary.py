"""General English word knowledge the answerer needs: derivations, a few synonyms, word classes.

Only general English words live here (no names, no story's phrasing). Derivations follow
ordinary suffix rules (mediate ~ mediator ~ mediation, negotiate ~ negotiator, lead ~ leader);
`RELATED` groups words that news English uses for the same relation (mediate/broker/intermediary);
`LEAD_WORDS` and `LEAD_POSTS` say which posts answer which question of leading.
"""

from __future__ import annotations

import functools
import re

from bot.understand.language.quotes import SPEECH_VERBS as QUOTE_SPEECH_VERBS

# Groups of words used interchangeably in news copy for one relation or thing.
RELATED_GROUPS: tuple[frozenset[str], ...] = tuple(frozenset(g.split()) for g in (
    "mediate mediator mediation broker intermediary",
    "kill dead death die toll fatality",
    "free release freed",
    "hostage captive",
    "meet meeting talk talks hold",
    "cost loss lose expense bill",
    "say tell state add claim announce report speak",
    "fire oust remove dismiss ouster dismissal firing sack",
    "hire appoint name",
    "sentence jail prison",
    "cancel cancellation scrap",
    "testify testimony",
    "find locate discover",
    "charge price cost fee",
    "plane aircraft jet",
    "chief executive",
    "ship vessel boat",
    "sub submersible submarine",
    "company firm",
    "country nation",
    "lawyer attorney counsel",
    "search hunt",
    "investigate investigation probe inquiry",
    "reason cause why",
    "hack cyberattack attack",
    "resume restart",
    "stay remain",
    "big large size",
    "location place site",
    "people person",
    "end finish",
    "begin start launch",
    "launch open initiate",
    "drive pilot steer",
    # common news relations, from general English usage
    "estimate reckon calculate put gauge",
    "affect hit disrupt crash impact",
    "reboot reset restart",
    "manually hand",
    "base headquarter headquarters",
    "halt suspend ground stop pause",
    "sign signatory",
    "criticise criticize condemn slam blast attack rebuke",
    "resign quit step",
    "arrest detain custody catch capture apprehend",
    "steal theft thief rob robbery burgle burglary heist loot",
    "convict guilty conviction",
    "acquit acquittal",
    "accuse allege allegation accusation",
    "sue lawsuit suit litigation",
    "win victory triumph",
    "defeat beat",
    "vote ballot poll",
    "elect election",
    "injure wound hurt injury",
    "evacuate evacuation flee",
    "destroy destruction raze",
    "damage damaged",
    "rescue save",
    "missing disappear vanish",
    "recover retrieve salvage",
    "invest investment stake",
    "buy acquire purchase acquisition takeover",
    "sell sale",
    "pay payment compensation",
    "fine penalty",
    "agree agreement deal accord pact",
    "propose proposal offer plan",
    "reject rejection refuse dismiss",
    "accept approve approval endorse",
    "ban prohibit prohibition",
    "warn warning caution",
    "promise pledge vow commit",
    "deny denial",
    "confirm verify",
    "blame fault responsibility",
    "cause trigger spark prompt",
    "delay postpone",
    "attack strike raid assault",
    "troop soldier force military",
    "bomb bombing airstrike",
    "border frontier",
    "expect anticipate",
    "depend rely",
    "newspaper paper daily tabloid",
    "pick choose select",
    "deserve warrant merit justify",
    "app application",
    "industry market sector",
    "help aid assist",
    "negotiate negotiation talks bargain",
    "venue location",
    "ask request",
    "manage management administer handle oversee supervise",
    "want seek",
    "increase raise hike boost",
    "cut reduce lower slash trim",
    "repair fix mend restore",
    "complete finish",
    "extinguish douse",
    "collapse fail",
    "cross span",
    "offer bid",
    "wage salary pay",
    "strike stoppage",
    "inspect inspection examine check",
    "survey poll",
    "candidate contender",
    "hire nominate",
    "ceasefire truce armistice",
    "prisoner detainee inmate",
    "exchange swap",
    "withdraw withdrawal retreat pullout",
    "invade invasion incursion",
    "aid relief assistance",
    "series show programme program drama sitcom",
    "famine hunger starvation",
    "refugee evacuee",
    "fighter militant gunman",
    "shelter refuge",
    "fraud scam",
    "schedule due slate",
    "visit travel trip tour",
    "push press urge lobby",
    "plan intend aim",
    "employ employee staff worker",
    "strike walkout",
    "hire charter lease rent",
    "victim casualty dead",
    "storm hurricane typhoon cyclone tornado",
    "ship icebreaker tanker freighter ferry trawler",
    "airline carrier",
    "protest demonstration rally",
    "shut close closure shutdown",
    "open reopen",
    "build construct construction building",
    "fund funding finance",
    "grow growth rise increase",
    "fall drop decline decrease",
    "worth value valuation",
    "revenue sales turnover",
    "profit earnings",
    "owner own",
    "prime premier",
    "spokesman spokeswoman spokesperson",
    "child kid",
    "car vehicle",
    "fire blaze wildfire flame",
    "flood flooding deluge",
    "storm hurricane typhoon cyclone",
    "quake earthquake tremor",
    "crash collision",
    "outage blackout",
    "court tribunal",
    "jury juror",
    "trial hearing",
    "judge justice",
    "verdict ruling decision",
    "testify witness",
    "prosecutor prosecution",
    "defence defense",
    "inquiry review",
    "report reporting",
    "record tally count",
    "leave depart exit",
    "return comeback",
    "join enter",
    "replace succeed successor replacement",
    "former ex",
    "official authority",
    "passenger customer traveller traveler flyer",
    "machine computer device pc",
    "resident inhabitant",
    # people, by age and role, as copy and editors vary them
    "boy child kid youngster lad teenager teen minor youth",
    "girl child kid youngster teenager teen minor",
    "doctor medic physician",
    "police officer cop",
    "army military",
    "team squad",
    "crew sailor seafarer",
    "lawmaker legislator",
    "tourist visitor public",
    # states and events
    "trap trapped strand stranded stuck",
    "die perish",
    "survive survival",
    "participate involve participant",
    "shed lose",
    "missing unaccounted",
    "find identify detect",
    "operation effort mission",
    "body remains corpse",
    "wreck wreckage debris",
    "block blockage obstruct jam",
    "queue backlog tailback",
    "seize impound confiscate",
    "compensation damages",
    "agreement settlement settle",
    "rise climb jump soar surge",
    "fall plunge slump tumble",
    "describe characterise characterize portray depict",
    "arrive reach",
    "ill sick unwell",
    "home house",
    "lorry truck",
    "tv television",
    "envoy ambassador",
    "lender bank",
    "flat apartment",
    "grab seize",
    "stick trap",
))
# Words for leading anything, and the posts that lead: each post is a kind of leading ("who heads
# BP" is answered by its chairman or its chief executive), but one post is not another ("who
# chairs BP" is not answered by its chief executive).
LEAD_WORDS = frozenset("head lead run helm boss leader chief command commander".split())
LEAD_POSTS: tuple[frozenset[str], ...] = tuple(frozenset(g.split()) for g in (
    "chair chairman chairwoman chairperson", "direct director", "president",
))
_GROUP_OF: dict[str, frozenset[str]] = {}
for _group in RELATED_GROUPS:
    for _word in _group:
        _GROUP_OF[_word] = _GROUP_OF.get(_word, frozenset()) | _group
for _word in LEAD_WORDS:
    _GROUP_OF[_word] = _GROUP_OF.get(_word, frozenset()) | LEAD_WORDS.union(*LEAD_POSTS)
for _group in LEAD_POSTS:
    for _word in _group:
        _GROUP_OF[_word] = _GROUP_OF.get(_word, frozenset()) | LEAD_WORDS | _group

# Suffixes that turn a verb into a noun for its doer or its act, and back.
_SUFFIX_PAIRS = (
    ("ate", "ator"), ("ate", "ation"), ("ate", "ative"), ("e", "er"), ("e", "ion"), ("e", "ation"),
    ("", "er"), ("", "or"), ("", "ion"), ("", "ation"), ("", "ment"), ("", "ance"), ("", "ence"),
    ("y", "ier"), ("ify", "ification"), ("ize", "ization"), ("ise", "isation"), ("", "al"), ("", "ing"),
    ("", "ant"), ("e", "ant"), ("t", "ce"), ("", "ist"), ("", "ee"),
)

# Nouns that name people by role: "which official", "the union leader".
ORG_NOUNS = frozenset("""
    company firm organisation organization agency body group outlet newspaper paper channel network
    broadcaster station bank party union court government ministry department investor fund
    team board committee council authority regulator lab laboratory startup airline carrier
    insurer publication site website service office military army navy force police
""".split())
PLACE_NOUNS = frozenset("""
    place city country town region area state province capital location site village port
    venue where spot district county island river lake sea mountain street road valley border coast
    constituency ward neighbourhood neighborhood suburb municipality territory airport hospital prison
    hall headquarters premises
""".split())
TIME_NOUNS = frozenset("time date day year month week hour moment point deadline".split())
TIME_UNITS = frozenset("second minute hour day night week month year decade century".split())
MONEY_NOUNS = frozenset("""
    money cost price bill fine fee revenue loss losses damage salary pay compensation fund funding
    investment valuation sum amount payment charge penalty budget profit income bonus payout grant donation
    value worth wage ransom rent aid debt loan
""".split())
# a tally of harm done only grows: the dead, the injured
HARM_WORDS = frozenset("kill die dead death toll injure injury wound hurt casualty fatality".split())
# nouns that name a figure without saying of what kind ("the latest estimate", "the forecast")
FIGURE_NOUNS = frozenset("estimate forecast projection figure limit cap ceiling threshold".split())
DURATION_NOUNS = frozenset("term sentence period stint spell duration".split())
# a change given as a percentage or a sum
AMOUNT_NOUNS = frozenset("raise rise increase cut hike pay premium discount".split())
PERCENT_NOUNS = frozenset("share proportion percentage percent fraction rate turnout".split())
COUNT_NOUNS = frozenset("number toll total count tally majority margin".split())  # "what majority": a number
# the speech verbs quotes are attributed by, less "ask" (a question is not a statement), plus verbs
# whose object is what was said ("accused X of ...", "pledged ...")
SPEECH_VERBS = (QUOTE_SPEECH_VERBS - {"ask"}) | {"accuse", "pledge"}
CHANGE_VERBS = frozenset("rise fall grow drop increase decrease climb cut jump slip shrink gain lose swell".split())
REASON_MARKERS = frozenset("because since as after amid over due citing following".split())
# Words that make a question about the present state ("now", "still", "latest").
NOW_WORDS = frozenset("now latest currently current still recent recently newest today updated final finally "
                      "eventually ultimately".split())
NOW_PHRASES = ("so far", "at the latest count", "at the last count", "to date", "at present", "most recently",
               "in total",
               "as it stands", "these days", "end up", "ended up", "in the end", "at the moment", "at this point",
               "right now", "as things stand")


def synonyms(lemma: str) -> frozenset[str]:
    """The words listed with `lemma` in a group of words news copy uses interchangeably."""
    return _GROUP_OF.get(lemma.lower(), frozenset())


@functools.cache
def derivations(lemma: str) -> frozenset[str]:
    """Words derived from `lemma` or it from them by a common English suffix, plus its synonym group."""
    word = lemma.lower()
    out = {word}
    for base_end, derived_end in _SUFFIX_PAIRS:
        if word.endswith(base_end) and len(word) - len(base_end) >= 3:
            stem = word[:len(word) - len(base_end)] if base_end else word
            out.add(stem + derived_end)
        if word.endswith(derived_end) and len(word) - len(derived_end) >= 3:
            stem = word[:len(word) - len(derived_end)]
            out.add(stem + base_end)
    out |= _GROUP_OF.get(word, frozenset())
    return frozenset(out)


def related(a: str, b: str) -> bool:
    """Whether two lemmas name the same thing or relation (derivation or listed group)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    return b in derivations(a) or a in derivations(b)


def shares_stem(a: str, b: str) -> bool:
    """A weaker link: a common start of 5+ letters covering most of the shorter word."""
    a, b = a.lower(), b.lower()
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= min(len(a), len(b)) - 3


# Phrasal verbs and idioms an editor asks with, as the single verb news copy often uses instead
# ("who is in charge of the inquiry" -> "who is leading the inquiry"); the verb's own synonyms follow.
PLAIN_VERBS = {
    "in charge of": "leading", "in charge at": "leading", "looking into": "investigating", "look into": "investigate",
    "looked into": "investigated", "putting up": "offering", "put up": "offer", "broke into": "burgled",
    "break into": "burgle", "broken into": "burgled", "called off": "cancelled", "call off": "cancel",
    "stepped down": "resigned", "step down": "resign", "stepping down": "resigning",
    "pulled out of": "withdrew from", "pull out of": "withdraw from", "turned down": "rejected",
    "turn down": "reject", "went after": "criticised", "go after": "criticise", "signed off on": "approved",
    "sign off on": "approve", "set off": "triggered",
    "come back": "return", "came back": "returned", "coming back": "returning",
    "go back": "return", "went back": "returned", "going back": "returning", "gone back": "returned",
    "brought in": "appointed", "bring in": "appoint", "shut down": "closed", "set up": "established",
    "carry out": "conduct", "carried out": "conducted", "find out": "discover", "found out": "discovered",
    "rule out": "reject", "ruled out": "rejected", "took part in": "participated in",
    "take part in": "participate in", "taking part in": "participating in", "lost his life": "died",
    "lost her life": "died", "lost their lives": "died", "lose their lives": "die", "got stuck": "were trapped",
    "get stuck": "be trapped", "wiped out": "destroyed", "wipe out": "destroy",
    "ask for": "seek", "asks for": "seeks", "asking for": "seeking", "asked for": "sought",
    "put out": "extinguish", "putting out": "extinguishing", "put off": "postpone", "held up": "delayed",
    "hold up": "delay", "break out": "start", "broke out": "started", "breaking out": "starting",
    "pile up": "accumulate", "piled up": "accumulated", "build up": "accumulate", "built up": "accumulated",
    "set free": "release", "go up": "rise", "went up": "rose", "gone up": "risen",
    "presided over": "led", "preside over": "lead", "presides over": "leads", "presiding over": "leading",
    "sum up": "describe", "summed up": "described", "sums up": "describes", "summing up": "describing",
    "gave way": "collapsed", "give way": "collapse", "given way": "collapsed", "giving way": "collapsing",
}
_PHRASAL = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(PLAIN_VERBS, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


# "How long would construction take / will the bridge stay closed": news copy says how long it lasts
_HOW_LONG = re.compile(r"^(how long (?:will|would|did|does|do|is|was|has|have|had|can|could)\b.*?\b)"
                       r"(take|took|stay|stayed|remain|remained)(?=\s*\?*\s*$|\s+(?:closed|open|shut)\b)",
                       re.IGNORECASE)


# "What is the union after?": what it is seeking (the preposition closes the question)
_BE_AFTER = re.compile(r"^(.*\b(?:is|are|was|were)\b.*?)\bafter(\s*\?*\s*)$", re.IGNORECASE)


# ("come", "back") -> "return": a phrasal verb of a stored sentence read as the single verb a question may use
_PHRASAL_LEMMAS = {tuple(k.split()): v for k, v in PLAIN_VERBS.items() if len(k.split()) == 2}


def phrasal_lemma(verb: str, particle: str) -> str:
    """The single verb a phrasal verb means ("come back" -> "return"), or ""."""
    return _PHRASAL_LEMMAS.get((verb, particle), "")


# "How much would the tax rise bring in": a sum raised, not a person appointed; "how much did the
# lot go for": the price it sold for
_MONEY_PHRASAL = re.compile(r"\b(bring|brings|brought|bringing) in\b|\b(go|goes|went|gone|going) for\b", re.IGNORECASE)
_MONEY_PLAIN = {"bring": "raise", "brings": "raises", "brought": "raised", "bringing": "raising",
                "go": "sell for", "goes": "sells for", "went": "sold for", "gone": "sold for", "going": "selling for"}

_PUT_OUT = frozenset(["put out", "putting out"])  # extinguishing only when the question speaks of a fire
_FIRE_WORDS = re.compile(r"\b(?:fires?|blazes?|flames?|wildfires?)\b", re.IGNORECASE)


def plain_verbs(question: str) -> str:
    """The question with its phrasal verbs said as single verbs, "what is X after" as "what is X
    seeking", and "how long will X take/stay" as "how long will X last"."""
    if re.search(r"\bhow much\b", question, re.IGNORECASE):
        question = _MONEY_PHRASAL.sub(lambda m: _MONEY_PLAIN[(m.group(1) or m.group(2)).lower()], question)
    fire = bool(_FIRE_WORDS.search(question))  # "put out" a fire is to extinguish it; a figure is published
    plain = _BE_AFTER.sub(r"\1seeking\2", _PHRASAL.sub(
        lambda m: m.group(1) if m.group(1).lower() in _PUT_OUT and not fire else PLAIN_VERBS[m.group(1).lower()],
        question))
    return _HOW_LONG.sub(lambda m: m.group(1) + "last", plain)
