"""The updates found for each story, in the order they were found (part of `Store`).

An update is one sentence of an article that tells a story something new or changed; it is stored
once per (story, sentence), and left out once a revision of its article drops the sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.engine import Connection, Row

from bot.domain import Citation, PreviousValue, Update, UpdateContext
from bot.store.base import StoreBase
from bot.store.clock import now_utc, utc
from bot.store.fact_index import previous_to_json
from bot.store.schema import article_sources, articles, sentences, story_facts, updates
from bot.text import words

CORRECTION_OVERLAP = 0.5  # shared words that make a revised sentence the correction of one its revision dropped


class UpdateQueries(StoreBase):
    """Reads and writes of the updates found in articles (mixed into `Store`)."""

    def add_updates(self, article_id: int, found: Sequence[Update], sentence_ids: dict[str, int]) -> list[Update]:
        """Record the updates found in one article; returns them with their ids."""
        stored: list[Update] = []
        if not found:
            return stored
        with self.engine.begin() as conn:
            have = {(row.story_id, row.sentence_id) for row in conn.execute(
                select(updates.c.story_id, updates.c.sentence_id).where(  # on the (story, sentence) key
                    updates.c.story_id.in_(sorted({u.story for u in found})),
                    updates.c.sentence_id.in_([sentence_ids.get(u.sentence) for u in found])))}
            stamp = now_utc()
            for item in found:
                sid = sentence_ids.get(item.sentence)
                if (item.story, sid) in have:
                    continue
                have.add((item.story, sid))
                new_id = conn.execute(insert(updates).values(
                    story_id=item.story, article_id=article_id, sentence_id=sid, kind=item.kind,
                    sentence=item.sentence, salience=item.salience,
                    previous=json.dumps(previous_to_json(item.previous)) if item.previous else None,
                    found_at=stamp).returning(updates.c.id)).scalar_one()
                stored.append(Update(item.story, item.kind, item.sentence, item.citation, item.salience,
                                     item.previous, new_id))
        return stored

    def list_updates(self, story: str | None = None, since: datetime | None = None,
                     after_id: int | None = None, limit: int | None = None,
                     published_since: datetime | None = None, published_until: datetime | None = None) -> list[Update]:
        """Updates in the order they were found (optionally for one story, since a time or an id).

        `published_since`/`published_until` window by the article's publication time (the time it
        was found when the article has none), so a backfill of old articles is not today's news.
        An update from a sentence that a revision of its article dropped is superseded and left out.
        """
        query = (select(updates, articles.c.url, articles.c.title, articles.c.source, articles.c.published)
                 .join(articles, articles.c.id == updates.c.article_id)
                 .outerjoin(sentences, sentences.c.id == updates.c.sentence_id)
                 .where(or_(sentences.c.id.is_(None), sentences.c.retired.is_(False))))
        if story:
            query = query.where(updates.c.story_id == story)
        if since is not None:
            query = query.where(updates.c.found_at >= since)
        moment = func.coalesce(articles.c.published, updates.c.found_at)
        if published_since is not None:
            query = query.where(moment >= published_since)
        if published_until is not None:
            query = query.where(moment < published_until)
        if after_id is not None:
            query = query.where(updates.c.id > after_id)
        query = query.order_by(updates.c.id)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_update_from_row(row) for row in conn.execute(query)]

    def update_context(self, ids: Iterable[int]) -> dict[int, UpdateContext]:
        """For each update id: its article and sentence, the outlets that carried the article
        (merged copies included) and the slot values its sentence gives (for compact changes)."""
        wanted = list(ids)
        if not wanted:
            return {}
        with self.engine.connect() as conn:
            rows = list(conn.execute(select(updates.c.id, updates.c.story_id, updates.c.article_id,
                                            updates.c.sentence_id).where(updates.c.id.in_(wanted))))
            article_ids = list({r.article_id for r in rows})
            copies = dict(conn.execute(select(article_sources.c.article_id, func.count(func.distinct(
                article_sources.c.source))).where(article_sources.c.article_id.in_(article_ids))
                .group_by(article_sources.c.article_id)).all())
            slots: dict[tuple[str, int], list[tuple[str, str]]] = {}
            sentence_ids = [r.sentence_id for r in rows if r.sentence_id is not None]
            for f in conn.execute(select(story_facts.c.story_id, story_facts.c.sentence_id, story_facts.c.key,
                                         story_facts.c.value)
                                  .where(story_facts.c.sentence_id.in_(sentence_ids),
                                         story_facts.c.key.like("s:%")).order_by(story_facts.c.id)):
                slots.setdefault((f.story_id, f.sentence_id), []).append((f.key, f.value))
            corrects = self._corrected(conn, sentence_ids)
        return {r.id: UpdateContext(r.article_id, r.sentence_id, 1 + int(copies.get(r.article_id, 0)),
                                    tuple(slots.get((r.story_id, r.sentence_id), ())),
                                    corrects.get(r.sentence_id or 0, ""))
                for r in rows}

    def _corrected(self, conn: Connection, sentence_ids: Sequence[int]) -> dict[int, str]:
        """For each of these sentences that a revision of its article brought in place of one it dropped,
        the dropped sentence's text: the dropped sentence of the same article, stored before it, that
        shares the most words with it (at least `CORRECTION_OVERLAP` of them)."""
        if not sentence_ids:
            return {}
        mine = conn.execute(select(sentences.c.id, sentences.c.article_id, sentences.c.position, sentences.c.text)
                            .where(sentences.c.id.in_(list(sentence_ids)))).all()
        gone: dict[int, list[tuple[int, str]]] = {}
        for row in conn.execute(select(sentences.c.article_id, sentences.c.position, sentences.c.text)
                                .where(sentences.c.article_id.in_({r.article_id for r in mine}),
                                       sentences.c.retired.is_(True))):
            gone.setdefault(row.article_id, []).append((row.position, row.text))
        found: dict[int, str] = {}
        for r in mine:
            own = set(words(r.text))
            best = max(((_overlap(own, set(words(t))), t) for pos, t in gone.get(r.article_id, ()) if pos < r.position),
                       default=(0.0, ""))
            if best[0] >= CORRECTION_OVERLAP:
                found[r.id] = best[1]
        return found


def _overlap(a: set[str], b: set[str]) -> float:
    """Shared words as a share of all words of two sentences (Jaccard)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def _citation_from_json(d: dict[str, Any]) -> Citation:
    published = datetime.fromisoformat(d["published"]) if d.get("published") else None
    return Citation(d.get("title", ""), d.get("url", ""), d.get("source", ""), published, d.get("sentence", ""))


def _update_from_row(row: Row[Any]) -> Update:
    previous = None
    if row.previous:
        d = json.loads(row.previous)
        previous = PreviousValue(d["sentence"], d["value"], _citation_from_json(d["citation"]))
    citation = Citation(row.title, row.url, row.source, utc(row.published), row.sentence)
    return Update(row.story_id, row.kind, row.sentence, citation, row.salience, previous, row.id)
