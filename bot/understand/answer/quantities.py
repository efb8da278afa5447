"""Quantities as answers: counts of a noun, money, percentages, durations, measures and ages.

Spans keep their approximators ("more than", "about"), their counted noun ("40 container ships")
and whole ranges ("35 to 40"); the kind comes from the stored quantity's unit and counted noun.
"""

from __future__ import annotations

from dataclasses import replace

from bot.understand.answer.candidates import Candidate, make
from bot.understand.answer.vocabulary import TIME_UNITS
from bot.understand.language.annotation import Annotated, Quantity, Tok
from bot.understand.language.numbers import MONEY_UNITS, UNIT_NOUNS
from bot.understand.language.people import PERSON_NOUNS

APPROX = frozenset("""
    about around nearly almost roughly some more less than over under above below up to at least most just only close
    approximately some between fewer estimated an a
""".split())


UP_TO = frozenset(["up", "close"])  # "up to 30", "close to 30"; not "rose to 30"


def quantity_span(a: Annotated, q: Quantity) -> tuple[int, int, int]:
    """[start, end) of a quantity with its approximators ("more than", "about") and counted noun; its head."""
    start, end, head = q.start, q.end, q.end - 1
    if _per_cent(a, end):
        end += 2  # "33.8 per cent"
    if q.unit and end < len(a.tokens) and a.tokens[end].lemma.lower() == q.unit:
        end += 1  # "1,600 feet": the unit the tagger found
    if q.noun:
        for t in a.tokens[q.end:q.end + 4]:
            if t.lemma.lower() == q.noun:
                end, head = t.i + 1, t.i
                while a.tokens[head].dep == "compound" and a.tokens[a.tokens[head].head].pos == "NOUN" and \
                        a.tokens[head].head == end:  # "42 container ships": the count is of ships
                    head = end
                    end += 1
                break
            if t.pos not in ("ADJ", "NOUN", "PROPN", "PUNCT", "ADV", "NUM", "CCONJ", "DET"):
                break
    for other in a.quantities:  # "35 to 40 hostages": the second number keeps the whole range
        if q.start - 3 <= other.end <= q.start and other.end > other.start and _joins(a, other.end, q.start) \
                and not _change(a, other):
            start = other.start
    while start > 0 and (a.tokens[start - 1].lower in APPROX or a.tokens[start - 1].dep in ("quantmod",)) and \
            not (a.tokens[start - 1].lower == "at" and a.tokens[start].lower not in ("least", "most")) and \
            not (a.tokens[start - 1].lower == "to" and (start < 2 or a.tokens[start - 2].lower not in UP_TO)) and \
            not (a.tokens[start - 1].lower == "up" and a.tokens[start].lower != "to"):  # "set up a $2 million fund"
        if a.tokens[start - 1].lower in ("a", "an") and (start - 1 > 0 and a.tokens[start - 2].lower not in APPROX
                                                           or a.tokens[start].text[:1].isdigit()):
            break  # "nearly a million", but "under a 98-ton dome": the article is the dome's
        start -= 1
    if start >= 2 and a.tokens[start].lower == "as" and a.tokens[start - 2].lower == "as" and \
            a.tokens[start - 1].lower in ("much", "many", "long", "far", "high", "little", "few"):
        start -= 2  # "as much as 90 million euros", not "as 90 million euros"
    # "between 70 and the full 96 hours", "30 to 35": a range joined to the next number
    for other in a.quantities:
        if q.end <= other.start <= q.end + 3 and _joins(a, q.end, other.start) and not _change(a, q):
            end = max(end, other.end)
    return start, end, head


def _joins(a: Annotated, start: int, end: int) -> bool:
    """Whether tokens [start, end) join two numbers into a range ("35 to 40", "between 70 and the full 96"),
    not a list of different things ("411 constituencies, or 63.7 per cent")."""
    between = a.tokens[start:end]
    return any(t.lower in ("and", "to", "-", "or") for t in between) and not any(
        t.pos in ("NOUN", "PROPN", "VERB") or t.text == "," for t in between)  # not "five years and create 1,500"


def _per_cent(a: Annotated, i: int) -> bool:
    """Whether tokens i, i+1 are "per cent" (British spelling the stored quantity may miss)."""
    return i + 1 < len(a.tokens) and a.tokens[i].lower == "per" and a.tokens[i + 1].lower == "cent"


def _change(a: Annotated, first: Quantity) -> bool:
    """Whether a number opens a change, not a range: "fell from 41 to 31" (the answer is 31)."""
    return first.start > 0 and a.tokens[first.start - 1].lower == "from"


def _membership(a: Annotated, q: Quantity) -> bool:
    """Whether the number is "one of ...": membership of a group ("one of a record 11 women"), not a count."""
    return q.end - q.start == 1 and a.tokens[q.start].lower == "one" and q.end < len(a.tokens) and \
        a.tokens[q.end].lower == "of"


def quantity_kind(a: Annotated, q: Quantity) -> str:
    """'money', 'percent', 'duration', 'measure', 'age' or 'count'."""
    if q.unit in MONEY_UNITS:
        return "money"
    if q.unit == "%" or _per_cent(a, q.end):
        return "percent"
    after = " ".join(t.lower for t in a.tokens[q.end:q.end + 3])
    if q.unit == "year" and ("old" in after or "-old" in after):
        return "age"
    if q.unit in TIME_UNITS or q.noun in TIME_UNITS:
        return "duration"
    if q.unit in UNIT_NOUNS or q.noun in UNIT_NOUNS or q.unit:
        return "measure"
    ent = a.entity_at(q.start) or a.entity_at(q.end - 1)
    if ent is not None and ent.label == "MONEY":
        return "money"
    if ent is not None and ent.label == "PERCENT":
        return "percent"
    return "count"


def quantity_candidates(a: Annotated, kinds: frozenset[str]) -> list[tuple[Candidate, Quantity]]:
    """Quantities of the wanted kinds, each cut with its approximators and counted noun."""
    out = []
    for q in a.quantities:
        kind = quantity_kind(a, q)
        if kind not in kinds or _membership(a, q):
            continue
        start, end, head = quantity_span(a, q)
        if end + 1 < len(a.tokens) and a.tokens[end].lower in ("per", "an", "a") and \
                a.tokens[end + 1].lemma.lower() in ("hour", "second", "minute"):
            end += 2  # "80 miles per hour" is a speed
            q = replace(q, unit="mph")
        value = f"{q.value:g}{q.unit}"
        cand = make(a, start, end, head, 1.0, value=value, keep_article=False)
        if cand:
            out.append((cand, q))
    return out


def age_candidates(a: Annotated) -> list[Candidate]:
    """Ages: "Sam Altman, 38," (a bare number in apposition to a person), "Altman, who is 38,", "the
    38-year-old" and "At 42, Sunak is ..." (an age opening the sentence about its subject)."""
    out = []
    for q in a.quantities:
        if quantity_kind(a, q) == "age":
            owner = a.tokens[q.end - 1].head
            while a.tokens[owner].pos not in ("NOUN", "PROPN") and a.tokens[owner].head != owner:
                owner = a.tokens[owner].head
            end = q.end
            while end < len(a.tokens) and a.tokens[end].lower in ("-", "old"):
                end += 1  # "150-year-old"
            cand = make(a, q.start, end, owner, 1.0, value=f"{q.value:g}")
            if cand:
                out.append(cand)
    for t in a.tokens:
        if t.pos == "NUM" and t.text.isdigit() and 1 <= int(t.text) <= 120 and t.dep in ("appos", "npadvmod", "amod"):
            head = a.tokens[t.head]
            person = a.entity_at(head.i)
            commas = t.i > 0 and a.tokens[t.i - 1].text == "," and t.i + 1 < len(a.tokens) and \
                a.tokens[t.i + 1].text == ","
            # "Keller, 41,": the tagger may call an unfamiliar surname a place; the question's name decides
            if commas and (person is not None and person.label == "PERSON" or head.pos == "PROPN"
                           or head.lemma.lower() in PERSON_NOUNS):
                cand = make(a, t.i, t.i + 1, head.i, 1.0, value=t.text)
                if cand:
                    out.append(cand)
        elif t.pos == "NUM" and t.text.isdigit() and 1 <= int(t.text) <= 120 and t.dep in ("attr", "acomp") and \
                a.tokens[t.head].lemma == "be" and a.tokens[t.head].dep == "relcl" and \
                not any(c.dep in ("prep", "npadvmod") for c in a.children(t.i)):
            person = a.tokens[a.tokens[t.head].head]  # "Altman, who is 38, joined ..."
            if person.ent.endswith("PERSON") or person.pos == "PROPN" or person.lemma.lower() in PERSON_NOUNS:
                cand = make(a, t.i, t.i + 1, person.i, 1.0, value=t.text)
                if cand:
                    out.append(cand)
        elif t.lower == "at" and t.i == 0 and len(a.tokens) > 3 and a.tokens[1].text.isdigit() and \
                1 <= int(a.tokens[1].text) <= 120 and a.tokens[2].text == "," and \
                (a.tokens[3].pos == "PROPN" or a.tokens[3].lower in ("he", "she")):
            cand = make(a, 1, 2, 3, 1.0, value=a.tokens[1].text)  # "At 42, Sunak is the youngest ..."
            if cand:
                out.append(cand)
        elif t.lower == "aged" and t.i + 1 < len(a.tokens) and a.tokens[t.i + 1].text.isdigit():
            cand = make(a, t.i + 1, t.i + 2, t.i + 1, 1.0, value=a.tokens[t.i + 1].text)
            if cand:
                out.append(cand)
    return out


ORDINALS = frozenset("""
    second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth
    fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
""".split())


_PLACING = frozenset("on at in into onto from near above below beneath under over".split())


def ordinal_counts(a: Annotated, noun: str) -> list[Candidate]:
    """"Her sixth trip to the region" answers "how many trips has she made": the ordinal of the
    counted noun, with the noun ("sixth emergency trip")."""
    out = []
    for t in a.tokens:
        if t.lower not in ORDINALS or t.dep != "amod":
            continue
        head = a.tokens[t.head]
        if head.dep in ("compound", "amod", "nmod"):
            continue  # "a fourth-floor flat": the ordinal labels the flat, it counts no floors
        if head.dep == "pobj" and a.tokens[head.head].lower in _PLACING and head.lemma.lower() not in TIME_UNITS \
                and any(c.lower == "the" for c in a.children(head.i)):
            continue  # "a flat on the fourth floor": a place in an order ("on the sixth day" counts days)
        if head.pos == "NOUN" and head.lemma.lower() == noun and head.i > t.i:
            cand = make(a, t.i, head.i + 1, head.i, 1.0, value=t.lower)
            if cand:
                out.append(cand)
    return out


def counted_token(a: Annotated, cand: Candidate) -> Tok:
    """The noun a figure counts or measures ("gallons" of "60,000 gallons"), else the figure."""
    t = a.tokens[cand.head]
    return a.tokens[t.head] if t.dep == "nummod" else t


def joint_count(a: Annotated, cand: Candidate) -> Candidate | None:
    """A count with the counts listed after it, for "how many firms and people": "19 companies and
    organisations and 58 individuals"; None when no other count follows."""
    hi, node = cand.end, counted_token(a, cand)
    first = node
    while (node := next((c for c in a.children(node.i) if c.dep == "conj" and c.i >= hi), None)) is not None:
        if any(g.dep == "nummod" for g in a.children(node.i)):
            hi = node.i + 1
    toks = a.tokens
    k = first.i + 1  # "40 ships and 34 aircraft" parsed as two subjects: the words still list them
    if hi == cand.end and k + 2 < len(toks) and toks[k].lower == "and" and toks[k + 1].pos == "NUM" and \
            toks[k + 1].dep == "nummod" and toks[toks[k + 1].head].pos == "NOUN" and toks[k + 1].head > k + 1:
        hi = toks[k + 1].head + 1
    return make(a, cand.start, hi, cand.head, cand.fit) if hi > cand.end else None
