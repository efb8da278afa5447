"""Building a full-text query from a question, and an in-memory BM25 sentence index.

The store runs the same query string through SQLite FTS5 (`MATCH` ... `ORDER BY bm25`);
`MemorySearch` reproduces that ranking in memory for tests and the dev harness.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from bot.domain import SentenceHit, StorySentence
from bot.understand.lexicon import RECURRENCE, content_words, derivations, inflections, lemmas_of, synonyms, tokens
from bot.understand.question import _next_event

NEXT_MEETING_TERMS = (*sorted(RECURRENCE - {"more", "follow-up"}), "meet", "meets", "meeting", "talks")


def parse_next_event(question: str) -> bool:
    """True when the question asks about a coming occurrence ("next round", "another meeting")."""
    return bool(_next_event(tokens(question)))

_FTS_TOKEN = re.compile(r"[a-z0-9]+")
_QUOTED = re.compile(r'"([^"]+)"')


def fts_tokens(text: str) -> list[str]:
    """Tokens as FTS5's unicode61 tokenizer sees them (lower-case letters and digits)."""
    return _FTS_TOKEN.findall(text.lower().replace("’", "'"))


def query_terms(question: str) -> list[str]:
    """The question's content words, their lemmas and inflections, WordNet derivations, then synonyms.

    Most important first: a search that keeps only the first N terms (the store keeps 40)
    still has every word of the question itself.
    """
    parts = [p for tok in content_words(question) for p in fts_tokens(tok.text)]
    seen: dict[str, None] = dict.fromkeys(parts)
    if parse_next_event(question):
        # "the next round of talks" is announced as "another meeting", "would meet again"
        for word in NEXT_MEETING_TERMS:
            seen.setdefault(word, None)
    for part in parts:
        for form in sorted(lemmas_of(part)):
            if re.fullmatch(r"[a-z0-9]+", form):
                seen.setdefault(form, None)
    for part in parts:
        for form in sorted(inflections(part)):
            seen.setdefault(form, None)
    for part in parts:
        for der in sorted(derivations(part)):  # "mediating" finds "the mediator"
            for form in sorted(inflections(der)):
                seen.setdefault(form, None)
    for part in parts:
        for syn in sorted(synonyms(part)):
            for form in sorted(inflections(syn)):
                seen.setdefault(form, None)
    return list(seen)


def build_query(question: str) -> str:
    """An FTS5 MATCH expression: every term and inflection OR-ed, each quoted (no syntax leaks)."""
    return " OR ".join(f'"{t}"' for t in query_terms(question))


def parse_query(query: str) -> list[str]:
    """The terms of a query made by `build_query` (bare words are accepted too)."""
    quoted = _QUOTED.findall(query)
    if quoted:
        return [t for q in quoted for t in fts_tokens(q)]
    return [t for t in fts_tokens(query) if t not in {"or", "and", "not"}]


@dataclass
class _Doc:
    sentence: StorySentence
    stories: tuple[str, ...]
    counts: Counter[str]
    length: int
    before: str | None


class MemorySearch:
    """BM25 over sentences held in memory; a stand-in for the store's FTS5 index."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self._docs: list[_Doc] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._k1, self._b = k1, b
        self._total_length = 0

    def add_article(self, sentences: Sequence[StorySentence], stories: Iterable[str] = ()) -> None:
        """Index an article's sentences (in order, so each knows the sentence before it)."""
        story_ids = tuple(stories)
        previous: str | None = None
        for s in sentences:
            toks = fts_tokens(s.text)
            doc = _Doc(s, story_ids, Counter(toks), len(toks), previous)
            index = len(self._docs)
            self._docs.append(doc)
            for term in doc.counts:
                self._postings[term].append(index)
            self._total_length += doc.length
            previous = s.text

    def frequency(self, terms: Collection[str]) -> tuple[int, int]:
        """How many sentences contain any of `terms`, and how many sentences there are."""
        hit: set[int] = set()
        for term in terms:
            hit.update(self._postings.get(term, ()))
        return len(hit), len(self._docs)

    def search(self, query: str, story: str | None, limit: int) -> list[SentenceHit]:
        """Sentences matching any query term, best BM25 score first (optionally within a story)."""
        n = len(self._docs)
        if not n:
            return []
        avg = self._total_length / n
        scores: dict[int, float] = defaultdict(float)
        for term in dict.fromkeys(parse_query(query)):
            posting = self._postings.get(term)
            if not posting:
                continue
            idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            for i in posting:
                doc = self._docs[i]
                if story is not None and story not in doc.stories:
                    continue
                tf = doc.counts[term]
                scores[i] += (
                    idf * tf * (self._k1 + 1) / (tf + self._k1 * (1 - self._b + self._b * doc.length / avg))
                )
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
        return [
            SentenceHit(self._docs[i].sentence, score, self._docs[i].stories, self._docs[i].before)
            for i, score in best
        ]
