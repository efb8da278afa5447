"""Sentences that are true and may be new to the story but are not news: who or what something is.

"OceanGate is a company based in Washington", "Summers, 68, is an American economist": a present-
tense definition of a named subject (or of "a thing" in general) tells the reader what it is, not
what happened. Read from the stored annotation: the root is a present-tense "be" whose complement
is an indefinite noun ("a company", "an economist"). "The union last struck GM in 2019": a main
clause in the past that the sentence dates over a year before the report is history.
"""

from __future__ import annotations

from datetime import datetime

from bot.understand.language.annotation import Annotated
from bot.understand.language.dates import ONSET_VERBS, over_a_year_before

_PERSONAL = frozenset(["he", "she", "it", "they"])
_INDEFINITE = frozenset(["a", "an"])
# A part someone plays in the story is news, not a definition: "X is a suspect in the shooting".
_ROLES = frozenset("""
    suspect target candidate defendant victim witness nominee finalist contender frontrunner favourite
    favorite subject plaintiff party signatory survivor casualty
""".split())


def _named_or_generic(a: Annotated, i: int) -> bool:
    """A subject a definition is about: a name, a personal pronoun, or "a thing" in general."""
    t = a.tokens[i]
    if any(c.dep == "appos" and c.pos == "NUM" for c in a.children(i)):
        return True  # "Summers, 68, is ...": a person given with an age
    if t.pos == "PROPN" or t.ent and not t.ent.endswith(("-DATE", "-CARDINAL", "-TIME")):
        return True
    if t.pos == "PRON":
        return t.lower in _PERSONAL
    return any(c.dep == "det" and c.lower in _INDEFINITE for c in a.children(i))


def defines(a: Annotated) -> bool:
    """True when the sentence says what its subject is ("X is a company based in Y")."""
    root = a.tokens[a.root]
    if root.lemma.lower() != "be" or root.tag not in ("VBZ", "VBP"):
        return False
    kids = list(a.children(root.i))
    if any(c.dep in ("neg", "acomp", "xcomp", "ccomp") for c in kids):  # "is due to travel, a sign that"
        return False
    subject = next((c for c in kids if c.dep == "nsubj"), None)
    complement = next((c for c in kids if c.dep == "attr" and c.pos == "NOUN"), None)
    if subject is None or complement is None or not _named_or_generic(a, subject.i):
        return False
    if complement.lemma.lower() in _ROLES:
        return False
    return any(c.dep == "det" and c.lower in _INDEFINITE for c in a.children(complement.i))


_ONSET = ONSET_VERBS | {"break"}  # "broke out"


def tells_onset(a: Annotated) -> bool:
    """True when the sentence's main clause says when the story's event began ("The strike began on
    October 5", "The fire broke out late on Sunday"): told again in later articles as background."""
    root = a.tokens[a.root]
    lemma = root.lemma.lower()
    if lemma not in _ONSET or not a.dates:
        return False
    kids = list(a.children(root.i))
    if any(c.dep in ("xcomp", "dobj", "ccomp") for c in kids):
        return False  # "began searching", "started the fire", "began naming his cabinet"
    if lemma == "break" and not any(c.lower == "out" for c in kids):
        return False
    return any(c.dep in ("nsubj", "nsubjpass") and c.pos in ("NOUN", "PROPN") for c in kids)


_HISTORY_PREPS = frozenset(["in", "during", "until", "on", "at"])


def tells_history(a: Annotated, published: datetime | None) -> bool:
    """True when the main verb, in the past tense, is dated over a year before the report ("SVB was
    founded in 1983", "he ran TNK-BP until 2008"); a date on a noun ("repealed a 2015 law") or a
    span up to now ("since 2019") does not make the event old."""
    root = a.tokens[a.root]
    if published is None or root.tag not in ("VBD", "VBN"):
        return False
    for ref in a.dates:
        if not over_a_year_before(ref, published):
            continue
        t = a.tokens[ref.end - 1]
        prep = a.tokens[t.head]
        if t.dep == "npadvmod" and t.head == root.i or \
                t.dep == "pobj" and prep.lower in _HISTORY_PREPS and prep.head == root.i:
            return True
    return False
