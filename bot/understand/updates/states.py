"""A state that moved on: "the line would now reopen on November 23", "the road is no longer closed".

Counts and places have slots; a state told in words has none. A sentence whose main clause marks its
predicate with "now" or "no longer" says the state of its subject has changed since the story last
spoke of it; the earlier sentence that names the same subject and says the same matter of it (the
clause's verb or complement: "reopen") is what it changes. Only a named or nominal subject counts
(not "he", "everyone"), never a "now" inside a quotation, and never time passing ("have now been
missing for five days").
"""

from __future__ import annotations

from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.numbers import TIME_UNITS
from bot.understand.updates.facts import content_lemma, is_name, name_key

_QUOTE_MARKS = frozenset(['"', "“", "”", "‘", "’", "'"])
_CLAUSES = ("ccomp", "xcomp", "conj")


def _quoted(a: Annotated, i: int) -> bool:
    return sum(1 for t in a.tokens[:i] if t.text in _QUOTE_MARKS) % 2 == 1


def _marks_change(a: Annotated, t: Tok) -> bool:
    if t.dep != "advmod" or _quoted(a, t.i):
        return False
    return t.lower == "now" or t.lower == "longer" and t.i > 0 and a.tokens[t.i - 1].lower == "no"


def _subject(a: Annotated, verb: int) -> Tok | None:
    """The subject of the clause, climbing from a raising verb ("are now known to have died"); for
    "officials now believe (that) X ...", the subject of what is believed."""
    reported = next((c for c in a.children(verb) if c.dep == "ccomp"), None)
    k = reported.i if reported is not None else verb
    for _ in range(3):
        found = next((c for c in a.children(k) if c.dep in ("nsubj", "nsubjpass")), None)
        if found is not None:
            return found
        if a.tokens[k].dep not in _CLAUSES or a.tokens[k].head == k:
            return None
        k = a.tokens[k].head
    return None


def _passing_time(a: Annotated, verb: int) -> bool:
    """"have now been missing for five days": only time has passed."""
    for prep in a.children(verb):
        if prep.dep == "prep" and prep.lower == "for":
            obj = next((c for c in a.children(prep.i) if c.dep == "pobj"), None)
            if obj is not None and obj.lemma.lower() in TIME_UNITS:
                return True
    return False


def _predicate_units(a: Annotated, verb: int) -> frozenset[str]:
    """Content lemmas of what the clause says of its subject ("would now reopen": reopen)."""
    words = [a.tokens[verb]] + [c for c in a.children(verb) if c.dep in ("acomp", "attr", "dobj", "xcomp", "oprd")]
    return frozenset(u for u in (content_lemma(w) for w in words) if u)


def moved_state(a: Annotated) -> tuple[frozenset[str], frozenset[str]]:
    """The fact units of the subject whose state the main clause says moved on (name words or the
    head noun's lemma) and of what is said of it, or two empty sets when the sentence says no such
    thing."""
    main = {a.root} | {c.i for c in a.children(a.root) if c.dep in _CLAUSES}
    for t in a.tokens:
        if not _marks_change(a, t) or t.head not in main:
            continue
        subject = _subject(a, t.head)
        if subject is None or subject.pos not in ("NOUN", "PROPN") or _passing_time(a, t.head):
            break
        said = _predicate_units(a, subject.head)
        if is_name(a, subject):  # "Brockman", "Hawaiian Electric": the name's own words
            words = [x for x in a.children(subject.i) if x.dep == "compound" and is_name(a, x)] + [subject]
            return frozenset(name_key(x) for x in words), said
        lemma = content_lemma(subject)  # "a statue of X now stands": the statue, not X
        if lemma:
            return frozenset([lemma]), said
        break
    return frozenset(), frozenset()
