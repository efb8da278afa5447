"""Synonyms from WordNet's index files, so that a reworded copy still matches its original.

Reads the plain-text `index.noun`, `index.verb`, `index.adj` and `index.adv` files that Debian's
`wordnet-base` package installs under /usr/share/wordnet (WordNet 3.0). Each line lists a lemma's
synsets, most frequent sense first; two words are treated as synonyms when they share one of
their few most frequent senses ("erupt"/"break out", "begin"/"start"). Without the files the
thesaurus is empty and matching falls back to shared stems.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_DIR = Path("/usr/share/wordnet")
_POS_FILES = {"n": "index.noun", "v": "index.verb", "a": "index.adj", "r": "index.adv"}


class Thesaurus:
    """Maps a lemma to the ids of its most frequent WordNet senses."""

    def __init__(self, senses: dict[str, frozenset[str]] | None = None) -> None:
        self._senses = senses or {}

    def __bool__(self) -> bool:
        return bool(self._senses)

    def senses(self, lemma: str) -> frozenset[str]:
        """Sense ids of a lemma ("break out" and "break_out" alike); empty when unknown."""
        return self._senses.get(lemma.lower().replace(" ", "_"), frozenset())

    def synonyms(self, a: str, b: str) -> bool:
        """True when two lemmas share a frequent sense."""
        return bool(self.senses(a) & self.senses(b))


def read_index(path: Path, pos: str, senses_per_lemma: int) -> dict[str, set[str]]:
    """Parse one WordNet index file into lemma -> its first sense ids (tagged with the POS)."""
    found: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith(" "):  # licence header
                continue
            fields = line.split()
            if len(fields) < 6:
                continue
            try:
                synset_count = int(fields[2])
                pointer_count = int(fields[3])
            except ValueError:
                continue
            offsets = fields[4 + pointer_count + 2:][:synset_count]
            found.setdefault(fields[0], set()).update(f"{pos}{o}" for o in offsets[:senses_per_lemma])
    return found


@lru_cache(maxsize=4)
def load_thesaurus(directory: Path = DEFAULT_DIR, senses_per_lemma: int = 2) -> Thesaurus:
    """Load WordNet's index files once per process; an empty thesaurus when they are missing."""
    merged: dict[str, set[str]] = {}
    for pos, name in _POS_FILES.items():
        path = directory / name
        if not path.is_file():
            log.warning("event=thesaurus_missing path=%s (install Debian's wordnet-base for synonyms)", path)
            return Thesaurus()
        for lemma, ids in read_index(path, pos, senses_per_lemma).items():
            merged.setdefault(lemma, set()).update(ids)
    log.info("event=thesaurus_loaded lemmas=%d dir=%s", len(merged), directory)
    return Thesaurus({lemma: frozenset(ids) for lemma, ids in merged.items()})
