"""A slot value: one thing a story keeps reporting a value for, and the value one sentence gives.

Stored per sentence as "value<TAB>text<TAB>context lemmas" (see `stored`)."""

from __future__ import annotations

from dataclasses import dataclass

SEP = "\t"


@dataclass(frozen=True)
class Slot:
    """One value a sentence gives for a slot: the slot key, the value, and how the text put it."""

    key: str
    value: str
    text: str
    context: frozenset[str] = frozenset()

    def stored(self) -> str:
        """The stored form of the value (value, surface text, context lemmas)."""
        return SEP.join([self.value, self.text, " ".join(sorted(self.context))])

    @classmethod
    def parse(cls, key: str, stored: str) -> Slot:
        """A slot value back from its stored form."""
        value, text, context = (stored.split(SEP) + ["", ""])[:3]
        return cls(key, value, text, frozenset(context.split()))
