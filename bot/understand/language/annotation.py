"""What the pipeline found in one sentence, stored beside it so nothing re-parses stored text.

`Annotated` holds the tokens (lemma, part of speech, dependency, head, entity tag), the named
entities, the quantities (value, unit and the noun they count), the dates resolved against the
article's publication date and the quotes with their speakers. It round-trips through compact
JSON (`to_json`/`from_json`), the form kept in the store's `sentences.annotation` column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

FORMAT = 1  # bump when the stored shape changes; older annotations are then recomputed


@dataclass(frozen=True)
class Tok:
    """One token: surface text, trailing space, lemma, coarse and fine tag, dependency and head."""

    i: int
    text: str
    space: bool
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    ent: str  # "B-PERSON", "I-ORG", ... or ""
    idx: int  # character offset in the sentence

    @property
    def lower(self) -> str:
        """The text in lower case."""
        return self.text.lower()


@dataclass(frozen=True)
class Entity:
    """A named entity: tokens [start, end) and its label (PERSON, ORG, GPE, DATE, CARDINAL...)."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class Quantity:
    """A number in the text: its value, unit (%, $, miles, hours...) and the noun it counts."""

    start: int
    end: int
    value: float
    unit: str
    noun: str  # lemma of the counted noun ("hostage"), "" when none
    text: str


@dataclass(frozen=True)
class DateRef:
    """A date or time expression and the calendar days it names (ISO dates; "" when unresolved)."""

    start: int
    end: int
    text: str
    first: str
    last: str


@dataclass(frozen=True)
class Quote:
    """A quotation (characters [start, end) of the sentence, marks excluded) and who said it."""

    start: int
    end: int
    text: str
    speaker: str  # the speaker's words as written, "" when the sentence does not say


@dataclass
class Annotated:
    """One sentence as the pipeline understood it."""

    text: str
    tokens: list[Tok]
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    def span(self, start: int, end: int) -> str:
        """The sentence's text for tokens [start, end), with its own spacing."""
        if start >= end:
            return ""
        last = self.tokens[end - 1]
        return self.text[self.tokens[start].idx:last.idx + len(last.text)]

    def clause_verb(self, i: int) -> int:
        """The verb whose clause token i belongs to (the token itself when it is a verb, else the root)."""
        k = i
        while self.tokens[k].pos not in ("VERB", "AUX") and self.tokens[k].head != k:
            k = self.tokens[k].head
        return k

    def children(self, i: int) -> Iterator[Tok]:
        """Tokens whose head is token i."""
        return (t for t in self.tokens if t.head == i and t.i != i)

    def subtree(self, i: int) -> tuple[int, int]:
        """The contiguous token range [start, end) covered by token i and its dependents."""
        lo = hi = i
        stack = [i]
        while stack:
            k = stack.pop()
            for child in self.children(k):
                lo, hi = min(lo, child.i), max(hi, child.i)
                stack.append(child.i)
        return lo, hi + 1

    def entity_at(self, i: int) -> Entity | None:
        """The named entity covering token i, if any."""
        for ent in self.entities:
            if ent.start <= i < ent.end:
                return ent
        return None

    @cached_property
    def lemmas(self) -> list[str]:
        """Lower-case lemmas of every token."""
        return [t.lemma.lower() for t in self.tokens]

    @cached_property
    def root(self) -> int:
        """Index of the sentence's root token (its main predicate)."""
        for t in self.tokens:
            if t.dep == "ROOT":
                return t.i
        return 0

    def to_json(self) -> str:
        """The compact stored form."""
        return json.dumps({
            "v": FORMAT,
            "t": [[t.text, int(t.space), t.lemma, t.pos, t.tag, t.dep, t.head, t.ent] for t in self.tokens],
            "e": [[e.start, e.end, e.label] for e in self.entities],
            "q": [[q.start, q.end, q.value, q.unit, q.noun] for q in self.quantities],
            "d": [[d.start, d.end, d.first, d.last] for d in self.dates],
            "s": [[q.start, q.end, q.speaker] for q in self.quotes],
        }, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> Annotated | None:
        """Read the stored form back; None when it is missing or of an older format."""
        if not data:
            return None
        raw = json.loads(data)
        if raw.get("v") != FORMAT:
            return None
        tokens: list[Tok] = []
        pieces: list[str] = []
        offset = 0
        for i, (text, space, lemma, pos, tag, dep, head, ent) in enumerate(raw["t"]):
            tokens.append(Tok(i, text, bool(space), lemma, pos, tag, dep, head, ent, offset))
            pieces.append(text + (" " if space else ""))
            offset += len(text) + (1 if space else 0)
        sentence = "".join(pieces).rstrip()
        made = cls(sentence, tokens)
        made.entities = [Entity(s, e, label, made.span(s, e)) for s, e, label in raw["e"]]
        made.quantities = [Quantity(s, e, v, unit, noun, made.span(s, e)) for s, e, v, unit, noun in raw["q"]]
        made.dates = [DateRef(s, e, made.span(s, e), first, last) for s, e, first, last in raw["d"]]
        made.quotes = [Quote(s, e, sentence[s:e], speaker) for s, e, speaker in raw["s"]]
        return made
