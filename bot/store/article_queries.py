"""Articles, their sentences and other outlets' copies of them (part of `Store`).

An article is stored once; a revision appends the sentences it did not have (those it dropped stay
stored: `FactIndexQueries.retire_missing` retires them), and a copy another outlet carried is recorded
as a source of the stored article.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update

from bot.domain import Article, RawArticle, StorySentence
from bot.store.base import StoreBase
from bot.store.clock import now_utc
from bot.store.schema import (
    article_sources,
    article_stories,
    articles,
    sentence_stories,
    sentence_units,
    sentences,
    story_facts,
    updates,
)
from bot.store.sentence_rows import sentence_from_row, sentence_query
from bot.text import words


class ArticleQueries(StoreBase):
    """Reads and writes of articles, their sentences and their sources (mixed into `Store`)."""

    def find_known(self, raw: RawArticle, content_hash: str) -> tuple[int, str] | None:
        """The stored article this input is already known as, and how (`same`, `revised`, `source`).

        `same`: identical content seen before (from any outlet). `revised`: the same URL or guid
        with new content. `source`: the URL is recorded as another outlet's copy of an article.
        """
        def same_item(table: Any) -> Any:  # the same URL, or the same feed guid
            return or_(table.c.url == raw.url, *([table.c.guid == raw.guid] if raw.guid else []))

        checks = [  # in order: what the input is known as, first match wins
            (select(articles.c.id).where(articles.c.content_hash == content_hash), "same"),
            (select(article_sources.c.article_id).where(article_sources.c.content_hash == content_hash), "same"),
            (select(articles.c.id).where(same_item(articles)), "revised"),
            (select(article_sources.c.article_id).where(same_item(article_sources)), "source"),
        ]
        with self.engine.connect() as conn:
            for query, how in checks:
                found = conn.execute(query.limit(1)).scalar()
                if found is not None:
                    return int(found), how
        return None

    def near_duplicate_candidates(self, published: datetime | None, limit: int = 500) -> list[tuple[int, str]]:
        """(article id, signature) of articles close enough in time to be the same wire story."""
        query = select(articles.c.id, articles.c.signature)
        if published is not None:
            window = timedelta(days=3)
            query = query.where(or_(articles.c.published.is_(None),
                                    articles.c.published.between(published - window, published + window)))
        query = query.order_by(articles.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [(row.id, row.signature) for row in conn.execute(query)]

    def add_article(self, raw: RawArticle, content_hash: str, signature: str,
                    sentence_texts: Sequence[str], annotations: Mapping[str, str] | None = None) -> Article:
        """Store a new article and its sentences (indexed for search) with their annotations by text."""
        notes = annotations or {}
        with self.engine.begin() as conn:
            article_id = conn.execute(insert(articles).values(
                url=raw.url, guid=raw.guid, title=raw.title, source=raw.source,
                published=raw.published, text=raw.text, content_hash=content_hash,
                signature=signature, origin=raw.origin, ingested_at=now_utc(), pending="all",
            ).returning(articles.c.id)).scalar_one()
            if sentence_texts:
                conn.execute(insert(sentences), [
                    {"article_id": article_id, "position": i, "text": s, "annotation": notes.get(s, "")}
                    for i, s in enumerate(sentence_texts)
                ])
        return Article(article_id, raw.url, raw.title, raw.source, raw.published, raw.text, content_hash,
                       raw.origin)

    def revise_article(self, article_id: int, raw: RawArticle, content_hash: str, signature: str,
                       sentence_texts: Sequence[str], annotations: Mapping[str, str] | None = None) -> list[int]:
        """Record a revised article: new text, and its sentences not stored before appended.

        Sentences that disappeared stay: the store remembers what was said. Returns the ids of
        the appended sentences.
        """
        with self.engine.begin() as conn:
            known = {" ".join(words(row.text)) for row in conn.execute(
                select(sentences.c.text).where(sentences.c.article_id == article_id))}
            last = conn.execute(select(func.max(sentences.c.position))
                                .where(sentences.c.article_id == article_id)).scalar()
            conn.execute(update(articles).where(articles.c.id == article_id).values(
                title=raw.title or articles.c.title, text=raw.text, content_hash=content_hash,
                signature=signature, revised_at=now_utc()))
            fresh = [s for s in dict.fromkeys(sentence_texts) if " ".join(words(s)) not in known]
            new_ids: list[int] = []
            position = (last if last is not None else -1) + 1
            for sentence in fresh:
                new_ids.append(conn.execute(insert(sentences).values(
                    article_id=article_id, position=position, text=sentence,
                    annotation=(annotations or {}).get(sentence, "")).returning(sentences.c.id)).scalar_one())
                position += 1
            if new_ids:
                conn.execute(update(articles).where(articles.c.id == article_id).values(pending=json.dumps(new_ids)))
        return new_ids

    def pending_articles(self) -> list[tuple[int, str, list[int] | None]]:
        """(id, title, new sentence ids or None for all) of articles stored but not yet filed and judged
        (an ingest was cut off), oldest publication first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(articles.c.id, articles.c.title, articles.c.pending)
                                .where(articles.c.pending.is_not(None))
                                .order_by(articles.c.published, articles.c.id)).all()
        return [(row.id, row.title, None if row.pending == "all" else json.loads(row.pending)) for row in rows]

    def reset_judgement(self, article_id: int, sentence_ids: Sequence[int] | None) -> None:
        """Undo whatever a cut-off ingest wrote after storing the article (or these new sentences):
        story links, updates and fact index entries, so filing and judging can run again cleanly."""
        with self.engine.begin() as conn:
            if sentence_ids is None:
                ids = select(sentences.c.id).where(sentences.c.article_id == article_id).scalar_subquery()
                conn.execute(delete(sentence_stories).where(sentence_stories.c.sentence_id.in_(ids)))
                conn.execute(delete(article_stories).where(article_stories.c.article_id == article_id))
                conn.execute(delete(updates).where(updates.c.article_id == article_id))
                conn.execute(delete(story_facts).where(story_facts.c.article_id == article_id))
                conn.execute(delete(sentence_units).where(sentence_units.c.article_id == article_id))
                return
            chosen = list(sentence_ids)
            conn.execute(delete(sentence_stories).where(sentence_stories.c.sentence_id.in_(chosen)))
            conn.execute(delete(updates).where(updates.c.sentence_id.in_(chosen)))
            conn.execute(delete(story_facts).where(story_facts.c.sentence_id.in_(chosen)))
            conn.execute(delete(sentence_units).where(sentence_units.c.sentence_id.in_(chosen)))

    def finish_article(self, article_id: int) -> None:
        """Mark an article filed and judged (nothing left for a later run to finish)."""
        with self.engine.begin() as conn:
            conn.execute(update(articles).where(articles.c.id == article_id).values(pending=None))

    def add_source(self, article_id: int, raw: RawArticle, content_hash: str) -> None:
        """Record another outlet's copy of a stored article."""
        with self.engine.begin() as conn:
            exists = conn.execute(select(article_sources.c.id).where(article_sources.c.url == raw.url)).first()
            if exists:
                return
            conn.execute(insert(article_sources).values(
                article_id=article_id, url=raw.url, guid=raw.guid, title=raw.title, source=raw.source,
                published=raw.published, content_hash=content_hash, origin=raw.origin, seen_at=now_utc()))

    def article_sentences(self, article_id: int, ids: Iterable[int] | None = None) -> list[StorySentence]:
        """The sentences of one article in order (optionally only those with the given ids)."""
        query = sentence_query().where(sentences.c.article_id == article_id)
        if ids is not None:
            query = query.where(sentences.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            return [sentence_from_row(row) for row in conn.execute(query.order_by(sentences.c.position))]

    def sentences_by_id(self, ids: Iterable[int]) -> list[StorySentence]:
        """The sentences with these ids (any article), in id order."""
        wanted = list(ids)
        if not wanted:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(sentence_query().where(sentences.c.id.in_(wanted)).order_by(sentences.c.id))
            return [sentence_from_row(row) for row in rows]

    def article_count(self) -> int:
        """How many distinct articles the store holds."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(articles)).scalar_one())

    def source_count(self, article_id: int) -> int:
        """How many outlets carried this article (itself included)."""
        with self.engine.connect() as conn:
            extra = conn.execute(select(func.count()).select_from(article_sources)
                                 .where(article_sources.c.article_id == article_id)).scalar_one()
        return 1 + int(extra)

    def article_outlets(self, article_ids: Iterable[int]) -> dict[int, set[str]]:
        """Each article's outlets by name: its own source and those of the copies merged into it
        (a story's timeline counts distinct outlets per day)."""
        wanted = list(set(article_ids))
        found: dict[int, set[str]] = {a: set() for a in wanted}
        if not wanted:
            return found
        with self.engine.connect() as conn:
            for row in conn.execute(select(articles.c.id, articles.c.source).where(articles.c.id.in_(wanted))):
                found[row.id].add(row.source or "")
            for row in conn.execute(select(article_sources.c.article_id, article_sources.c.source)
                                    .where(article_sources.c.article_id.in_(wanted))):
                found[row.article_id].add(row.source or "")
        return {a: {s for s in names if s} or {""} for a, names in found.items()}
