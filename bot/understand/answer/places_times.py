"""Places and times as answers: named places, a part of a place ("the plant's tank farm"), a body
with the place of its branch, calendar dates, the end of a state ("until Sunday") and times of day."""

from __future__ import annotations

from dataclasses import replace

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import (
    PLACE_LABELS,
    Candidate,
    entity_candidates,
    make,
    noun_phrase,
    role_noun_candidates,
    root_of,
)
from bot.understand.answer.quantities import quantity_span
from bot.understand.answer.question_parts import LENGTH_UNITS
from bot.understand.answer.vocabulary import PLACE_NOUNS, TIME_UNITS
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.dates import MONTHS, WEEKDAYS

# words before a place's name that narrow it ("the southern Indian Ocean", "mainland China")
COMPASS = frozenset("northern southern eastern western central north south east west northeastern northwestern "
                    "southeastern southwestern northeast northwest southeast southwest mainland coastal rural "
                    "upstate downtown".split())
GOAL_PREPS = frozenset("into to towards toward".split())  # where a move was heading
BEARINGS = frozenset("north south east west northeast northwest southeast southwest".split())  # "east of Pokhara"
SETTLEMENTS = frozenset("city town village port capital".split())  # "the city of Copiapo"
LEAVING = frozenset("flee leave depart quit exit escape abandon evacuate".split())  # what one leaves is left behind


def _with_compass(a: Annotated, cand: Candidate) -> Candidate:
    """"the southern Indian Ocean", "mainland China": a word before a place's name that narrows it."""
    before = a.tokens[cand.start - 1] if cand.start > 0 else None
    if before is None or before.lower not in COMPASS or before.head not in range(cand.start, cand.end):
        return cand
    return replace(cand, start=before.i, text=a.span(before.i, cand.end))


def _with_bearing(a: Annotated, cand: Candidate) -> Candidate:
    """"80 kilometres east of Pokhara", "8 miles (13 km) north of Charikot": the distance and bearing
    from a named place say where exactly."""
    k = cand.start - 2
    if k >= 3 and a.tokens[k + 1].lower == "of" and a.tokens[k].lemma.lower() in SETTLEMENTS and \
            a.tokens[k - 1].pos == "DET" and a.tokens[k - 2].lower == "of":
        k -= 3  # "north of the city of Copiapo"
    if k < 0 or a.tokens[k + 1].lower != "of" or a.tokens[k].lower not in BEARINGS:
        return cand
    if k >= 2 and a.tokens[k - 1].text == "-" and a.tokens[k - 2].lower in BEARINGS:
        k -= 2  # "north-east", split by the tokeniser
    j = k - 1
    if j >= 0 and a.tokens[j].text == ")":  # "(13 km)": the distance given again in other units
        while j >= 0 and a.tokens[j].text != "(":
            j -= 1
        j -= 1
    spans = [quantity_span(a, q) for q in a.quantities if q.unit in LENGTH_UNITS]
    k = next((start for start, end, _ in spans if end == j + 1), k)  # "about 45 kilometres", approximator and all
    return replace(cand, start=k, text=a.span(k, cand.end))


def place_candidates(a: Annotated) -> list[Candidate]:
    """Places: GPE/LOC/FAC entities (with a compass word before them, or a distance and bearing), and
    names after "in/at/to" or "north of" the tagger left unlabelled."""
    out = [_with_bearing(a, _with_compass(a, c)) for c in entity_candidates(a, PLACE_LABELS)]
    for t in a.tokens:
        if t.dep == "pobj" and t.pos == "PROPN" and _locating(a, a.tokens[t.head]) and (
                not t.ent or t.ent.endswith(("-PERSON", "-ORG"))):
            ent = a.entity_at(t.i)
            if ent is not None:
                cand = make(a, ent.start, ent.end, t.i, W.FIT_MISLABELLED_PLACE)
                if cand:
                    out.append(_with_bearing(a, cand))
                continue
            lo, hi = noun_phrase(a, t.i, with_of=False)
            cand = make(a, lo, hi, t.i, W.FIT_UNLABELLED_PLACE)
            if cand:
                out.append(_with_bearing(a, cand))
    out += role_noun_candidates(a, PLACE_NOUNS, W.FIT_PLACE_NOUN)
    return out + located(a, out, out)


def _locating(a: Annotated, prep: Tok) -> bool:
    """"in", "at", "to", or the "of" of a bearing ("north of"): its object is a place."""
    return prep.lower in ("in", "at", "to") or prep.lower == "of" and prep.i > 0 and \
        a.tokens[prep.i - 1].lower in BEARINGS


_LOCATING = frozenset("in at on inside outside near beneath under".split())  # prepositions of where


def part_candidates(a: Annotated, whole: str) -> list[Candidate]:
    """Parts of a place for "where in the plant": an unnamed place after in/at/on/inside ("in the
    plant's tank farm"), never the town or country the whole place is in."""
    out = []
    for t in a.tokens:
        if t.dep == "pobj" and t.pos == "NOUN" and t.lemma.lower() != whole and \
                a.tokens[t.head].lower in _LOCATING:
            lo, hi = noun_phrase(a, t.i, with_of=False)
            cand = make(a, lo, hi, t.i, W.FIT_PART)
            if cand and whole in {x.lemma.lower() for x in a.tokens[lo:hi]} | _of_whole(a, t.i):
                out.append(cand)
    return out


def _says_when(a: Annotated, prep: int) -> bool:
    """"on June 14", "in the early hours": the phrase gives a time, not a place."""
    lo, hi = a.subtree(prep)
    return any(x.ent.endswith(("-DATE", "-TIME")) or x.lemma.lower() in TIME_UNITS for x in a.tokens[lo:hi])


def spot_candidates(a: Annotated, rel: set[int]) -> list[Candidate]:
    """For "where did the fire start": the unnamed spot the relation's verb says it happened in ("began
    in a fridge-freezer in a fourth-floor flat"), with the places that locate it."""
    out = []
    for t in a.tokens:
        prep = a.tokens[t.head]
        if t.dep == "pobj" and t.pos == "NOUN" and t.lemma.lower() not in TIME_UNITS and \
                prep.lower in _LOCATING and prep.head in rel:
            lo, hi = noun_phrase(a, t.i, with_of=False)
            if any(x.ent.endswith(("-DATE", "-TIME")) for x in a.tokens[lo:hi]):
                continue  # "at the weekend": a time
            # "in farmland near the town of Bishoftu": the next place phrase of the verb narrows it down
            while hi < len(a.tokens) and a.tokens[hi].lower in _LOCATING and a.tokens[hi].dep == "prep" and \
                    a.tokens[hi].head in (prep.head, t.i) and not _says_when(a, hi):
                hi = a.subtree(hi)[1]
            cand = make(a, lo, hi, t.i, W.FIT_SPOT)
            if cand:
                out.append(cand)
    return out


def _of_whole(a: Annotated, i: int) -> set[str]:
    """Lemmas of the "of" phrase after a noun ("the tank farm of the plant")."""
    out: set[str] = set()
    for c in a.children(i):
        if c.dep == "prep" and c.lower == "of":
            lo, hi = a.subtree(c.i)
            out |= {x.lemma.lower() for x in a.tokens[lo:hi]}
    return out


def located(a: Annotated, cands: list[Candidate], places: list[Candidate],
            joiners: tuple[str, ...] = ("in", ",")) -> list[Candidate]:
    """Each candidate with the place that locates it: "Kirby Hall in Northallerton", "Austin, Texas",
    "the Coast Guard in Boston" ("the town of Kula" stays as it is)."""
    out = []
    by_start = {c.start: c for c in places if c.fit >= W.FIT_UNLABELLED_PLACE}
    for c in cands:
        if c.end + 1 >= len(a.tokens) or a.tokens[c.end].lower not in joiners:
            continue
        outer = by_start.get(c.end + 1)
        if outer is None or a.entity_at(outer.head) is None or a.entity_at(outer.head).label != "GPE":
            continue
        chain = make(a, c.start, outer.end, c.head, c.fit + W.COORDINATED)
        if chain:
            out.append(chain)
    return out


def _is_duration_text(a: Annotated, start: int, end: int) -> bool:
    words = {t.lemma.lower() for t in a.tokens[start:end]}
    has_number = any(t.pos == "NUM" or t.lower in ("a", "an", "few", "several") for t in a.tokens[start:end])
    return bool(words & TIME_UNITS) and has_number and not any(d.first for d in a.dates
                                                                 if d.start <= start < d.end)


def date_candidates(a: Annotated) -> list[Candidate]:
    """Dates and times of day: DATE/TIME entities that name a day or moment (not a duration)."""
    out = []
    for ent in a.entities:
        if ent.label not in ("DATE", "TIME"):
            continue
        if _is_duration_text(a, ent.start, ent.end) and "ago" not in ent.text.lower():
            continue
        ref = next((d for d in a.dates if d.start == ent.start), None)
        fit = 1.0 if (ref and ref.first) or ent.label == "TIME" else W.FIT_UNRESOLVED_DATE
        cand = make(a, ent.start, ent.end, root_of(a, ent.start, ent.end), fit,
                    value=ref.first if ref and ref.first else "", keep_article=True)
        if cand:
            out.append(cand)
    for first, second in zip(out, out[1:], strict=False):  # "this week, possibly as early as Tuesday"
        between = a.tokens[first.end:second.start]
        if len(between) <= 3 and all(t.lower in _DATE_JOINERS or t.pos == "PUNCT" for t in between):
            cand = make(a, first.start, second.end, second.head, min(first.fit, second.fit) + W.COORDINATED,
                        value=second.value, keep_article=True)
            if cand:
                out.append(cand)
    return out


def in_other_clause(a: Annotated, cand: Candidate, rel: set[int], verbs: set[str]) -> bool:
    """Whether the candidate sits in a clause describing a noun ("Georgelin, the general who led the
    rebuilding of Notre-Dame, has died in the Pyrenees") while the asked verb is outside it; a clause
    of one of the question's own verbs ("the delegation he had sent to Paris") is not another."""
    if not rel:
        return False
    if _goal_of_other_verb(a, cand.head, rel, verbs):
        return True
    k, seen = cand.head, 0
    while a.tokens[k].head != k and seen < 8:
        t = a.tokens[k]
        if t.i in rel or t.pos == "VERB" and t.lemma.lower() in verbs:
            return False  # the place is said of the asked verb
        if t.dep in ("relcl", "acl"):
            lo, hi = a.subtree(t.i)
            return not any(lo <= r < hi for r in rel)
        k, seen = t.head, seen + 1
    return False


def left_place(a: Annotated, cand: Candidate, rel: set[int]) -> bool:
    """Whether the place is one someone left ("fled Sri Lanka", "flew out from Colombo"), unless
    leaving is what the question asks about: not where they are, nor where the asked thing happened."""
    t = a.tokens[cand.head]
    verb = a.tokens[t.head]
    if t.dep == "pobj" and verb.lower in ("from", "out"):
        verb = a.tokens[verb.head]
    elif t.dep != "dobj":
        return False
    return verb.pos == "VERB" and verb.lemma.lower() in LEAVING and verb.i not in rel


def _goal_of_other_verb(a: Annotated, head: int, rel: set[int], verbs: set[str]) -> bool:
    """Whether the place is where another verb's doer was heading ("arrested as he tried to escape
    [into India]"): not where the asked thing happened."""
    prep = a.tokens[a.tokens[head].head]
    if a.tokens[head].dep != "pobj" or prep.lower not in GOAL_PREPS:
        return False
    verb = a.tokens[prep.head]
    return verb.pos == "VERB" and verb.i not in rel and verb.lemma.lower() not in verbs


def names_day(a: Annotated, cand: Candidate) -> bool:
    """Whether a date or time names a day ("Monday evening", "April 15", "yesterday"), not only a
    moment of one ("7 pm", "the night")."""
    ent = a.entity_at(cand.head)
    return ent is None or ent.label != "TIME" or any(
        t.lower in WEEKDAYS or t.lower in MONTHS or t.lower in ("today", "yesterday", "tonight") for t in
        a.tokens[cand.start:cand.end])


_DATE_JOINERS = frozenset(["possibly", "perhaps", "maybe", "probably", "or", "and", "likely"])


def until_candidates(a: Annotated) -> list[Candidate]:
    """The end of a state for "how long": "free until Sunday, October 25" (the date with its "until")."""
    out = []
    for ref in a.dates:
        before = a.tokens[ref.start - 1] if ref.start > 0 else None
        if before is not None and before.lower in ("until", "till", "through") and before.pos in ("ADP", "SCONJ"):
            cand = make(a, ref.start - 1, ref.end, ref.end - 1, W.FIT_UNTIL)
            if cand:
                out.append(cand)
    return out


def time_candidates(a: Annotated) -> list[Candidate]:
    """Clock times: TIME entities, best those with digits ("6:10 pm", "10am")."""
    out = []
    for ent in a.entities:
        if ent.label in ("TIME", "DATE") and any(ch.isdigit() for ch in ent.text) and (
                ":" in ent.text or "am" in ent.text.lower() or "pm" in ent.text.lower() or ent.label == "TIME"):
            cand = make(a, ent.start, ent.end, root_of(a, ent.start, ent.end), 1.0, keep_article=True)
            if cand:
                out.append(cand)
    return out
