"""Word-level helpers shared by the answerer and the update detector: tokens, stop words,
lemmas, stems and match keys (the one owner of lemma/stem logic in the project).

Matching between a question and a sentence happens on *keys*: every lemma lemminflect knows
for a token plus its derivational stem and demonym fold, so "freed"/"free",
"mediators"/"mediating", "heads"/"head" and "Israeli"/"Israel" meet without a synonym list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas

from bot.understand.wordnet import default_wordnet

STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "but",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "into",
        "onto",
        "about",
        "over",
        "under",
        "after",
        "before",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "has",
        "have",
        "had",
        "having",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "it's",
        "he",
        "she",
        "they",
        "them",
        "his",
        "her",
        "their",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "what",
        "who",
        "whom",
        "whose",
        "which",
        "when",
        "where",
        "why",
        "how",
        "whether",
        "if",
        "than",
        "then",
        "so",
        "not",
        "no",
        "yes",
        "any",
        "some",
        "all",
        "each",
        "also",
        "just",
        "very",
        "more",
        "most",
        "much",
        "many",
        "such",
        "own",
        "same",
        "other",
        "only",
        "said",
        "says",
        "say",
        "tell",
        "told",
        "according",
        "per",
        "reported",
        "report",
        "reports",
        "one",
        "s",
        "t",
        "up",
        "out",
        "off",
        "again",
        "still",
        "during",
        "since",
        "until",
        "while",
        "between",
        "among",
        "against",
        "through",
        "without",
        "within",
        "besides",
        "instead",
        "behind",
        "via",
        "upon",
        "across",
        "toward",
        "towards",
        "around",
        "near",
    ]
)
WH_WORDS = frozenset(["what", "who", "whom", "whose", "which", "when", "where", "why", "how"])
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*(?:['’][A-Za-z]+)?")
# Derivational endings folded away after lemmatising ("negotiators"/"negotiation" -> "negoti").
_DERIVATIONAL = (
    "ations", "ation", "itions", "ition", "ators", "ator", "ments", "ment", "ions", "ion",
    "ate", "ive", "al", "or", "er", "e", "y",
)  # fmt: skip
_DEMONYM = ("ians", "ian", "is", "i", "e")  # "Israeli"/"Israel", "Egyptian"/"Egypt"


@dataclass(frozen=True)
class Token:
    """A word of a text with its character span."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        """The lower-cased word, with typographic apostrophes made plain."""
        return self.text.lower().replace("’", "'")

    @property
    def capitalised(self) -> bool:
        """True when the word starts with a capital letter (a proper-name candidate)."""
        return self.text[:1].isupper()


def tokens(text: str) -> list[Token]:
    """Word tokens with offsets, so extracted answers can be cut from the original text."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=50_000)
def lemmas_of(word: str) -> frozenset[str]:
    """The lower-case word and its dictionary lemmas under any part of speech ("met" -> met, meet)."""
    w = word.lower()
    return frozenset({w} | {lemma.lower() for forms in getAllLemmas(w).values() for lemma in forms})


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Fold a word to a stem shared by its inflections and close derivations.

    The shortest lemma loses one derivational ending, so "negotiators", "negotiating" and
    "negotiation" meet, as do "mediator" and "mediating". Used by the answerer (through `keys`)
    and by the update detector alike.
    """
    lemmas = getAllLemmas(word.lower())
    candidates = [lemma for forms in lemmas.values() for lemma in forms] if lemmas else [word]
    base = min(candidates, key=len).lower()
    for suffix in _DERIVATIONAL:
        if base.endswith(suffix) and len(base) - len(suffix) >= 4:
            return base[: -len(suffix)]
    return base


@lru_cache(maxsize=50_000)
def name_stem(word: str) -> str:
    """Fold a proper name and its demonym together ("Israeli"/"Israel", "Egyptian"/"Egypt")."""
    base = word.lower()
    if base.endswith("'s") or base.endswith("’s"):
        base = base[:-2]
    for suffix in _DEMONYM:
        if base.endswith(suffix) and len(base) - len(suffix) >= 4:
            return base[: -len(suffix)]
    return base


@lru_cache(maxsize=50_000)
def keys(word: str) -> frozenset[str]:
    """Every form under which `word` should match another word: itself, its lemmas, their stems."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    out = {w, name_stem(w)}
    if w.isalpha():
        for lemma in lemmas_of(w):
            out.add(lemma)
            out.add(stem(lemma))
    return frozenset(out)


@lru_cache(maxsize=20_000)
def inflections(word: str) -> frozenset[str]:
    """The word's lemmas and all their inflected forms, for widening a full-text query."""
    w = word.lower()
    out = {w}
    if w.isalpha():
        for lemmas in getAllLemmas(w).values():
            for lemma in lemmas:
                out.add(lemma.lower())
                for forms in getAllInflections(lemma).values():
                    out.update(f.lower() for f in forms)
    return frozenset(f for f in out if re.fullmatch(r"[a-z0-9]+", f))


def content_words(text: str) -> list[Token]:
    """Tokens that carry meaning (not stop words, not wh-words)."""
    return [t for t in tokens(text) if t.lower not in STOP and t.lower not in WH_WORDS]


@lru_cache(maxsize=20_000)
def synonyms(word: str) -> frozenset[str]:
    """WordNet synonyms of the word's lemmas (empty when WordNet's files are not installed)."""
    wn = default_wordnet()
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if not w.isalpha() or w in STOP:
        return frozenset()
    lemmas = {w} | {lemma.lower() for ls in getAllLemmas(w).values() for lemma in ls}
    out: set[str] = set()
    for lemma in lemmas:
        out |= wn.synonyms(lemma)
    return frozenset(out - lemmas)


@lru_cache(maxsize=20_000)
def synonym_keys(word: str) -> frozenset[str]:
    """Match keys of the word's synonyms (see `keys`), for a weaker, paraphrase-level match."""
    out: set[str] = set()
    for syn in synonyms(word):
        out |= keys(syn)
    return frozenset(out - keys(word))


def _lemma_set(word: str) -> set[str]:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if not w.isalpha() or w in STOP:
        return set()
    return {w} | {lemma.lower() for ls in getAllLemmas(w).values() for lemma in ls}


@lru_cache(maxsize=20_000)
def derivations(word: str) -> frozenset[str]:
    """Single words WordNet derives from (or to) the word's lemmas: "mediating" -> "mediator"."""
    wn = default_wordnet()
    lemmas = _lemma_set(word)
    out: set[str] = set()
    for lemma in lemmas:
        out |= {d for d in wn.derivations(lemma) if " " not in d}
    return frozenset(out - lemmas)


@lru_cache(maxsize=20_000)
def derived_keys(word: str) -> frozenset[str]:
    """Match keys of the words WordNet derives from (or to) the word, less its own keys and
    synonyms: the weakest paraphrase match ("mediating" ~ "mediator")."""
    out: set[str] = set()
    for derived in derivations(word):
        if "-" not in derived:
            out |= keys(derived)
    return frozenset(out - keys(word) - synonym_keys(word) - STOP)


RECURRENCE = frozenset(["next", "another", "again", "new", "further", "fresh", "resume", "resumed", "resumes",
                        "restart", "upcoming", "more", "follow-up"])  # fmt: skip
_GATHERING_KINDS = frozenset(["meeting", "gathering", "discussion", "conference"])


@lru_cache(maxsize=20_000)
def is_gathering(word: str) -> bool:
    """True for words that name a meeting of people (talks, session, meeting, meet, convene):
    by WordNet, the word or a derivation of it is a kind of meeting, gathering or discussion."""
    wn = default_wordnet()
    for lemma in _lemma_set(word):
        for noun in {lemma} | wn.derivations(lemma):
            if noun in _GATHERING_KINDS or wn.hypernyms(noun, 2, 3) & _GATHERING_KINDS:
                return True
    return False


@lru_cache(maxsize=20_000)
def phrase_synonyms(word: str) -> tuple[tuple[str, ...], ...]:
    """WordNet's multiword synonyms of the word's lemmas, as word tuples ("close" -> shut down)."""
    wn = default_wordnet()
    out: set[tuple[str, ...]] = set()
    for lemma in _lemma_set(word):
        out |= {tuple(p.split()) for p in wn.phrases(lemma) if 2 <= len(p.split()) <= 3}
    return tuple(sorted(out))


def phrase_at(phrase: tuple[str, ...], words: list[str]) -> list[int]:
    """Positions of a lemmatised phrase in a list of lower-case words ("shut down" in "was shutting down")."""
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if all(phrase[k] in lemmas_of(words[i + k]) for k in range(n)):
            return list(range(i, i + n))
    return []
