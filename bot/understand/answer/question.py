"""Question analysis: what kind of answer is wanted, in what relation, about which words.

The question is parsed with the same spaCy pipeline as stored sentences. The small English
model often mis-parses questions ("Whom did X meet" -> "meet" as a noun), so the wh-phrase, the
do-support and the word order decide the role; the parse supplies lemmas, tags and entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum

from bot.understand.answer.question_parts import (
    AUX_START,
    LIGHT_VERBS,
    MEASURE_ADJ,
    MEASURE_UNITS,
    WH,
    Anchor,
    DateWant,
    anchors_of,
    copular_noun,
    in_adverbial_clause,
    is_particle,
    measure_asked,
    named_dates,
    next_noun,
    relation_word,
    said_clause,
    speaker_is_group,
    speaker_words,
    typed_noun,
    wh_index,
    wh_role,
    within_noun,
)
from bot.understand.answer.vocabulary import (
    AMOUNT_NOUNS,
    COUNT_NOUNS,
    DURATION_NOUNS,
    FIGURE_NOUNS,
    MONEY_NOUNS,
    NOW_PHRASES,
    NOW_WORDS,
    ORG_NOUNS,
    PERCENT_NOUNS,
    PLACE_NOUNS,
    SPEECH_VERBS,
    TIME_NOUNS,
    TIME_UNITS,
    plain_verbs,
)
from bot.understand.language.annotate import annotate_doc
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.model import english
from bot.understand.language.numbers import UNIT_NOUNS
from bot.understand.language.people import PERSON_NOUNS


class Kind(Enum):
    """The type of answer a question expects."""

    PERSON = "person"
    ORG = "organisation"
    AGENT = "person or organisation"
    PLACE = "place"
    DATE = "date"
    TIME = "time of day"
    DURATION = "duration"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    AGE = "age"
    MEASURE = "measure"
    QUOTE = "statement"
    REASON = "reason"
    YESNO = "yes/no"
    PHRASE = "noun phrase"
    DESCRIBE = "description"
    TITLE = "job title"


NUMERIC = frozenset([Kind.COUNT, Kind.MONEY, Kind.PERCENT, Kind.DURATION, Kind.AGE, Kind.MEASURE])
NAMED = frozenset([Kind.PERSON, Kind.ORG, Kind.AGENT, Kind.PLACE])
OPEN = frozenset([Kind.QUOTE, Kind.REASON, Kind.PHRASE, Kind.DESCRIBE, Kind.YESNO, Kind.TITLE])
STANCE_NOUNS = frozenset("line stance take attitude reaction response".split())  # "X's line on Y"
TITLE_FOCUS = frozenset("role job title position post".split())  # "what is X's role", "what job does X hold"

# verbs whose object is a value of their subject ("what did the toll reach": a number of dead)
REACH_VERBS = frozenset("reach hit total top exceed surpass".split())
# verbs that say where a figure stands ("what was inflation running at", "what does the toll stand at")
LEVEL_VERBS = frozenset("run stand sit be".split())
# the kinds of figure an untyped "how big" or "what's the highest" question takes
ANY_FIGURE = frozenset("money count percent measure".split())
MONEY_FIGURE = frozenset(["money"])
AGREED_SUMS = frozenset("settlement package deal".split())  # "the total of the settlement" is a sum
MONEY_VERBS = frozenset("cost charge pay spend owe earn fine raise invest forfeit".split())
SUM_VERBS = MONEY_VERBS - {"raise"}  # their object is a sum, never a percentage ("raise prices by 4%" may be)


@dataclass
class Question:
    """What the answerer knows about a question."""

    text: str
    parsed: Annotated
    kind: Kind
    focus: str = ""  # the noun the answer is or counts ("hostage" in "how many hostages")
    relation: str = ""  # lemma of the relation word ("lead" in "who led X", "mediator")
    relation_verb: bool = False  # the relation is a content verb a supporting sentence should carry
    particle: str = ""  # the relation's particle ("back" in "got back")
    role: str = ""  # "subj" when the answer is the relation's subject, "obj" when its object
    speaker: tuple[str, ...] = ()  # lemmas of who is said to speak ("what did X say")
    speaker_group: bool = False  # that speaker is an organisation or country (not "he"/"she")
    anchors: list[Anchor] = field(default_factory=list)
    possessive: bool = False  # "whose ROV", "which company's update": the answer owns something
    named: bool = False  # "what is the name of the N": the answer's title must name N
    units: frozenset[str] = frozenset()  # for measures: the units that answer ("how far": miles, km...)
    # other kinds of figure that answer too ("how big is the lawsuit": a sum; "what's the lowest ...": any)
    also: frozenset[str] = frozenset()
    embedded: str = ""  # a verb after the relation whose object is left open ("say the debris pointed to")
    within: str = ""  # "where in the plant": the answer is a part of this noun, not where the noun is
    latest: bool = False  # the question asks for the current state ("now", "latest", "still")
    dates: list[DateWant] = field(default_factory=list)
    negated: bool = False

    @property
    def asks_sum(self) -> bool:
        """Whether a verb of the question takes a sum, never a percentage: "how much was X paid",
        "how much would keeping the tax rise raise" (raising nothing else: "raise prices by 4%" may be)."""
        a = self.parsed
        return any((t.pos == "VERB" or t.dep == "ROOT") and (t.lemma.lower() in SUM_VERBS or t.lemma.lower() == "raise"
                   and not any(c.dep in ("dobj", "nsubjpass") and c.lower not in ("much", "what")
                               for c in a.children(t.i))) for t in a.tokens)

    @property
    def open(self) -> bool:
        """Whether the answer is an open phrase (easier to get wrong than a typed entity or number)."""
        return self.kind in OPEN


def _kind_of_noun(noun: str, wh: str, right_after: bool = True) -> Kind:
    if noun in DURATION_NOUNS or noun == "time" and not right_after:
        return Kind.DURATION  # "what prison term", "the most prison time"
    if noun in ("time", "hour", "moment"):
        return Kind.TIME
    if noun in COUNT_NOUNS:
        return Kind.COUNT  # "what majority did the poll give Labour": a number of seats
    if noun in AMOUNT_NOUNS:
        return Kind.PERCENT  # "what raise": a percentage or a sum (see score)
    if noun in TIME_NOUNS:
        return Kind.DATE
    if noun in PERCENT_NOUNS:
        return Kind.PERCENT
    if noun in MONEY_NOUNS:
        return Kind.MONEY
    if noun in PERSON_NOUNS and noun in ORG_NOUNS:
        return Kind.AGENT  # "which investor": a fund or a person
    if noun in PERSON_NOUNS:
        return Kind.PERSON
    if noun in ORG_NOUNS:
        return Kind.ORG
    if noun in PLACE_NOUNS:
        return Kind.PLACE
    return Kind.PHRASE


def _typed_by_wording(a: Annotated, wh: int, rel: Tok | None, focus: str,
                      units: frozenset[str]) -> tuple[Kind, str, frozenset[str]]:
    """The type an open "what" question still gives away: a measure ("the speed limit", "the deepest
    route"), a sum ("what are they worth", "the hourly rate"), or the type of what a figure "reached"."""
    toks = a.tokens
    asked = next_noun(a, wh + 1) if wh + 1 < len(toks) and toks[wh + 1].pos in ("NOUN", "ADJ", "NUM") else None
    if asked is None:  # "what is the speed limit": the copula's noun
        asked = copular_noun(a, wh)
    if asked is not None and (measure := measure_asked(a, asked)):
        return Kind.MEASURE, asked.lemma.lower(), MEASURE_UNITS[measure]
    if asked is not None and (kind := _kind_of_noun(asked.lemma.lower(), "what", right_after=False)) in (
            Kind.DATE, Kind.COUNT, Kind.MONEY, Kind.PERCENT, Kind.DURATION):
        return kind, asked.lemma.lower(), units  # "what's the deadline for ...": a date
    if any(t.lower == "worth" and t.i > wh + 1 for t in toks):
        return Kind.MONEY, focus, units  # "what are the stolen objects worth", "what was the deal worth"
    helper = toks[wh + 1] if wh + 1 < len(toks) else None
    if helper is not None and (helper.lemma == "do" and any(t.lower in ("cost", "costs") for t in toks) or
                               helper.pos == "AUX" and any(t.lemma.lower() == "cost" and t.dep in (
                                   "ROOT", "xcomp", "ccomp", "conj") for t in toks)):
        # "what did the base cost to build", "what has the strike cost GM", "what will the salvage end
        # up costing" (the parser may take "cost" for a noun)
        return Kind.MONEY, focus, units
    if rel is not None and rel.lemma.lower() in REACH_VERBS:  # "what will the hourly rate reach": a rate
        subject = next((c for c in a.children(rel.i) if c.dep == "nsubj" and c.pos == "NOUN"), None)
        if subject is not None:
            lemma = subject.lemma.lower()
            if any(c.lower in ("hourly", "weekly") for c in a.children(subject.i)):
                return Kind.MONEY, lemma, units  # pay by the hour or week is a sum
            kind = _kind_of_noun(lemma, "what", right_after=False)
            if kind in NUMERIC:
                return kind, lemma, units
    return Kind.PHRASE, focus, units


def _figure_asked(a: Annotated, wh: int, rel: Tok | None) -> bool:
    """Whether a "what" question asks for a figure its words leave untyped: an estimate, a superlative with a clause
    ("what's the lowest the pound has gone", "the most a person can recover") or a level ("what was
    inflation running at")."""
    toks = a.tokens
    asked = copular_noun(a, wh) or (next_noun(a, wh + 1) if wh + 1 < len(toks) else None)
    if asked is not None and asked.lemma.lower() in FIGURE_NOUNS:
        return True  # "what is the latest estimate for replacing the bridge": a figure of whatever kind
    if any(t.tag == "JJS" and t.dep in ("attr", "nsubj") and a.tokens[t.head].lemma == "be" and t.i > wh
           and any(c.dep == "relcl" for c in a.children(t.i)) for t in toks):
        return True
    return rel is not None and rel.lemma.lower() in LEVEL_VERBS and any(
        c.lower == "at" and not any(g.dep == "pobj" for g in a.children(c.i)) for c in a.children(rel.i))


def _name_of(a: Annotated, rel: Tok | None) -> Tok | None:
    """The noun "name" of "what is the name of the N" (the relation word, or the subject of the copula
    when the parser took a later verb for the relation)."""
    if rel is not None and rel.pos == "NOUN" and rel.lemma.lower() == "name":
        return rel
    for t in a.tokens:
        if t.lemma.lower() == "name" and t.pos == "NOUN" and t.dep in ("attr", "nsubj") and \
                t.i + 1 < len(a.tokens) and a.tokens[t.i + 1].lower == "of":
            return t
    return None


# "what's the latest on how much banks have drawn": the question proper follows, about the present
LATEST_ON = re.compile(r"^what(?:'s|\s+is)\s+the\s+(?:latest|newest|news|current\s+position)\s+(?:on|about)\s+"
                       r"(?=(?:how|who|whom|where|when|which|what|why)\b)", re.IGNORECASE)


def analyse(text: str) -> Question:
    """Parse a question and decide its expected answer type, relation, role, anchors and time intent."""
    if (lead := LATEST_ON.match(text.strip())) is not None:
        inner = text.strip()[lead.end():]
        return replace(analyse(inner[:1].upper() + inner[1:]), latest=True)
    clean = plain_verbs(text.strip())
    a = annotate_doc(english()(clean), None)
    toks = a.tokens
    low = clean.lower()
    wh = wh_index(a)
    rel = relation_word(a, wh)
    focus = ""
    named = False
    owner = None
    units: frozenset[str] = frozenset()
    also: frozenset[str] = frozenset()
    kind = Kind.PHRASE
    word = toks[wh].lower if wh >= 0 else ""
    nxt = toks[wh + 1] if 0 <= wh < len(toks) - 1 else None
    if wh < 0 or (toks and toks[0].lower in AUX_START and wh > 3):
        kind = Kind.YESNO if toks and toks[0].lower in AUX_START else Kind.PHRASE
    elif word == "how" and nxt is not None:
        n = nxt.lower
        noun = next_noun(a, wh + 2)
        if n == "many":
            kind, focus = Kind.COUNT, noun.lemma.lower() if noun else ""
            if focus in TIME_UNITS:
                kind = Kind.DURATION
        elif n == "much":
            if noun is not None and noun.tag == "NNS" and noun.dep == "nsubj" and noun.i == wh + 2:
                noun = None  # "how much banks have drawn": "much" cannot count a plural, it is the object
            focus = noun.lemma.lower() if noun else ""
            if wh + 2 < len(toks) and toks[wh + 2].lower in ("a", "an", "per") and focus in TIME_UNITS:
                focus = ""  # "how much a year": a sum per year, not a length of time
            kind = (Kind.DURATION if focus in ("time", *TIME_UNITS) else
                    Kind.MEASURE if focus and focus not in MONEY_NOUNS and focus != "money" else Kind.MONEY)
            if kind is Kind.MEASURE and focus not in UNIT_NOUNS:
                also = MONEY_FIGURE  # "how much Tesla stock did he sell": "$3.95 billion of Tesla shares"
        elif n == "long":
            kind = Kind.DURATION
            if any(t.dep == "ROOT" and t.lemma == "be" for t in toks):
                units = MEASURE_UNITS["far"]  # "how long is the bridge": a length, if a sentence gives one
        elif n == "old":
            kind = Kind.AGE
        elif n in MEASURE_ADJ:
            # "how big a bill", "how large an area": the noun right after the adjective
            after = toks[wh + 2:wh + 4]
            article = bool(after) and after[0].lower in ("a", "an")
            noun = next((t for t in after if t.pos == "NOUN"), None) if article else None
            if noun is None and n in ("big", "large", "high") and after and after[0].lemma == "be":
                noun = next_noun(a, wh + 3)  # "how big is the relief fund": the subject's noun
            focus = noun.lemma.lower() if noun else ""
            kind = Kind.MONEY if focus in MONEY_NOUNS else Kind.PERCENT if focus in AMOUNT_NOUNS else Kind.MEASURE
            units = MEASURE_UNITS.get(n, frozenset()) if kind is Kind.MEASURE else frozenset()
            if kind is Kind.MEASURE and n in ("big", "large"):
                also = ANY_FIGURE  # "how big is the lawsuit": a sum; "the membership": a count
        elif rel is not None and rel.lemma.lower() in ("describe", "characterize", "call", "react", "respond"):
            kind = Kind.QUOTE
        else:
            kind = Kind.PHRASE
    elif word in ("who", "whom", "whose"):
        kind = Kind.AGENT
        rest = [t for t in toks[wh + 1:] if t.pos not in ("PUNCT",)]
        if (rest and rest[0].lemma == "be" and all(t.pos in ("PROPN", "PART") or t.ent for t in rest[1:])
                and len(rest) > 1):
            kind = Kind.DESCRIBE
    elif word == "where":
        kind = Kind.PLACE
    elif word == "when" or low.startswith("since when"):
        kind = Kind.DATE
    elif word == "why":
        kind = Kind.REASON
    elif word in ("what", "which"):
        noun = next_noun(a, wh + 1) if nxt is not None and (nxt.pos in ("NOUN", "PROPN", "ADJ", "NUM") or
                                                             nxt.pos == "VERB" and nxt.dep == "amod") else None
        owner = nxt if nxt is not None and wh + 2 < len(toks) and toks[wh + 2].tag == "POS" else None
        if owner is not None:  # "Which company's update ...": the answer is the owner
            noun = owner
        main = rel if rel is not None and rel.dep != "advcl" else None  # not "when X declared Y"'s verb
        if noun is not None:
            focus = noun.lemma.lower()
            if focus in ("kind", "type", "sort") :
                inner = next_noun(a, noun.i + 1)
                focus = inner.lemma.lower() if inner else focus
            kind = _kind_of_noun(focus, word, right_after=noun.i == wh + 1)
            if focus in UNIT_NOUNS:
                kind = Kind.MEASURE
        elif main and any(t.i > main.i and t.pos == "VERB" and t.dep == "ccomp" and t.lemma.lower() in MONEY_VERBS
                          for t in toks):
            kind = Kind.MONEY  # "what does X reckon the strike is costing businesses": a sum, whoever reckons it
        elif main and main.lemma.lower() in SPEECH_VERBS | {"promise", "post", "pledge", "accuse", "admit"}:
            kind = Kind.QUOTE
        elif main and main.lemma.lower() in MONEY_VERBS:
            kind = Kind.MONEY  # "What did the outage cost the airline?", "What does the firm charge?"
        elif any(t.lemma.lower() in STANCE_NOUNS and t.dep in ("attr", "nsubj") and
                 any(c.dep == "poss" for c in a.children(t.i)) for t in toks):
            kind = Kind.QUOTE  # "what's Trump's line on the death toll": what he says of it, not a toll
        else:
            kind = Kind.PHRASE
            # "What is the latest reported number of hostages": a count in disguise
            # ("total" as an adjective is not one: "the total compensation" is a sum)
            num = next((t for t in toks if t.lemma.lower() in COUNT_NOUNS and t.dep != "amod"), None)
            if num is not None:
                after = toks[num.i + 1] if num.i + 1 < len(toks) else None
                of = next_noun(a, num.i + 2, stop_at_verb=False) if after is not None and after.lower == "of" else None
                kind, focus = Kind.COUNT, (of.lemma.lower() if of else num.lemma.lower())
                if num.lemma.lower() == "total" and focus in MONEY_NOUNS | AGREED_SUMS:
                    kind = Kind.MONEY  # "what's the total of the settlement": a sum
                if focus == "toll":
                    focus = "death"  # a toll counts the dead
            elif (noun := typed_noun(a, rel, PERCENT_NOUNS)) is not None:
                kind, focus = Kind.PERCENT, noun.lemma.lower()
            elif (noun := typed_noun(a, rel, MONEY_NOUNS)) is not None:
                kind, focus = Kind.MONEY, noun.lemma.lower()
            elif rel is not None and rel.pos == "NOUN" and rel.lemma.lower() in ("age",):
                kind = Kind.AGE
            elif (name := _name_of(a, rel)) is not None:
                # "What is the name of the government spokesperson?": a person whose title says so;
                # "the name of the navy vessel carrying supplies": a name, whatever verb follows
                of = next_noun(a, name.i + 1, stop_at_verb=False)
                focus, named = (of.lemma.lower() if of else ""), True
                kind = Kind.PERSON if of is None or _kind_of_noun(focus, word) in (Kind.PERSON, Kind.AGENT) \
                    else _kind_of_noun(focus, word)
            elif rel is not None and rel.pos == "NOUN":
                head = next_noun(a, rel.i) or rel  # "what's the maximum prison term": the compound's head
                focus = head.lemma.lower()
                if _kind_of_noun(focus, word, right_after=False) in (Kind.DURATION, Kind.MONEY, Kind.PERCENT):
                    kind = _kind_of_noun(focus, word, right_after=False)
    if kind is Kind.PHRASE and word in ("what", "which"):
        kind, focus, units = _typed_by_wording(a, wh, rel, focus, units)
    if kind is Kind.PHRASE and word == "what" and _figure_asked(a, wh, rel):
        kind, also = Kind.MEASURE, ANY_FIGURE
    if kind is Kind.PHRASE and focus in TITLE_FOCUS and any(t.pos == "PROPN" for t in toks):
        kind = Kind.TITLE  # a named person's job: a title, not any phrase
    if kind is Kind.PHRASE and toks and toks[0].lower in AUX_START:
        kind = Kind.YESNO
    said = said_clause(a, wh, rel) if kind not in (Kind.QUOTE, Kind.YESNO) else None
    rel = said or rel  # "where did Malaysia say the flight ended": the ending is asked
    role = wh_role(a, wh, rel)
    if said is not None and role:  # "who did police say started the fire": the said clause's missing subject
        role = "obj" if any(c.dep in ("nsubj", "nsubjpass") for c in a.children(said.i)) else "subj"
    # "get back", "take over", "pick up": a light verb with its particle is a relation of its own
    particle = next((c.lower for c in a.children(rel.i) if is_particle(c)), "") if rel is not None else ""
    embedded = ""
    if rel is not None and kind in (Kind.QUOTE, Kind.PHRASE):
        later = [t for t in toks if t.i > rel.i and t.pos in ("VERB", "AUX") and t.tag != "MD" and t.dep != "relcl"
                 and t.lemma.lower() not in ("be", "have", "do", "will", "would")]
        # the gap is left open only when that verb lacks its object ("say about opening the probe" has one)
        last = later[-1] if later else None
        if last is not None and last.dep != "pcomp" and not in_adverbial_clause(a, last) and not (
                any(c.dep == "dobj" and c.lower not in WH for c in a.children(last.i))
                and not any(c.lemma.lower() == "do" for c in a.children(last.i))):  # "ask them to do"
            embedded = last.lemma.lower()
    speaker = speaker_words(a, rel) if kind is Kind.QUOTE else ()
    latest = any(t.lower in NOW_WORDS for t in toks) or any(p in low for p in NOW_PHRASES)
    return Question(
        text=clean, parsed=a, kind=kind, focus=focus,
        relation=rel.lemma.lower() if rel is not None else "",
        relation_verb=rel is not None and rel.pos == "VERB" and (rel.lemma.lower() not in LIGHT_VERBS or
                                                                   bool(particle)),
        particle=particle,
        role=role, speaker=speaker, units=units, also=also, possessive=word == "whose" or bool(owner),
        speaker_group=kind is Kind.QUOTE and speaker_is_group(a, rel), named=named, embedded=embedded,
        within=within_noun(toks) if kind is Kind.PLACE else "",
        # a job's own words ("role", "hold") are rarely in the sentence that gives the title
        anchors=[x for x in anchors_of(a, wh, focus) if kind is not Kind.TITLE or x.proper], latest=latest,
        dates=named_dates(a), negated=any(t.lower in ("not", "n't", "never") for t in toks),
    )
