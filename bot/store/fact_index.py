"""The story fact index and the updates it decides, in publication time (part of `Store`).

Each story's judged sentences are indexed by their fact keys with the publication moment of their
article (`moment`: UTC time, then article id). Look-ups are per key, newest first, with a fixed
limit, on the (story, key, moment) index: their cost does not grow with the story.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, exists, insert, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import TextClause

from bot.domain import Findings, SentenceHit, StorySentence, Update
from bot.store.schema import (
    article_stories,
    articles,
    sentence_stories,
    sentence_units,
    sentences,
    story_facts,
    updates,
)
from bot.text import words

_NEVER = "9999-12-31T23:59:59"
_KEYS_PER_QUERY = 200  # compound SELECTs per statement (SQLite allows 500)


def moment(published: datetime | None, article_id: int) -> str:
    """An article's place in publication order, as a string that sorts the same way."""
    if published is None:
        stamp = _NEVER
    else:
        aware = published.replace(tzinfo=UTC) if published.tzinfo is None else published.astimezone(UTC)
        stamp = aware.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}#{article_id:010d}"


class FactIndexQueries:
    """Reads and writes of the fact index (mixed into `Store`)."""

    engine: Engine
    _hits: Callable[[Connection, list[tuple[int, float]]], list[SentenceHit]]  # Store's hit builder

    def article_moment(self, article_id: int) -> str:
        """The article's publication moment."""
        with self.engine.connect() as conn:
            published = conn.execute(select(articles.c.published).where(articles.c.id == article_id)).scalar()
        return moment(published, article_id)

    def story_has_article_after(self, story: str, article_id: int) -> bool:
        """Whether an article of the story published after this one (later moment) is stored."""
        with self.engine.connect() as conn:
            published = conn.execute(select(articles.c.published).where(articles.c.id == article_id)).scalar()
            if published is None:
                return False
            # driven by the publication-time index (the story's own list of articles grows without
            # bound), each article probed for the story, stopping at the first
            of_story = exists().where(article_stories.c.article_id == articles.c.id,
                                      article_stories.c.story_id == story)
            found = conn.execute(
                select(articles.c.id)
                .where(articles.c.published >= published, articles.c.id != article_id, of_story,
                       or_(articles.c.published > published, articles.c.id > article_id))
                .order_by(articles.c.published, articles.c.id).limit(1)).first()
        return found is not None

    def in_publication_order(self, article_ids: Iterable[int]) -> list[int]:
        """These articles, oldest publication first (undated last, then by id, as `moment` sorts)."""
        wanted = list(article_ids)
        if not wanted:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(articles.c.id, articles.c.published).where(articles.c.id.in_(wanted))).all()
        return [row.id for row in sorted(rows, key=lambda row: moment(row.published, row.id))]

    def index_facts(self, story: str, article_id: int, at: str, findings: Findings) -> None:
        """Record what one article said for a story (its sentences' units and index entries)."""
        with self.engine.begin() as conn:
            if findings.units:
                conn.execute(delete(sentence_units).where(sentence_units.c.sentence_id.in_(list(findings.units))))
                conn.execute(insert(sentence_units), [
                    {"sentence_id": sid, "article_id": article_id, "units": units}
                    for sid, units in findings.units.items()])
            if findings.facts:
                conn.execute(insert(story_facts), [
                    {"story_id": story, "key": e.key, "at": at, "sentence_id": e.sentence_id,
                     "article_id": article_id, "value": e.value} for e in findings.facts])

    def forget_facts(self, story: str, article_id: int) -> None:
        """Drop one article's index entries for a story (before it is judged again)."""
        with self.engine.begin() as conn:
            conn.execute(delete(story_facts).where(story_facts.c.article_id == article_id,
                                                   story_facts.c.story_id == story))

    def facts_near(self, story: str, at: str, keys: Sequence[str], per_key: int,
                   after: bool = False) -> list[tuple[str, int, str]]:
        """(key, sentence id, value) of entries with these keys published before `at` (newest first),
        or after it (oldest first), at most `per_key` per key."""
        out: list[tuple[str, int, str]] = []
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            params: dict[str, Any] = {"story": story, "at": at, "n": per_key}
            params.update((f"k{i}", key) for i, key in enumerate(chunk))
            with self.engine.connect() as conn:
                rows = conn.execute(_near_sql(len(chunk), after), params)
                out.extend((row[0], row[1], row[2]) for row in rows)
        return out

    def fact_counts(self, story: str, at: str, keys: Sequence[str], cap: int, after: bool = False) -> dict[str, int]:
        """How many entries each key has before `at` (or after it), counted up to `cap` per key."""
        out: dict[str, int] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            params: dict[str, Any] = {"story": story, "at": at, "n": cap}
            params.update((f"k{i}", key) for i, key in enumerate(chunk))
            with self.engine.connect() as conn:
                out.update((row[0], row[1]) for row in conn.execute(_count_sql(len(chunk), after), params) if row[1])
        return out

    def changes_after(self, story: str, published: datetime, limit: int) -> list[tuple[SentenceHit, str, str]]:
        """Sentences the update finder judged to change an earlier value of the story, from articles
        published after `published` (oldest first, at most `limit`), each with the value it replaced
        and the sentence that gave it: the answerer follows them so that a superseded figure does not
        lead its reply."""
        query = (select(updates.c.sentence_id, updates.c.previous)
                 .join(articles, articles.c.id == updates.c.article_id)
                 .where(updates.c.story_id == story, updates.c.kind == "changed",
                        updates.c.sentence_id.is_not(None), articles.c.published > published)
                 .order_by(articles.c.published, articles.c.id).limit(limit))
        with self.engine.connect() as conn:
            rows = [(row.sentence_id, json.loads(row.previous or "{}")) for row in conn.execute(query)]
            hits = {h.sentence.id: h for h in self._hits(conn, [(sid, 0.0) for sid, _ in rows])}
        return [(hits[sid], old.get("value", ""), old.get("sentence", "")) for sid, old in rows
                if sid in hits and old.get("value")]

    def units_of(self, sentence_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """Article id and stored fact units of these sentences."""
        if not sentence_ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(sentence_units).where(sentence_units.c.sentence_id.in_(list(sentence_ids))))
            return {row.sentence_id: (row.article_id, row.units) for row in rows}

    def story_sentences(self, article_id: int, story: str) -> list[StorySentence]:
        """The article's current (not retired) sentences filed under the story, in order."""
        # joined on the (sentence, story) key, so the cost is the article's, not the story's (an IN over
        # the story's filed sentences listed every one of them)
        filed = sentence_stories.c.sentence_id == sentences.c.id
        with self.engine.connect() as conn:
            ids = [row[0] for row in conn.execute(
                select(sentences.c.id).join(sentence_stories, and_(filed, sentence_stories.c.story_id == story))
                .where(sentences.c.article_id == article_id, sentences.c.retired.is_(False)))]
        return self.article_sentences(article_id, ids) if ids else []

    def article_sentences(self, article_id: int, ids: Sequence[int] | None = None) -> list[StorySentence]:
        """The sentences of one article in order (implemented by `Store`)."""
        raise NotImplementedError

    def retire_missing(self, article_id: int, current_texts: Sequence[str]) -> tuple[list[int], dict[str, list[str]]]:
        """Mark the article's sentences that a revision no longer has as retired and withdraw their
        updates and index entries (they stay stored: the store remembers what was said). Returns the
        retired sentences and, per story, the index keys withdrawn with them (later articles judged
        against those entries are judged again)."""
        keep = {_normal(t) for t in current_texts}
        withdrawn: dict[str, list[str]] = {}
        with self.engine.begin() as conn:
            rows = conn.execute(select(sentences.c.id, sentences.c.text).where(
                sentences.c.article_id == article_id, sentences.c.retired.is_(False))).all()
            gone = [row.id for row in rows if _normal(row.text) not in keep]
            if gone:
                of_gone = and_(story_facts.c.article_id == article_id, story_facts.c.sentence_id.in_(gone))
                for row in conn.execute(select(story_facts.c.story_id, story_facts.c.key).distinct()
                                        .where(of_gone).order_by(story_facts.c.story_id, story_facts.c.key)):
                    withdrawn.setdefault(row.story_id, []).append(row.key)
                conn.execute(update(sentences).where(sentences.c.id.in_(gone)).values(retired=True))
                conn.execute(delete(updates).where(updates.c.sentence_id.in_(gone)))
                conn.execute(delete(story_facts).where(of_gone))
                conn.execute(delete(sentence_units).where(sentence_units.c.sentence_id.in_(gone)))
        return gone, withdrawn

    def replace_updates(self, story: str, article_id: int, found: Sequence[Update],
                        sentence_ids: dict[str, int], stamp: datetime) -> list[Update]:
        """Make the article's stored updates for a story exactly `found` (an article judged again):
        drop those no longer found, correct kind and previous value of the rest, add new ones."""
        wanted = {sentence_ids.get(u.sentence): u for u in found}
        added: list[Update] = []
        # by the (story, sentence) key over the article's sentences: the story's updates are not scanned
        of_article = select(sentences.c.id).where(sentences.c.article_id == article_id)
        with self.engine.begin() as conn:
            have = {row.sentence_id: row.id for row in conn.execute(
                select(updates.c.id, updates.c.sentence_id).where(
                    updates.c.story_id == story, updates.c.sentence_id.in_(of_article),
                    updates.c.article_id == article_id))}
            gone = [uid for sid, uid in have.items() if sid not in wanted]
            if gone:
                conn.execute(delete(updates).where(updates.c.id.in_(gone)))
            for sid, item in wanted.items():
                values = {"kind": item.kind, "salience": item.salience,
                          "previous": json.dumps(previous_to_json(item.previous)) if item.previous else None}
                if sid in have:
                    conn.execute(update(updates).where(updates.c.id == have[sid]).values(**values))
                    continue
                new_id = conn.execute(insert(updates).values(
                    story_id=story, article_id=article_id, sentence_id=sid, sentence=item.sentence,
                    found_at=stamp, **values).returning(updates.c.id)).scalar_one()
                added.append(Update(item.story, item.kind, item.sentence, item.citation, item.salience,
                                    item.previous, new_id))
        return added


@functools.cache
def _near_sql(keys: int, after: bool) -> TextClause:
    """One statement: per key, the nearest entries in time (a bounded index range scan each)."""
    cmp, order = (">", "ASC") if after else ("<", "DESC")
    return text(" UNION ALL ".join(
        f"SELECT * FROM (SELECT key, sentence_id, value FROM story_facts WHERE story_id = :story "
        f"AND key = :k{i} AND at {cmp} :at ORDER BY at {order} LIMIT :n) AS t{i}" for i in range(keys)))


@functools.cache
def _count_sql(keys: int, after: bool) -> TextClause:
    """One statement: per key, how many entries it has in the window, counted up to a cap."""
    cmp = ">" if after else "<"
    return text(" UNION ALL ".join(
        f"SELECT CAST(:k{i} AS TEXT) AS key, count(*) AS n FROM (SELECT 1 FROM story_facts WHERE story_id = :story "
        f"AND key = :k{i} AND at {cmp} :at LIMIT :n) AS t{i}" for i in range(keys)))


def _normal(sentence: str) -> str:
    return " ".join(words(sentence))


def previous_to_json(p: Any) -> dict[str, Any]:
    """The stored form of a `PreviousValue`."""
    c = p.citation
    return {"sentence": p.sentence, "value": p.value,
            "citation": {"title": c.title, "url": c.url, "source": c.source,
                         "published": c.published.isoformat() if c.published else None, "sentence": c.sentence}}
