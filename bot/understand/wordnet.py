"""A small reader for WordNet's plain data files (Debian's `wordnet-base`), for synonyms.

Only what question answering needs: the words that share a synset with a given lemma, over
its most frequent senses. Files are read lazily with binary search on the sorted index, so
nothing is loaded up front. When the files are absent every lookup returns nothing.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

DEFAULT_DIRS = ("/usr/share/wordnet", "/usr/share/wordnet/dict", "/usr/local/share/wordnet")
_POS = ("noun", "verb", "adj")


class WordNet:
    """Synonym lookups over a WordNet 3.x database directory."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self._index: dict[str, bytes] = {}
        self._data: dict[str, bytes] = {}

    @property
    def available(self) -> bool:
        """True when the index and data files are present."""
        return all((self.dir / f"index.{p}").is_file() and (self.dir / f"data.{p}").is_file() for p in _POS)

    def _file(self, kind: str, pos: str) -> bytes:
        cache = self._index if kind == "index" else self._data
        if pos not in cache:
            cache[pos] = (self.dir / f"{kind}.{pos}").read_bytes()
        return cache[pos]

    def _index_line(self, pos: str, lemma: str) -> list[str] | None:
        data = self._file("index", pos)
        key = lemma.encode() + b" "
        lo, hi = 0, len(data)
        while lo < hi:  # binary search over lines of the sorted index
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", 0, mid) + 1
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            line = data[start:end]
            if line.startswith(b"  "):  # licence header lines sort first
                lo = end + 1
                continue
            if line.startswith(key):
                return line.decode().split()
            if line < key:
                lo = end + 1
            else:
                hi = start
        return None

    def synonyms(self, lemma: str, senses: int = 3) -> frozenset[str]:
        """Single-word lemmas sharing one of the `senses` most frequent synsets of `lemma`."""
        if not self.available:
            return frozenset()
        out: set[str] = set()
        for pos in _POS:
            parts = self._index_line(pos, lemma.lower())
            if not parts:
                continue
            n_synsets, n_ptr = int(parts[2]), int(parts[3])
            offsets = parts[6 + n_ptr : 6 + n_ptr + n_synsets][:senses]
            data = self._file("data", pos)
            for off in offsets:
                start = int(off)
                line = data[start : data.find(b"\n", start)].decode().split()
                count = int(line[3], 16)
                for k in range(count):
                    word = line[4 + 2 * k].lower()
                    if "_" not in word and "-" not in word:
                        out.add(word.split("(")[0])
        out.discard(lemma.lower())
        return frozenset(out)


@lru_cache(maxsize=1)
def default_wordnet() -> WordNet:
    """The first WordNet directory found on this machine (NEWSDESK_WORDNET overrides)."""
    env = os.environ.get("NEWSDESK_WORDNET")
    for d in ((env,) if env else ()) + DEFAULT_DIRS:
        if (Path(d) / "index.noun").is_file():
            return WordNet(d)
    return WordNet(DEFAULT_DIRS[0])
