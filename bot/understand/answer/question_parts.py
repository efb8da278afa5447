"""The parts of a question read off its parse: the wh-word, the relation verb and its particle,
the role the wh-phrase fills, the words a supporting sentence must carry (anchors), the dates it
names and the speaker of "what did X say". `question.analyse` puts them together."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understand.answer.vocabulary import NOW_PHRASES, NOW_WORDS, SPEECH_VERBS, TIME_NOUNS
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.dates import MONTHS, WEEKDAYS

LOOKING_AHEAD_PASSIVES = frozenset("schedule expect suppose set slate plan mean poise due".split())


TYPE_NOUNS = frozenset("time date day year month hour percentage proportion money".split())  # name the answer's type


WH = frozenset("who whom whose what which where when why how".split())


AUX_START = frozenset("""
    did do does is was were are has have had will would can could should may might must shall
""".split())


# Lemmas that carry no content of their own in a question.
QUESTION_STOP = frozenset("""
    be do have get happen go the a an of and or to in on at for by with from as that this these those
    it its he she they them their his her him we our you your i not so than there here which who whom
    whose what when where why how if any some such many much long old far there 's 'll 've 'd
    according accord per kind type sort exactly actually number own other new total whole
""".split()) | NOW_WORDS


PARTICLES = frozenset("back up out off down over away in on".split())


# verbs too light to demand in a supporting sentence ("what did X say", "how long did it take")
LIGHT_VERBS = frozenset("""
    be have do get go make take say tell happen come put give need suppose expect mean look carry keep set
    turn bring run stand
""".split())


TIME_CLAUSE_MARKS = frozenset("when after before while since until once".split())  # "when Musk made his bid"
MEASURE_ADJ = frozenset("far deep high large big wide close heavy tall fast low".split())


LENGTH_UNITS = frozenset("mile kilometre kilometer km metre meter m foot feet ft yard inch nautical".split())


MEASURE_UNITS = {
    "far": LENGTH_UNITS, "close": LENGTH_UNITS, "deep": LENGTH_UNITS, "high": LENGTH_UNITS, "tall": LENGTH_UNITS,
    "low": LENGTH_UNITS, "wide": LENGTH_UNITS, "large": frozenset("square acre hectare sq".split()),
    "big": frozenset("square acre hectare".split()),
    "heavy": frozenset("kg kilogram kilogramme tonne ton pound lb".split()),
    "fast": frozenset("mph knot kph km kilometre kilometer mile".split()),  # "80 km/h", "60 miles an hour"
}


# nouns that name a measure, with the "how" adjective whose units answer them ("the speed limit": mph)
MEASURE_NOUNS = {"depth": "deep", "height": "high", "width": "wide", "distance": "far", "weight": "heavy",
                 "speed": "fast", "altitude": "high"}


def measure_asked(a: Annotated, noun: Tok) -> str:
    """The measure adjective a question's noun asks for ("the speed limit", "the deepest route"), or ""."""
    words = [noun] + [c for c in a.children(noun.i) if c.dep in ("compound", "amod")]
    for t in words:
        lemma = t.lemma.lower()
        if lemma in MEASURE_NOUNS:
            return MEASURE_NOUNS[lemma]
        # a superlative of a dimension; not "largest"/"biggest", which rank anything ("the biggest concern")
        if t.tag == "JJS" and lemma in ("deep", "tall", "wide", "fast", "heavy", "far"):
            return lemma
    return ""


_DATE_WORDS = frozenset(list(MONTHS) + list(WEEKDAYS) + ["early", "mid", "late", "end", "start", "beginning"])


@dataclass(frozen=True)
class Anchor:
    """A question word that a supporting sentence must carry: its lemma and how much it weighs."""

    lemma: str
    text: str
    proper: bool
    weight: float = 1.0
    verb: bool = False
    given_name: bool = False  # a person's first name before their surname ("Caroline" of "Caroline Ellison")


@dataclass(frozen=True)
class DateWant:
    """A date the question names: month (1-12 or 0), day of month (or 0), weekday (0-6 or -1), year
    (or 0; "in 2015"); a period named in words only ("the second quarter") has its text alone."""

    text: str
    month: int = 0
    day: int = 0
    weekday: int = -1
    year: int = 0


def copular_noun(a: Annotated, after: int = -1) -> Tok | None:
    """The noun a copular question asks about ("what is the speed limit": limit), after token `after`."""
    return next((t for t in a.tokens if t.pos == "NOUN" and t.dep in ("attr", "nsubj") and t.i > after
                 and a.tokens[t.head].lemma == "be"), None)


def typed_noun(a: Annotated, rel: Tok | None, nouns: frozenset[str]) -> Tok | None:
    """The copular question's noun, or a noun compounded with it, that names a type ("the turnout figure")."""
    if rel is None or rel.pos != "NOUN":  # "what's the latest compensation figure [X has asked for]"
        rel = copular_noun(a)
        if rel is None:
            return None
    words = [rel] + [c for c in a.children(rel.i) if c.dep == "compound" and c.pos == "NOUN"]
    return next((t for t in words if t.lemma.lower() in nouns), None)


def within_noun(toks: list[Tok]) -> str:
    """The noun of "where in/on/at the N": the question asks for a part of N."""
    words = [t for t in toks if t.pos != "PUNCT"]
    if len(words) > 3 and words[0].lower == "where" and words[1].lower in ("in", "on", "at", "inside", "within"):
        for t in words[2:5]:
            if t.pos == "NOUN":
                return t.lemma.lower()
            if t.pos not in ("DET", "ADJ", "PRON"):
                break
    return ""


def wh_index(a: Annotated) -> int:
    """Where the question's wh-word is (-1 when it has none: "Is the order still in force?")."""
    for t in a.tokens:
        if t.lower in WH and (t.tag in ("WP", "WDT", "WRB", "WP$") or t.i == 0):
            return t.i
    return -1


def next_noun(a: Annotated, start: int, stop_at_verb: bool = True) -> Tok | None:
    """The first noun from token `start` on, skipping adjectives and determiners."""
    for t in a.tokens[start:]:
        if t.dep == "poss" or t.i + 1 < len(a.tokens) and a.tokens[t.i + 1].tag == "POS" or (
                t.dep == "compound" and a.tokens[t.head].dep == "poss"):
            continue  # "how many of Delta's own computers", "Credit Suisse's debt": the owner is not the noun
        if t.pos == "VERB" and t.dep == "amod":
            continue  # "which serving premier": a participle used as an adjective
        if t.pos in ("NOUN", "PROPN"):
            # a compound's head is the last noun in the run ("prison time", "the interim board")
            nxt = a.tokens[t.i + 1] if t.i + 1 < len(a.tokens) else None
            if nxt is not None and nxt.pos in ("NOUN", "PROPN") and t.dep in ("compound", "amod") and t.head > t.i:
                continue  # ... a noun used as an adjective ("what minimum pay increase", "the Brenn Bank losses")
            return t
        if t.lower == "of":
            continue
        if stop_at_verb and (t.pos in ("VERB", "AUX") or t.text in "?,"):
            return None
    return None


def relation_word(a: Annotated, wh: int) -> Tok | None:
    """The question's main content verb (or the noun of a copular question: "who are the mediators")."""
    toks = a.tokens
    verbs = [t for t in toks if t.i > wh and t.tag.startswith("VB") and t.dep not in ("aux", "auxpass") and (
             t.lemma.lower() not in ("be", "do", "have", "get") or any(is_particle(c) for c in a.children(t.i)))]
    main = [t for t in verbs if t.dep not in ("amod", "compound")]  # "the latest reported number": a modifier
    after_do = next((t for t in toks if t.i > wh and t.lower in ("did", "does", "do", "will", "would", "can")), None)
    if main and after_do is not None and all(_subordinate(a, t) for t in main):
        # "What did the SEALs post once everyone was out": the parser took the main verb for a noun;
        # the verb of the "once" clause is not what is asked
        verb = _verb_after_do(a, after_do)
        if verb is not None:
            return verb
    root = toks[a.root] if toks else None
    if main and root is not None and root.lemma.lower() == "be" and all(
            in_adverbial_clause(a, t) and any(c.lower in TIME_CLAUSE_MARKS for c in a.children(t.i)) for t in main):
        main = verbs = []  # "who was Twitter's chairman [when Musk made his bid]": the chairman is asked
    if main:
        if main[0].lemma.lower() in LOOKING_AHEAD_PASSIVES:  # "supposed to return": the relation is returning
            return next((c for c in a.children(main[0].i) if c.dep == "xcomp" and c.pos == "VERB"
                         and c.lemma.lower() != "be"), main[0])
        return main[0]
    if verbs:
        return verbs[0]
    # "Whom did Yair Lapid meet": the parser took the verb for a noun
    if after_do is not None and (verb := _verb_after_do(a, after_do)) is not None:
        return verb
    for t in toks:  # "is the inquiry due to report": the parser read "due to" as a preposition, "report" as a noun
        nxt = toks[t.i + 1] if t.i + 1 < len(toks) else None
        if t.lower == "to" and t.i > wh and toks[t.i - 1].lemma.lower() in LOOKING_AHEAD_PASSIVES and \
                nxt is not None and nxt.pos in ("NOUN", "VERB") and nxt.tag in ("NN", "VB", "VBP"):
            return nxt
    copula = next((t for t in toks if t.lemma == "be"), None)
    if copula is not None:
        nouns = [t for t in toks if t.pos == "NOUN" and t.i != wh]
        heads = [t for t in nouns if t.dep not in ("compound", "poss")]  # "the safety board hearing": the hearing
        if heads or nouns:
            return (heads or nouns)[0]
    return None


def _verb_after_do(a: Annotated, after_do: Tok) -> Tok | None:
    """After do-support, the verb the parser mistook for a noun: the last word of the clause that is
    not part of a name ("When does the Halberg to Port Ellin line reopen", "What did the SEALs post
    once ...")."""
    root = a.tokens[a.root]
    if root.i > after_do.i and root.pos in ("NOUN", "PROPN") and root.ent == "":
        return root  # "What did the operator first blame for ...": the parse hangs the clause on it
    found = None
    for t in a.tokens[after_do.i + 1:]:
        if t.pos in ("PUNCT", "SCONJ") or t.dep == "mark" or t.pos == "PART" and t.dep == "aux":
            break  # "... post once everyone was out", "... charter to take the sub out"
        if t.pos in ("NOUN", "VERB", "PROPN") and t.ent == "" and t.dep != "compound":
            found = t
    return found


def _subordinate(a: Annotated, t: Tok, deps: tuple[str, ...] = ("advcl", "relcl", "acl")) -> bool:
    """Whether a verb sits in a subordinate clause ("once everyone was out", "who died")."""
    k, seen = t.i, 0
    while a.tokens[k].head != k and seen < 8:
        if a.tokens[k].dep in deps:
            return True
        k, seen = a.tokens[k].head, seen + 1
    return False


def in_adverbial_clause(a: Annotated, t: Tok) -> bool:
    """Whether a word sits in an adverbial clause ("when he spoke near Detroit"): the clause tells
    when or why, it leaves no gap for the question to fill."""
    return _subordinate(a, t, ("advcl",))


def is_particle(t: Tok) -> bool:
    """A verb particle ("back" in "got back"), whether parsed as a particle or an adverb."""
    return t.dep == "prt" or t.dep == "advmod" and t.lower in PARTICLES


def said_clause(a: Annotated, wh: int, rel: Tok | None) -> Tok | None:
    """The clause a speech verb reports when its speaker comes after do-support ("where did Malaysia
    say the flight ended": "ended"); the saying only attributes what is asked. None when the wh-phrase
    is the speaker ("which official said ...") or there is no such clause."""
    if rel is None or rel.lemma.lower() not in SPEECH_VERBS or not any(
            c.dep == "nsubj" and any(t.pos == "AUX" for t in a.tokens[wh + 1:c.i]) for c in a.children(rel.i)):
        return None
    return next((c for c in a.children(rel.i) if c.dep == "ccomp" and c.pos == "VERB"), None)


def wh_role(a: Annotated, wh: int, rel: Tok | None) -> str:
    """Whether the wh-phrase is the relation's subject ("who led") or its object ("whom did X meet")."""
    toks = a.tokens
    if wh < 0 or rel is None:
        return ""
    if rel.dep == "xcomp" and toks[rel.head].lemma.lower() in LOOKING_AHEAD_PASSIVES:
        rel = toks[rel.head]  # "who was scheduled to visit": the role is read off "scheduled"
    # end of the wh-phrase: "which Hamas official", "how many hostages"
    end = wh + 1
    while end < len(toks) and toks[end].pos in ("NOUN", "PROPN", "ADJ", "DET", "NUM", "PART") and end < rel.i:
        end += 1
    while end < rel.i and toks[end].pos == "ADV" and toks[end].dep == "advmod":
        end += 1  # "who first heard", "who eventually led": the adverb is the relation's
    nxt = toks[end] if end < len(toks) else None
    if toks[wh].lower == "whom":
        return "obj"
    if nxt is not None and nxt.lower in ("will", "would", "can", "could", "should", "may", "might", "must"):
        after = toks[end + 1] if end + 1 < len(toks) else None
        # "who would go free": the modal is the subject's; "what would Hamas release": the object's
        return "subj" if after is not None and (after.i == rel.i or after.lemma == "be") else "obj"
    if nxt is not None and nxt.lower in ("did", "does", "do"):
        return "obj"
    if nxt is not None and nxt.lemma in ("be", "have") and rel.tag in ("VBG", "VBN"):
        after = toks[end + 1] if end + 1 < len(toks) else None
        if after is not None and after.i != rel.i and after.lower not in ("been", "being", "not", "n't"):
            return "obj"  # "who has Starmer made chancellor": a subject stands between
        passive = nxt.lemma == "be" or after is not None and after.lower == "been"  # "who has been named"
        if passive and rel.tag == "VBN" and not (
                rel.lemma.lower() in LOOKING_AHEAD_PASSIVES and any(c.dep == "xcomp" for c in a.children(rel.i))):
            return "obj"  # passive: "who was taken hostage" (but "who was scheduled to visit" does the visiting)
        return "subj"
    if nxt is not None and nxt.i == rel.i:
        return "subj"
    return "subj" if rel.pos == "NOUN" else ""


PERIOD_WORDS = frozenset(["quarter", "half"])  # parts of a year a figure is reported for


def named_dates(a: Annotated) -> list[DateWant]:
    """The dates the question names ("on Feb 24", "on Sunday"): the supporting report must match them."""
    out = []
    for ent in a.entities:
        if ent.label not in ("DATE", "TIME"):
            continue
        words = [w.lower().strip(".") for w in re.findall(r"[A-Za-z]+|\d+", ent.text)]
        month = next((MONTHS[w] for w in words if w in MONTHS and w != "may"), 0)
        day = next((int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31), 0)
        weekday = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), -1)
        year = next((int(w) for w in words if len(w) == 4 and w.isdigit() and 1900 < int(w) < 2100), 0)
        if month or weekday >= 0:
            out.append(DateWant(ent.text, month, day, weekday, year))
        elif year or any(w in PERIOD_WORDS for w in words):  # "in 2015", "in the second quarter"
            out.append(DateWant(ent.text, year=year))
    # "late-January framework": a month word the entity tagger missed
    for t in a.tokens:
        w = t.lower.strip(".")
        if w in MONTHS and w != "may" and not t.ent.endswith(("DATE", "TIME")) and t.pos == "PROPN":
            out.append(DateWant(t.text, MONTHS[w]))
    return out


def _is_date_token(t: Tok) -> bool:
    return t.ent.endswith(("-DATE", "-TIME")) or t.lower.strip(".") in _DATE_WORDS


def anchors_of(a: Annotated, wh_end: int, focus: str) -> list[Anchor]:
    """The question's content words a supporting sentence should carry (not its wh-phrase or type noun)."""
    out: list[Anchor] = []
    seen: set[str] = set()
    now = _now_phrase_tokens(a)
    for t in a.tokens:
        if t.i in now:
            continue  # "at the moment", "these days": when, not what the sentence must carry
        lemma = t.lemma.lower()
        # a capitalised word inside the question is part of a name, whatever the tagger made of it
        # ("the Ever Given": an adverb and a verb to the tagger)
        capitalised = t.i > 0 and t.text[:1].isupper() and t.pos in ("ADV", "VERB", "ADJ", "NOUN") and \
            a.tokens[t.i - 1].text not in (":", '"', "\u201c")
        if capitalised:
            lemma = t.lower
        if t.pos not in ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV", "X") or \
                (lemma in QUESTION_STOP or t.lower in QUESTION_STOP) and not (t.pos == "VERB" and lemma == "own"):
            continue  # "own" is a stop word in "his own vote", the relation in "who owns the ship"
        if t.pos == "ADV" and lemma not in ("first", "last", "again", "back", "early", "directly") and not capitalised:
            continue
        if _is_date_token(t) or not re.search(r"[a-z0-9]", lemma):
            continue
        if t.i > 0 and a.tokens[t.i - 1].lower == "how" and lemma in MEASURE_ADJ:
            continue  # "how big": the wh-phrase, not a word the sentence must carry
        if 0 <= wh_end < t.i and lemma == focus and lemma in TYPE_NOUNS and all(
                w.pos in ("DET", "ADJ") or w.tag == "PRP$" or w.lower == "of" for w in a.tokens[wh_end + 1:t.i]):
            continue  # "what time", "which year", "how much of his own money": the answer's type, rarely written
        if t.i > 1 and lemma in ("day", "year") and a.tokens[t.i - 1].lower == "of" and \
                a.tokens[t.i - 2].lemma.lower() == focus in ("time", "date"):
            continue  # "what time of day", "what date of year": still the answer's type
        if lemma in seen:
            continue
        seen.add(lemma)
        proper = t.pos == "PROPN" or t.ent.endswith(("-PERSON", "-ORG", "-GPE")) or capitalised
        nxt = a.tokens[t.i + 1] if t.i + 1 < len(a.tokens) else None
        last = nxt is not None and (nxt.i + 1 == len(a.tokens) or a.tokens[nxt.i + 1].pos != "PROPN")
        given = t.pos == "PROPN" and nxt is not None and nxt.pos == "PROPN" and last and t.ent[2:] == nxt.ent[2:] \
            and t.ent[2:] in ("PERSON", "ORG", "")  # the tagger often calls an unknown person an organisation
        out.append(Anchor(lemma, t.text, proper, verb=t.pos == "VERB" and not proper, given_name=given))
    return out


def _now_phrase_tokens(a: Annotated) -> set[int]:
    """The time nouns of the phrases asking for the state now ("at the moment", "these days"; not the
    count of "at the last count")."""
    out: set[int] = set()
    words = [t.lower for t in a.tokens]
    for phrase in NOW_PHRASES:
        p = phrase.split()
        for i in range(len(words) - len(p) + 1):
            if words[i:i + len(p)] == p:
                out.update(k for k in range(i, i + len(p)) if a.tokens[k].lemma.lower() in TIME_NOUNS)
    return out


def speaker_words(a: Annotated, rel: Tok | None) -> tuple[str, ...]:
    """The words between do-support and the speech verb: "What did [the senior official] say"."""
    if rel is None:
        return ()
    toks = a.tokens
    start = next((t.i for t in toks if t.i < rel.i and t.lower in AUX_START), -1)
    words = [t.lemma.lower() for t in toks[start + 1:rel.i] if t.pos in ("PROPN", "NOUN", "ADJ")]
    return tuple(words)


def speaker_is_group(a: Annotated, rel: Tok | None) -> bool:
    """Whether the speaker asked about is an organisation or country, who is never "he" or "she"."""
    if rel is None:
        return False
    start = next((t.i for t in a.tokens if t.i < rel.i and t.lower in AUX_START), -1)
    between = a.tokens[start + 1:rel.i]
    if any(t.lower in ("he", "she", "his", "her", "him", "himself", "herself") for t in a.tokens[rel.i:]):
        return False  # "how did Nuland sum up her meeting": a person, whatever the tagger took the name for
    return bool(between) and all(t.ent.endswith(("-ORG", "-GPE", "-NORP")) for t in between if t.pos == "PROPN") \
        and any(t.pos == "PROPN" for t in between) and not any(t.ent.endswith("-PERSON") for t in between)
