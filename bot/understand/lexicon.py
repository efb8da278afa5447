"""Word-level helpers for question answering: tokens with offsets, stop words, lemma keys.

Matching between a question and a sentence happens on *keys*: every lemma lemminflect knows
for a token plus a light suffix-stripped stem, so "freed"/"free", "mediators"/"mediating"
and "heads"/"head" meet without a hand-written synonym list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas

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
_SUFFIXES = (
    "ians",
    "ian",
    "ese",
    "ations",
    "ation",
    "ators",
    "ator",
    "ings",
    "ing",
    "ions",
    "ion",
    "ers",
    "er",
    "ors",
    "or",
    "ies",
    "ied",
    "es",
    "ed",
    "ly",
    "s",
    "e",
    "y",
)


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


def stem(word: str) -> str:
    """A crude stem that links derivations lemminflect keeps apart (mediator/mediating)."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    if w.endswith(("li", "ri", "qi", "ni")) and len(w) >= 6:
        return w[:-1]  # demonyms: israeli -> israel, qatari -> qatar, pakistani -> pakistan
    return w


@lru_cache(maxsize=50_000)
def keys(word: str) -> frozenset[str]:
    """Every form under which `word` should match another word: itself, its lemmas, their stems."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    out = {w, stem(w)}
    if w.isalpha():
        for lemmas in getAllLemmas(w).values():
            for lemma in lemmas:
                out.add(lemma.lower())
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
    from bot.understand.wordnet import default_wordnet  # noqa: PLC0415

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
