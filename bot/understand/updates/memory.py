"""An in-memory fact index with the store's semantics, for tests and development harnesses.

`MemoryIndex.feed(story, articles)` judges articles as the ingest pipeline does: each against what
the story's articles published before it said, in whatever order they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.domain import Findings, Story, StorySentence, Update
from bot.understand.updates.judge import find_updates
from bot.understand.updates.novelty import FactHit

Moment = tuple[datetime, int]  # (publication time, article id): the order articles were published in
_NEVER = datetime.max.replace(tzinfo=UTC)


def moment_of(sentence: StorySentence) -> Moment:
    """When a sentence's article was published (ties broken by article id)."""
    published = sentence.published or _NEVER
    return (published if published.tzinfo else published.replace(tzinfo=UTC), sentence.article_id)


class MemoryView:
    """The `PriorFacts` of one story before (or after) one moment."""

    def __init__(self, index: MemoryIndex, story: str, moment: Moment, after: bool = False) -> None:
        self._index, self._story, self._moment, self._after = index, story, moment, after

    def _visible(self, moment: Moment) -> bool:
        return moment > self._moment if self._after else moment < self._moment

    def earlier(self, keys: Sequence[str], per_key: int) -> list[FactHit]:
        """Entries with these keys in the window, newest first (oldest first after), capped per key."""
        out: list[FactHit] = []
        for key in keys:
            rows = [r for r in self._index.rows.get((self._story, key), []) if self._visible(r[0])]
            rows.sort(key=lambda r: r[0], reverse=not self._after)
            out.extend((key, sid, value) for _, sid, value in rows[:per_key])
        return out

    def counts(self, keys: Sequence[str], cap: int) -> dict[str, int]:
        """Entries per key in the window, up to `cap`."""
        found = {key: min(cap, sum(1 for r in self._index.rows.get((self._story, key), []) if self._visible(r[0])))
                 for key in keys}
        return {key: n for key, n in found.items() if n}

    def units(self, sentence_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """Article id and stored units of these sentences."""
        return {sid: self._index.units[sid] for sid in sentence_ids if sid in self._index.units}

    def sentences(self, sentence_ids: Sequence[int]) -> dict[int, StorySentence]:
        """These sentences."""
        return {sid: self._index.sentences[sid] for sid in sentence_ids if sid in self._index.sentences}


class MemoryIndex:
    """A story fact index held in memory."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], list[tuple[Moment, int, str]]] = {}
        self.units: dict[int, tuple[int, str]] = {}
        self.sentences: dict[int, StorySentence] = {}

    def record(self, story: str, sentences: Sequence[StorySentence], findings: Findings) -> None:
        """Index what one article said for a story."""
        if not sentences:
            return
        moment = moment_of(sentences[0])
        by_id = {s.id: s for s in sentences}
        self.sentences.update(by_id)
        for sid, text in findings.units.items():
            self.units[sid] = (by_id[sid].article_id, text)
        for entry in findings.facts:
            self.rows.setdefault((story, entry.key), []).append((moment, entry.sentence_id, entry.value))

    def judge(self, story: Story, sentences: list[StorySentence]) -> Findings:
        """Judge one article against the story's articles published before it, then index it."""
        if not sentences:
            return Findings()
        moment = moment_of(sentences[0])
        findings = find_updates(story, sentences, MemoryView(self, story.id, moment))
        self.record(story.id, sentences, findings)
        return findings

    def feed(self, story: Story, articles: Sequence[list[StorySentence]]) -> list[list[Update]]:
        """Judge articles one after another (each in publication context); each one's updates."""
        return [self.judge(story, sentences).updates for sentences in articles]
