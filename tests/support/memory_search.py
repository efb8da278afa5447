"""An in-memory stand-in for Store.search: BM25 over sentences annotated once when added."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from itertools import count

from bot.domain import SentenceHit, StorySentence
from bot.text import FUNCTION_WORDS, split_sentences
from bot.understand.language.annotate import annotate_sentences

_WORD = re.compile(r"[a-z0-9]+")
_ids = count(1)


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word.rstrip("s")


def _terms(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in FUNCTION_WORDS]


class MemorySearch:
    """Sentences with their stories; `search` ranks them by BM25 like the store's FTS index."""

    def __init__(self) -> None:
        self.rows: list[tuple[StorySentence, tuple[str, ...], list[str], str | None]] = []
        self.changes: list[tuple[str, str, str]] = []  # (sentence, value it replaced, sentence that gave it)

    def add(self, text: str, *, source: str, title: str, day: str, article: int,
            stories: Sequence[str] = ("harbour-strike",)) -> None:
        """Add one article: split, annotate once (as ingest does), index."""
        published = datetime.fromisoformat(day)
        sentences = split_sentences(text)
        before: str | None = None
        for pos, (sentence, parsed) in enumerate(zip(sentences, annotate_sentences(sentences, published),
                                                     strict=True)):
            row = StorySentence(next(_ids), article, pos, sentence, f"https://{source}/story-{article}", title,
                                source, published, parsed.to_json())
            self.rows.append((row, tuple(stories), _terms(sentence), before))
            before = sentence

    def search(self, query: str, story: str | None = None, limit: int = 30) -> list[SentenceHit]:
        """Sentences sharing a word (stem) with the query, best BM25 first."""
        terms = set(_terms(query))
        n = len(self.rows) or 1
        avg = sum(len(r[2]) for r in self.rows) / n
        df = {t: sum(1 for r in self.rows if t in r[2]) for t in terms}
        scored = []
        for row, stories, words, before in self.rows:
            if story is not None and story not in stories:
                continue
            score = 0.0
            for t in terms & set(words):
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                tf = words.count(t)
                score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(words) / avg))
            if score > 0:
                scored.append(SentenceHit(row, score, stories, before))
        scored.sort(key=lambda h: -h.score)
        return scored[:limit]

    def record_change(self, sentence: str, replaced: str, said: str) -> None:
        """Record, as the update finder would, that `sentence` changed the value `replaced` given by
        the earlier sentence `said` (no update finder runs over these sentences)."""
        self.changes.append((sentence, replaced, said))

    def changes_after(self, story: str, published: datetime, limit: int) -> list[tuple[SentenceHit, str, str]]:
        """The recorded changes whose sentence was published after `published`, oldest first."""
        rows = {r[0].text: r for r in self.rows}
        found = [(SentenceHit(rows[text][0], 0.0, rows[text][1], rows[text][3]), replaced, said)
                 for text, replaced, said in self.changes
                 if text in rows and story in rows[text][1] and rows[text][0].published > published]
        found.sort(key=lambda c: c[0].sentence.published)
        return found[:limit]


def reports(*dated: tuple[str, str], first_article: int = 400) -> MemorySearch:
    """A store of one-sentence reports, each given as (day, sentence), one article each."""
    search = MemorySearch()
    for n, (day, text) in enumerate(dated):
        search.add(text, source="desk.example", title="Report", day=day, article=first_article + n)
    return search
