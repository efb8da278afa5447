"""Figures a sentence itself says were revised: "raised its offer to 4.5 percent from 3 percent",
"fell from 41 to 31", "2,450, more than the 2,300 the authority gave", "$850,000 a day, not $1.1
million as it said last week".

The slot model compares a count with the latest earlier count of the same noun; a sentence that
names the old figure beside the new one says outright which earlier value it revises, whatever
nouns either sentence counted with. The old figure is marked by the words before it ("from",
"not", "more than", "instead of"), read from the stored annotation; a "from" counts only in a
sentence that says something moved (a verb or adverb of change), so a range ("from 8 to 12
hours") is not a revision. "A third worker has died" says a count moved too: one more of the noun.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.understand.language.annotation import Annotated, Quantity
from bot.understand.updates import weights
from bot.understand.updates.counts import DEAD_KEY, DEATH_NOUNS, DEATH_VERBS, PEOPLE, count_context
from bot.understand.updates.facts import number_text
from bot.understand.updates.slot import Slot

# Words between a cue and the old figure: "from earlier estimates of about 1,000", "not the 60,000".
FILLER = frozenset("""
    the a an about around some roughly nearly almost approximately estimated its their his her
    earlier previous prior initial original first figure figures estimate estimates count total tally
    number of reported
""".split())
MOVED = frozenset("""
    rise raise fall drop increase decrease lower cut reduce revise correct climb jump grow double
    triple go up down lift boost bump slash trim swell shrink decline soar sink plunge edge move
    revised corrected
""".split())
CORRECTING = frozenset(["revise", "correct", "restate"])  # "revised down to 8,000 from 100,000": an estimate put right
APPROXIMATE = frozenset(["about", "around", "some", "roughly", "nearly", "almost", "approximately"])
COMPARATIVE = frozenset(["more", "less", "fewer", "higher", "lower", "up", "down", "above", "below"])


@dataclass(frozen=True)
class Revision:
    """A new figure and the old one the sentence says it replaces."""

    new: Quantity
    old: Quantity

    @property
    def old_key(self) -> str:
        """The fact unit of the old figure, to find the earlier sentence that gave it."""
        return "n:" + number_text(self.old.value)


def _cue_before(a: Annotated, q: Quantity) -> str:
    """The word marking a figure as the old one ("from", "not", "than", "instead of"), or ""."""
    i = q.start - 1
    skipped = 0
    while i >= 0 and a.tokens[i].lower in FILLER and skipped < weights.REVISION_FILLER:
        i -= 1
        skipped += 1
    if i < 0:
        return ""
    word = a.tokens[i].lower
    if word == "from":
        return "from"
    if word == "not" or word == "of" and i and a.tokens[i - 1].lower == "instead":
        return "not"
    if word == "than" and i and (a.tokens[i - 1].lower in COMPARATIVE and _named(a, i + 1, q.start)
                                 or a.tokens[i - 1].lower == "rather"):
        return "not"
    return ""


def _after_to(a: Annotated, q: Quantity) -> bool:
    """The figure is what something moved to ("to four", "to $52 million", "to about 850")."""
    i = q.start - 1
    while i >= 0 and a.tokens[i].lower in APPROXIMATE | {"a", "an", "the"}:
        i -= 1
    return i >= 0 and a.tokens[i].lower == "to"


def _named(a: Annotated, start: int, end: int) -> bool:
    """The words before a figure point at one figure ("than the 2,300", "than its estimate of"),
    unlike the bare "more than 500 people", which only rounds a figure."""
    return any(a.tokens[i].lower not in APPROXIMATE | {"a", "an"} for i in range(start, end))


def _kind(q: Quantity) -> str:
    """What a figure measures, as far as comparing two of them goes: its unit (money, percent,
    years, miles) or, without one, a count."""
    return q.unit or "#"


def _comparable(new: Quantity, old: Quantity, stated: bool) -> bool:
    """Two figures one revision could move between: of one kind, and (unless the sentence says
    outright that an estimate was corrected "to" one figure "from" another) of sizes not far apart."""
    if _kind(new) != _kind(old) or new.value == old.value:
        return False
    low, high = sorted((new.value, old.value))
    return low > 0 and (stated or high / low <= weights.VALUE_RATIO)


def revisions(a: Annotated) -> list[Revision]:
    """The (new, old) figure pairs the sentence states as a revision, old figure marked by its cue."""
    moved = any(t.lemma.lower() in MOVED or t.lower in MOVED for t in a.tokens)
    found: list[Revision] = []
    for old in a.quantities:
        cue = _cue_before(a, old)
        if not cue or cue == "from" and not moved:
            continue
        targets = [q for q in a.quantities if q is not old and _after_to(a, q)]
        others = targets or [q for q in a.quantities if q is not old and not _cue_before(a, q)]
        if others:  # "from 48 seats to nine": the figure after "to" is the new one, comparable or not
            new = min(others, key=lambda q: abs(q.start - old.start))
            corrected = bool(targets) and cue == "from" and any(t.lemma.lower() in CORRECTING for t in a.tokens)
            if _comparable(new, old, stated=corrected):
                found.append(Revision(new, old))
    return found


ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
            "tenth": 10, "eleventh": 11, "twelfth": 12}


def ordinal_slots(a: Annotated) -> list[Slot]:
    """"A third worker has died", "won a fifth seat": one more of a noun, so the count is now that
    number (only with "a"/"another": "the second day" ranks, it does not count)."""
    out: list[Slot] = []
    for t in a.tokens:
        value = ORDINALS.get(t.lower)
        if value is None or t.dep != "amod":
            continue
        noun = a.tokens[t.head]
        if noun.pos != "NOUN" or not any(c.dep == "det" and c.lower in ("a", "an", "another")
                                         for c in a.children(noun.i)):
            continue
        lemma = noun.lemma.lower()
        q = Quantity(t.i, t.i + 1, float(value), "", lemma, a.span(t.i, noun.i + 1))
        context = count_context(a, q, lemma)
        key = DEAD_KEY if lemma in DEATH_NOUNS or lemma in PEOPLE and context & DEATH_VERBS else f"s:q:{lemma}"
        out.append(Slot(key, number_text(value), q.text, context))
    return out
