"""Question analysis: what kind of answer is wanted, in what relation, about which words.

The question is parsed with the same spaCy pipeline as stored sentences. The small English
model often mis-parses questions ("Whom did X meet" -> "meet" as a noun), so the wh-phrase, the
do-support and the word order decide the role; the parse supplies lemmas, tags and entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from bot.understand.answer.vocabulary import (
    AMOUNT_NOUNS,
    COUNT_NOUNS,
    DISTANCE_UNITS,
    DURATION_NOUNS,
    MONEY_NOUNS,
    NOW_PHRASES,
    NOW_WORDS,
    ORG_NOUNS,
    PERCENT_NOUNS,
    PERSON_NOUNS,
    PLACE_NOUNS,
    SPEECH_VERBS,
    TIME_NOUNS,
    TIME_UNITS,
    plain_verbs,
)
from bot.understand.language.annotate import annotate_doc
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.dates import MONTHS, WEEKDAYS
from bot.understand.language.model import english


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
LOOKING_AHEAD_PASSIVES = frozenset("schedule expect suppose set slate plan mean poise due".split())
TYPE_NOUNS = frozenset("time date day year month hour percentage proportion".split())  # name the answer's type
TITLE_FOCUS = frozenset("role job title position post".split())  # "what is X's role", "what job does X hold"

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
MONEY_VERBS = frozenset("cost charge pay spend owe earn fine raise invest forfeit".split())
PARTICLES = frozenset("back up out off down over away in on".split())
# verbs too light to demand in a supporting sentence ("what did X say", "how long did it take")
LIGHT_VERBS = frozenset("""
    be have do get go make take say tell happen come put give need suppose expect mean look carry keep set
    turn bring run stand
""".split())
_MEASURE_ADJ = frozenset("far deep high large big wide close heavy tall fast low".split())
_LENGTH = frozenset("mile kilometre kilometer km metre meter m foot feet ft yard inch nautical".split())
MEASURE_UNITS = {
    "far": _LENGTH, "close": _LENGTH, "deep": _LENGTH, "high": _LENGTH, "tall": _LENGTH, "low": _LENGTH,
    "wide": _LENGTH, "large": frozenset("square acre hectare sq".split()),
    "big": frozenset("square acre hectare".split()),
    "heavy": frozenset("kg kilogram kilogramme tonne ton pound lb".split()), "fast": frozenset("mph knot kph".split()),
}
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
    """A date the question names: month (1-12 or 0), day of month (or 0), weekday (0-6 or -1)."""

    text: str
    month: int = 0
    day: int = 0
    weekday: int = -1


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
    embedded: str = ""  # a verb after the relation whose object is left open ("say the debris pointed to")
    within: str = ""  # "where in the plant": the answer is a part of this noun, not where the noun is
    latest: bool = False  # the question asks for the current state ("now", "latest", "still")
    dates: list[DateWant] = field(default_factory=list)
    negated: bool = False

    @property
    def open(self) -> bool:
        """Whether the answer is an open phrase (easier to get wrong than a typed entity or number)."""
        return self.kind in OPEN


def _typed_noun(a: Annotated, rel: Tok | None, nouns: frozenset[str]) -> Tok | None:
    """The copular question's noun, or a noun compounded with it, that names a type ("the turnout figure")."""
    if rel is None or rel.pos != "NOUN":
        return None
    words = [rel] + [c for c in a.children(rel.i) if c.dep == "compound" and c.pos == "NOUN"]
    return next((t for t in words if t.lemma.lower() in nouns), None)


def _within(toks: list[Tok]) -> str:
    """The noun of "where in/on/at the N": the question asks for a part of N."""
    words = [t for t in toks if t.pos != "PUNCT"]
    if len(words) > 3 and words[0].lower == "where" and words[1].lower in ("in", "on", "at", "inside", "within"):
        for t in words[2:5]:
            if t.pos == "NOUN":
                return t.lemma.lower()
            if t.pos not in ("DET", "ADJ", "PRON"):
                break
    return ""


def _wh_index(a: Annotated) -> int:
    for t in a.tokens:
        if t.lower in WH and (t.tag in ("WP", "WDT", "WRB", "WP$") or t.i == 0):
            return t.i
    return -1


def _next_noun(a: Annotated, start: int, stop_at_verb: bool = True) -> Tok | None:
    """The first noun from token `start` on, skipping adjectives and determiners."""
    for t in a.tokens[start:]:
        if t.dep == "poss" or t.i + 1 < len(a.tokens) and a.tokens[t.i + 1].tag == "POS":
            continue  # "how many of Delta's own computers": the owner is not the counted noun
        if t.pos in ("NOUN", "PROPN"):
            # a compound's head is the last noun in the run ("prison time", "the interim board")
            nxt = a.tokens[t.i + 1] if t.i + 1 < len(a.tokens) else None
            if nxt is not None and nxt.pos == "NOUN" and t.dep == "compound":
                continue
            return t
        if t.lower == "of":
            continue
        if stop_at_verb and (t.pos in ("VERB", "AUX") or t.text in "?,"):
            return None
    return None


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


def _relation(a: Annotated, wh: int) -> Tok | None:
    """The question's main content verb (or the noun of a copular question: "who are the mediators")."""
    toks = a.tokens
    verbs = [t for t in toks if t.i > wh and t.tag.startswith("VB") and t.dep not in ("aux", "auxpass") and (
             t.lemma.lower() not in ("be", "do", "have", "get") or any(_is_particle(c) for c in a.children(t.i)))]
    main = [t for t in verbs if t.dep not in ("amod", "compound")]  # "the latest reported number": a modifier
    if main:
        if main[0].lemma.lower() in LOOKING_AHEAD_PASSIVES:  # "supposed to return": the relation is returning
            return next((c for c in a.children(main[0].i) if c.dep == "xcomp" and c.pos == "VERB"
                         and c.lemma.lower() != "be"), main[0])
        return main[0]
    if verbs:
        return verbs[0]
    # "Whom did Yair Lapid meet": the parser took the verb for a noun; after do-support the last word
    # of the subject run that is not a name is the verb
    after_do = next((t for t in toks if t.i > wh and t.lower in ("did", "does", "do", "will", "would", "can")), None)
    if after_do is not None:
        for t in toks[after_do.i + 1:]:
            if t.pos in ("NOUN", "VERB") and t.ent == "":
                return t
    copula = next((t for t in toks if t.lemma == "be"), None)
    if copula is not None:
        nouns = [t for t in toks if t.pos == "NOUN" and t.i != wh]
        heads = [t for t in nouns if t.dep not in ("compound", "poss")]  # "the safety board hearing": the hearing
        if heads or nouns:
            return (heads or nouns)[0]
    return None


def _is_particle(t: Tok) -> bool:
    """A verb particle ("back" in "got back"), whether parsed as a particle or an adverb."""
    return t.dep == "prt" or t.dep == "advmod" and t.lower in PARTICLES


def _role(a: Annotated, wh: int, rel: Tok | None) -> str:
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


def _dates(a: Annotated) -> list[DateWant]:
    out = []
    for ent in a.entities:
        if ent.label not in ("DATE", "TIME"):
            continue
        words = [w.lower().strip(".") for w in re.findall(r"[A-Za-z]+|\d+", ent.text)]
        month = next((MONTHS[w] for w in words if w in MONTHS and w != "may"), 0)
        day = next((int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31), 0)
        weekday = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), -1)
        if month or weekday >= 0:
            out.append(DateWant(ent.text, month, day, weekday))
    # "late-January framework": a month word the entity tagger missed
    for t in a.tokens:
        w = t.lower.strip(".")
        if w in MONTHS and w != "may" and not t.ent.endswith(("DATE", "TIME")) and t.pos == "PROPN":
            out.append(DateWant(t.text, MONTHS[w]))
    return out


def _is_date_token(t: Tok) -> bool:
    return t.ent.endswith(("-DATE", "-TIME")) or t.lower.strip(".") in _DATE_WORDS


def _anchors(a: Annotated, wh_end: int, focus: str) -> list[Anchor]:
    out: list[Anchor] = []
    seen: set[str] = set()
    for t in a.tokens:
        lemma = t.lemma.lower()
        if t.pos not in ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV", "X") or lemma in QUESTION_STOP or \
                t.lower in QUESTION_STOP:
            continue
        if t.pos == "ADV" and lemma not in ("first", "last", "again", "back", "early", "directly"):
            continue
        if _is_date_token(t) or not re.search(r"[a-z0-9]", lemma):
            continue
        if t.i > 0 and a.tokens[t.i - 1].lower == "how" and lemma in _MEASURE_ADJ:
            continue  # "how big": the wh-phrase, not a word the sentence must carry
        if 0 <= wh_end < t.i <= wh_end + 2 and lemma == focus and lemma in TYPE_NOUNS:
            continue  # "what time", "which year": the type of the answer, rarely written beside it
        if lemma in seen:
            continue
        seen.add(lemma)
        proper = t.pos == "PROPN" or t.ent.endswith(("-PERSON", "-ORG", "-GPE"))
        nxt = a.tokens[t.i + 1] if t.i + 1 < len(a.tokens) else None
        last = nxt is not None and (nxt.i + 1 == len(a.tokens) or a.tokens[nxt.i + 1].pos != "PROPN")
        given = t.pos == "PROPN" and nxt is not None and nxt.pos == "PROPN" and last and t.ent[2:] == nxt.ent[2:] \
            and t.ent[2:] in ("PERSON", "ORG", "")  # the tagger often calls an unknown person an organisation
        out.append(Anchor(lemma, t.text, proper, verb=t.pos == "VERB" and not proper, given_name=given))
    return out


def _speaker(a: Annotated, rel: Tok | None) -> tuple[str, ...]:
    """The words between do-support and the speech verb: "What did [the senior official] say"."""
    if rel is None:
        return ()
    toks = a.tokens
    start = next((t.i for t in toks if t.i < rel.i and t.lower in AUX_START), -1)
    words = [t.lemma.lower() for t in toks[start + 1:rel.i] if t.pos in ("PROPN", "NOUN", "ADJ")]
    return tuple(words)


def _speaker_is_group(a: Annotated, rel: Tok | None) -> bool:
    """Whether the speaker asked about is an organisation or country, who is never "he" or "she"."""
    if rel is None:
        return False
    start = next((t.i for t in a.tokens if t.i < rel.i and t.lower in AUX_START), -1)
    between = a.tokens[start + 1:rel.i]
    return bool(between) and all(t.ent.endswith(("-ORG", "-GPE", "-NORP")) for t in between if t.pos == "PROPN") \
        and any(t.pos == "PROPN" for t in between) and not any(t.ent.endswith("-PERSON") for t in between)


def analyse(text: str) -> Question:
    """Parse a question and decide its expected answer type, relation, role, anchors and time intent."""
    clean = plain_verbs(text.strip())
    a = annotate_doc(english()(clean), None)
    toks = a.tokens
    low = clean.lower()
    wh = _wh_index(a)
    rel = _relation(a, wh)
    focus = ""
    named = False
    owner = None
    units: frozenset[str] = frozenset()
    kind = Kind.PHRASE
    word = toks[wh].lower if wh >= 0 else ""
    nxt = toks[wh + 1] if 0 <= wh < len(toks) - 1 else None
    if wh < 0 or (toks and toks[0].lower in AUX_START and wh > 3):
        kind = Kind.YESNO if toks and toks[0].lower in AUX_START else Kind.PHRASE
    elif word == "how" and nxt is not None:
        n = nxt.lower
        noun = _next_noun(a, wh + 2)
        if n == "many":
            kind, focus = Kind.COUNT, noun.lemma.lower() if noun else ""
            if focus in TIME_UNITS:
                kind = Kind.DURATION
        elif n == "much":
            focus = noun.lemma.lower() if noun else ""
            kind = (Kind.DURATION if focus in ("time", *TIME_UNITS) else
                    Kind.MEASURE if focus and focus not in MONEY_NOUNS and focus != "money" else Kind.MONEY)
        elif n == "long":
            kind = Kind.DURATION
        elif n == "old":
            kind = Kind.AGE
        elif n in _MEASURE_ADJ:
            # "how big a bill", "how large an area": the noun right after the adjective
            after = toks[wh + 2:wh + 4]
            article = bool(after) and after[0].lower in ("a", "an")
            noun = next((t for t in after if t.pos == "NOUN"), None) if article else None
            if noun is None and n in ("big", "large", "high") and after and after[0].lemma == "be":
                noun = _next_noun(a, wh + 3)  # "how big is the relief fund": the subject's noun
            focus = noun.lemma.lower() if noun else ""
            kind = Kind.MONEY if focus in MONEY_NOUNS else Kind.MEASURE
            units = MEASURE_UNITS.get(n, frozenset())
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
        noun = _next_noun(a, wh + 1) if nxt is not None and nxt.pos in ("NOUN", "PROPN", "ADJ", "NUM") else None
        owner = nxt if nxt is not None and wh + 2 < len(toks) and toks[wh + 2].tag == "POS" else None
        if owner is not None:  # "Which company's update ...": the answer is the owner
            noun = owner
        main = rel if rel is not None and rel.dep != "advcl" else None  # not "when X declared Y"'s verb
        if noun is not None:
            focus = noun.lemma.lower()
            if focus in ("kind", "type", "sort") :
                inner = _next_noun(a, noun.i + 1)
                focus = inner.lemma.lower() if inner else focus
            kind = _kind_of_noun(focus, word, right_after=noun.i == wh + 1)
            if focus in DISTANCE_UNITS:
                kind = Kind.MEASURE
        elif main and any(t.i > main.i and t.pos == "VERB" and t.dep == "ccomp" and t.lemma.lower() in MONEY_VERBS
                          for t in toks):
            kind = Kind.MONEY  # "what does X reckon the strike is costing businesses": a sum, whoever reckons it
        elif main and main.lemma.lower() in SPEECH_VERBS | {"promise", "post", "pledge", "accuse", "admit"}:
            kind = Kind.QUOTE
        elif main and main.lemma.lower() in MONEY_VERBS:
            kind = Kind.MONEY  # "What did the outage cost the airline?", "What does the firm charge?"
        else:
            kind = Kind.PHRASE
            # "What is the latest reported number of hostages": a count in disguise
            num = next((t for t in toks if t.lemma.lower() in COUNT_NOUNS), None)
            if num is not None:
                after = toks[num.i + 1] if num.i + 1 < len(toks) else None
                of = _next_noun(a, num.i + 2, stop_at_verb=False) if after is not None and after.lower == "of" else None
                kind, focus = Kind.COUNT, (of.lemma.lower() if of else num.lemma.lower())
                if focus == "toll":
                    focus = "death"  # a toll counts the dead
            elif (noun := _typed_noun(a, rel, PERCENT_NOUNS)) is not None:
                kind, focus = Kind.PERCENT, noun.lemma.lower()
            elif (noun := _typed_noun(a, rel, MONEY_NOUNS)) is not None:
                kind, focus = Kind.MONEY, noun.lemma.lower()
            elif rel is not None and rel.pos == "NOUN" and rel.lemma.lower() in ("age",):
                kind = Kind.AGE
            elif rel is not None and rel.pos == "NOUN" and rel.lemma.lower() in ("name",):
                # "What is the name of the government spokesperson?": a person whose title says so
                of = _next_noun(a, rel.i + 1, stop_at_verb=False)
                kind, focus, named = Kind.PERSON, (of.lemma.lower() if of else ""), True
            elif rel is not None and rel.pos == "NOUN":
                head = _next_noun(a, rel.i) or rel  # "what's the maximum prison term": the compound's head
                focus = head.lemma.lower()
                if _kind_of_noun(focus, word, right_after=False) in (Kind.DURATION, Kind.MONEY, Kind.PERCENT):
                    kind = _kind_of_noun(focus, word, right_after=False)
    if kind is Kind.PHRASE and focus in TITLE_FOCUS and any(t.pos == "PROPN" for t in toks):
        kind = Kind.TITLE  # a named person's job: a title, not any phrase
    if kind is Kind.PHRASE and toks and toks[0].lower in AUX_START:
        kind = Kind.YESNO
    role = _role(a, wh, rel)
    # "get back", "take over", "pick up": a light verb with its particle is a relation of its own
    particle = next((c.lower for c in a.children(rel.i) if _is_particle(c)), "") if rel is not None else ""
    embedded = ""
    if rel is not None and kind in (Kind.QUOTE, Kind.PHRASE):
        later = [t for t in toks if t.i > rel.i and t.pos in ("VERB", "AUX") and t.tag != "MD" and t.dep != "relcl"
                 and t.lemma.lower() not in ("be", "have", "do", "will", "would")]
        # the gap is left open only when that verb lacks its object ("say about opening the probe" has one)
        last = later[-1] if later else None
        if last is not None and last.dep != "pcomp" and not (
                any(c.dep == "dobj" and c.lower not in WH for c in a.children(last.i))
                and not any(c.lemma.lower() == "do" for c in a.children(last.i))):  # "ask them to do"
            embedded = last.lemma.lower()
    speaker = _speaker(a, rel) if kind is Kind.QUOTE else ()
    latest = any(t.lower in NOW_WORDS for t in toks) or any(p in low for p in NOW_PHRASES)
    return Question(
        text=clean, parsed=a, kind=kind, focus=focus,
        relation=rel.lemma.lower() if rel is not None else "",
        relation_verb=rel is not None and rel.pos == "VERB" and (rel.lemma.lower() not in LIGHT_VERBS or
                                                                   bool(particle)),
        particle=particle,
        role=role, speaker=speaker, units=units, possessive=word == "whose" or bool(owner),
        speaker_group=kind is Kind.QUOTE and _speaker_is_group(a, rel), named=named, embedded=embedded,
        within=_within(toks) if kind is Kind.PLACE else "",
        # a job's own words ("role", "hold") are rarely in the sentence that gives the title
        anchors=[x for x in _anchors(a, wh, focus) if kind is not Kind.TITLE or x.proper], latest=latest,
        dates=_dates(a), negated=any(t.lower in ("not", "n't", "never") for t in toks),
    )
