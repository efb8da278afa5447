"""Queries over the store. One `Store` per process, shared by the pipeline, the runtime and the CLI.

Methods are synchronous (SQLAlchemy Core); async callers run them in a worker thread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, text, update
from sqlalchemy.engine import Connection, Engine, Row

from bot.domain import (
    Article,
    Citation,
    PreviousValue,
    RawArticle,
    SentenceHit,
    Story,
    StorySentence,
    Update,
    UpdateContext,
)
from bot.store.fact_index import FactIndexQueries, previous_to_json
from bot.store.schema import (
    article_sources,
    article_stories,
    articles,
    feeds,
    seed_files,
    sentence_stories,
    sentence_units,
    sentences,
    stories,
    story_facts,
    updates,
)
from bot.text import FUNCTION_WORDS, words


def utc(value: datetime | None) -> datetime | None:
    """`value` as an aware UTC datetime (SQLite hands back naive ones)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now_utc() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


_FTS_WORD = re.compile(r"[A-Za-z0-9]+")
SEARCH_WINDOW = 20_000  # matching sentences ranked per search, newest first
CORRECTION_OVERLAP = 0.5  # shared words that make a revised sentence the correction of one its revision dropped


@dataclass(frozen=True)
class StorySummary:
    """A story with how much the store knows about it."""

    story: Story
    articles: int
    updates: int
    last_article: datetime | None


@dataclass(frozen=True)
class SourceHealth:
    """A feed or seed file and how its last read went."""

    kind: str
    name: str
    status: str
    error_count: int
    last_error: str | None
    last_read: datetime | None
    next_read: datetime | None
    items: int
    url: str = ""  # a feed's URL, a seed file's path (`name` is a feed's title when it has one)

    def label(self) -> str:
        """How a source is named to people: a feed by its title and URL, a seed file by its path."""
        return f"{self.name} ({self.url})" if self.url and self.name != self.url else self.name


class Store(FactIndexQueries):
    """Every read and write the bot makes, in one place."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # ---- stories -------------------------------------------------------------------------
    def sync_config_stories(self, configured: Sequence[Story]) -> None:
        """Make the stories from config/stories.toml current; stories defined in chat stay."""
        with self.engine.begin() as conn:
            conn.execute(delete(stories).where(stories.c.defined_in == "config"))
            for story in configured:
                conn.execute(delete(stories).where(stories.c.id == story.id))
                conn.execute(insert(stories).values(**_story_row(story)))

    def save_story(self, story: Story) -> None:
        """Create or replace one story (used for stories defined from chat)."""
        with self.engine.begin() as conn:
            conn.execute(delete(stories).where(stories.c.id == story.id))
            conn.execute(insert(stories).values(**_story_row(story)))

    def delete_story(self, story_id: str) -> bool:
        """Stop tracking a story; its links and updates go, its articles stay."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(stories).where(stories.c.id == story_id)).rowcount
            conn.execute(delete(article_stories).where(article_stories.c.story_id == story_id))
            conn.execute(delete(sentence_stories).where(sentence_stories.c.story_id == story_id))
            conn.execute(delete(updates).where(updates.c.story_id == story_id))
        return bool(gone)

    def list_stories(self) -> list[Story]:
        """Every tracked story, config first, then those defined in chat."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(stories).order_by(stories.c.defined_in, stories.c.id)).all()
        return [_story_from_row(row) for row in rows]

    def story_summaries(self) -> list[StorySummary]:
        """Each story with its article count, update count and newest article date."""
        with self.engine.connect() as conn:
            counts = {
                row.story_id: (row.n, utc(row.last))
                for row in conn.execute(
                    select(article_stories.c.story_id, func.count().label("n"),
                           func.max(articles.c.published).label("last"))
                    .join(articles, articles.c.id == article_stories.c.article_id)
                    .group_by(article_stories.c.story_id))
            }
            update_counts: dict[str, int] = dict(conn.execute(
                select(updates.c.story_id, func.count()).group_by(updates.c.story_id)).all())
        return [
            StorySummary(story, counts.get(story.id, (0, None))[0], update_counts.get(story.id, 0),
                         counts.get(story.id, (0, None))[1])
            for story in self.list_stories()
        ]

    # ---- articles --------------------------------------------------------------------------
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
        query = _sentence_query().where(sentences.c.article_id == article_id)
        if ids is not None:
            query = query.where(sentences.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            return [_sentence_from_row(row) for row in conn.execute(query.order_by(sentences.c.position))]

    def sentences_by_id(self, ids: Iterable[int]) -> list[StorySentence]:
        """The sentences with these ids (any article), in id order."""
        wanted = list(ids)
        if not wanted:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(_sentence_query().where(sentences.c.id.in_(wanted)).order_by(sentences.c.id))
            return [_sentence_from_row(row) for row in rows]

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

    def link_stories(self, article_id: int, scores: dict[str, float],
                     sentence_links: dict[int, set[str]]) -> None:
        """File an article under stories (with scores) and its sentences under each story."""
        with self.engine.begin() as conn:
            conn.execute(delete(article_stories).where(article_stories.c.article_id == article_id))
            if scores:
                conn.execute(insert(article_stories), [
                    {"article_id": article_id, "story_id": s, "score": v} for s, v in scores.items()])
            ids = list(sentence_links)
            if ids:
                conn.execute(delete(sentence_stories).where(sentence_stories.c.sentence_id.in_(ids)))
            rows = [{"sentence_id": sid, "story_id": story} for sid, ss in sentence_links.items() for story in ss]
            if rows:
                conn.execute(insert(sentence_stories), rows)

    def articles_for_rescoring(self, batch: int = 500) -> Iterable[list[tuple[int, list[tuple[int, str]]]]]:
        """Every article with its (sentence id, text) pairs, in batches, for scoring a new story."""
        last_id = 0
        while True:
            with self.engine.connect() as conn:
                ids = [r.id for r in conn.execute(select(articles.c.id).where(articles.c.id > last_id)
                                                  .order_by(articles.c.id).limit(batch))]
                if not ids:
                    return
                rows = conn.execute(select(sentences.c.article_id, sentences.c.id, sentences.c.text)
                                    .where(sentences.c.article_id.in_(ids))
                                    .order_by(sentences.c.article_id, sentences.c.position)).all()
            grouped: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
            for row in rows:
                grouped[row.article_id].append((row.id, row.text))
            yield list(grouped.items())
            last_id = ids[-1]

    def story_sentences_by_article(self, story_id: str) -> list[tuple[int, list[StorySentence]]]:
        """Each article filed under a story (oldest id first) with its current sentences filed under it, in
        order (not those a revision of the article dropped)."""
        query = (_sentence_query().join(sentence_stories, sentence_stories.c.sentence_id == sentences.c.id)
                 .where(sentence_stories.c.story_id == story_id, sentences.c.retired.is_(False))
                 .order_by(sentences.c.article_id, sentences.c.position))
        grouped: dict[int, list[StorySentence]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                grouped.setdefault(row.article_id, []).append(_sentence_from_row(row))
        return list(grouped.items())

    def add_story_links(self, story_id: str, links: dict[int, tuple[float, list[int]]]) -> None:
        """File articles (score, sentence ids) under one story, leaving their other stories alone."""
        with self.engine.begin() as conn:
            for article_id, (score, sentence_ids) in links.items():
                conn.execute(delete(article_stories).where(and_(
                    article_stories.c.article_id == article_id, article_stories.c.story_id == story_id)))
                conn.execute(insert(article_stories).values(article_id=article_id, story_id=story_id, score=score))
                if sentence_ids:
                    conn.execute(insert(sentence_stories), [
                        {"sentence_id": sid, "story_id": story_id} for sid in sentence_ids])

    # ---- search ------------------------------------------------------------------------------
    def search(self, query: str, story: str | None = None, limit: int = 30,
               before_article: int | None = None) -> list[SentenceHit]:
        """Sentences matching any word of `query`, best (BM25) first.

        `story` limits the search to one story's sentences; `before_article` to articles stored
        before that one (what the story had said when it arrived). Sentences a revision of their
        article dropped are not found: the correction supersedes them. Ranking looks at the newest
        `SEARCH_WINDOW` matching sentences, so a question costs the same on a store of any size.
        """
        # function words would match nearly every sentence and only slow the ranking down
        terms = list(dict.fromkeys(w for w in (w.lower() for w in _FTS_WORD.findall(query))
                                   if w not in FUNCTION_WORDS))[:40]
        if not terms:
            return []
        sqlite = self.dialect == "sqlite"
        params: dict[str, Any] = {"match": " OR ".join(f'"{t}"' for t in terms) if sqlite else " | ".join(terms),
                                  "limit": limit, "window": SEARCH_WINDOW}
        if sqlite:  # the FTS table's own rowid order is what lets SQLite walk matches newest first
            source = "sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
            where, score, key = ["sentences_fts MATCH :match"], "-bm25(sentences_fts)", "sentences_fts.rowid"
        else:
            source = "to_tsquery('english', :match) q CROSS JOIN sentences s "
            where, score, key = ["s.tsv @@ q"], "ts_rank(s.tsv, q)", "s.id"
        where.append("NOT s.retired")  # a sentence a revision of its article dropped is superseded
        if before_article is not None:
            where.append("s.article_id < :before")
            params["before"] = before_article
        with self.engine.connect() as conn:
            floor = conn.execute(text(f"SELECT {key} FROM {source} WHERE {' AND '.join(where)} "
                                      f"ORDER BY {key} DESC LIMIT 1 OFFSET :window"), params).scalar()
            if floor is not None:
                where.append(f"{key} >= :floor")
                params["floor"] = floor
            if story is not None:
                source += "JOIN sentence_stories ss ON ss.sentence_id = s.id "
                where.append("ss.story_id = :story")
                params["story"] = story
            sql = f"SELECT s.id AS sid, {score} AS score FROM {source} WHERE {' AND '.join(where)} " \
                  "ORDER BY score DESC LIMIT :limit"
            scored = [(row.sid, float(row.score)) for row in conn.execute(text(sql), params)]
            return self._hits(conn, scored)

    def frequency(self, terms: Sequence[str], cap: int = 20000) -> tuple[int, int]:
        """How many sentences contain any of `terms` (counted up to `cap`), and how many there are.

        Lets the answerer weigh rare question words above common ones; the cap keeps this cheap on a
        large store, where only rare words need an exact count.
        """
        words_ = list(dict.fromkeys(w.lower() for t in terms for w in _FTS_WORD.findall(t)))[:40]
        with self.engine.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(sentences)).scalar_one())
            if not words_:
                return 0, total
            if self.dialect == "sqlite":
                sql = ("SELECT count(*) FROM (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH :m "
                       "LIMIT :cap)")
                match = " OR ".join(f'"{w}"' for w in words_)
            else:
                sql = ("SELECT count(*) FROM (SELECT s.id FROM sentences s, to_tsquery('english', :m) q "
                       "WHERE s.tsv @@ q LIMIT :cap) x")
                match = " | ".join(words_)
            found = int(conn.execute(text(sql), {"m": match, "cap": cap}).scalar_one())
        return found, total

    def _hits(self, conn: Connection, scored: list[tuple[int, float]]) -> list[SentenceHit]:
        if not scored:
            return []
        ids = [sid for sid, _ in scored]
        rows = {row.sentence_id: row for row in conn.execute(_sentence_query().where(sentences.c.id.in_(ids)))}
        links: dict[int, list[str]] = {}
        for row in conn.execute(select(sentence_stories).where(sentence_stories.c.sentence_id.in_(ids))):
            links.setdefault(row.sentence_id, []).append(row.story_id)
        wanted = {(row.article_id, row.position - 1) for row in rows.values() if row.position > 0}
        before: dict[tuple[int, int], str] = {}
        if wanted:
            for row in conn.execute(select(sentences.c.article_id, sentences.c.position, sentences.c.text)
                                    .where(sentences.c.article_id.in_({a for a, _ in wanted}),
                                           sentences.c.position.in_({p for _, p in wanted}))):
                if (row.article_id, row.position) in wanted:
                    before[(row.article_id, row.position)] = row.text
        hits = []
        for sid, score in scored:
            found = rows.get(sid)
            if found is None:
                continue
            hits.append(SentenceHit(_sentence_from_row(found), score, tuple(sorted(links.get(sid, []))),
                                  before.get((found.article_id, found.position - 1))))
        return hits

    # ---- updates -------------------------------------------------------------------------------
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

    # ---- feeds and seeds -----------------------------------------------------------------------
    def upsert_feed(self, url: str, *, title: str = "", story_ids: Sequence[str] = (), fulltext: bool = True,
                    interval_seconds: int = 900, defined_in: str = "config") -> None:
        """Add a feed or update its configuration, keeping its polling state."""
        values = {"title": title, "stories": json.dumps(list(story_ids)), "fulltext": fulltext,
                  "interval_seconds": interval_seconds, "defined_in": defined_in}
        with self.engine.begin() as conn:
            if conn.execute(select(feeds.c.url).where(feeds.c.url == url)).first():
                conn.execute(update(feeds).where(feeds.c.url == url).values(**values))
            else:
                conn.execute(insert(feeds).values(url=url, **values))

    def remove_feed(self, url: str) -> bool:
        """Stop polling a feed; returns whether it was there."""
        with self.engine.begin() as conn:
            return bool(conn.execute(delete(feeds).where(feeds.c.url == url)).rowcount)

    def feed_rows(self) -> list[dict[str, Any]]:
        """Every feed with its configuration and polling state, as plain dicts."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(feeds).order_by(feeds.c.url)).mappings().all()
        out = []
        for row in rows:
            item = dict(row)
            item["stories"] = json.loads(item["stories"] or "[]")
            for key in ("last_polled", "next_poll"):
                item[key] = utc(item[key])
            out.append(item)
        return out

    def save_feed_state(self, url: str, **state: Any) -> None:
        """Record how a poll went (status, validators, errors, next poll time)."""
        with self.engine.begin() as conn:
            conn.execute(update(feeds).where(feeds.c.url == url).values(**state))

    def seed_file_hash(self, path: str) -> str | None:
        """The content hash a seed file had when it was last ingested."""
        with self.engine.connect() as conn:
            return conn.execute(select(seed_files.c.content_hash).where(seed_files.c.path == path)).scalar()

    def record_seed_file(self, path: str, content_hash: str, count: int, error: str | None = None) -> None:
        """Remember that a seed file (with this content) was read, and how it went."""
        with self.engine.begin() as conn:
            conn.execute(delete(seed_files).where(seed_files.c.path == path))
            conn.execute(insert(seed_files).values(path=path, content_hash=content_hash,
                                                   status="error" if error else "ok", error=error,
                                                   articles=count, ingested_at=now_utc()))

    def source_health(self) -> list[SourceHealth]:
        """Feeds and seed files with the outcome of their last read."""
        out = [SourceHealth("feed", row["title"] or row["url"], row["last_status"] or "not polled yet",
                            row["error_count"], row["last_error"], row["last_polled"], row["next_poll"],
                            row["items_seen"], row["url"]) for row in self.feed_rows()]
        with self.engine.connect() as conn:
            for row in conn.execute(select(seed_files).order_by(seed_files.c.path)):
                out.append(SourceHealth("seed", row.path, row.status, 1 if row.error else 0, row.error,
                                        utc(row.ingested_at), None, row.articles, row.path))
        return out


def _story_row(story: Story) -> dict[str, Any]:
    definition = {"terms": list(story.terms), "entities": {k: list(v) for k, v in story.entities.items()},
                  "exclude": list(story.exclude)}
    return {"id": story.id, "title": story.title, "description": story.description,
            "definition": json.dumps(definition), "defined_in": story.defined_in}


def _story_from_row(row: Row[Any]) -> Story:
    definition = json.loads(row.definition)
    return Story(id=row.id, title=row.title, description=row.description,
                 terms=tuple(definition.get("terms", ())),
                 entities={k: tuple(v) for k, v in definition.get("entities", {}).items()},
                 exclude=tuple(definition.get("exclude", ())), defined_in=row.defined_in)


def _overlap(a: set[str], b: set[str]) -> float:
    """Shared words as a share of all words of two sentences (Jaccard)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def _sentence_query():  # type: ignore[no-untyped-def]
    return (select(sentences.c.id.label("sentence_id"), sentences.c.article_id, sentences.c.position,
                   sentences.c.text, articles.c.url, articles.c.title, articles.c.source, articles.c.published,
                   sentences.c.annotation)
            .join(articles, articles.c.id == sentences.c.article_id))


def _sentence_from_row(row: Row[Any]) -> StorySentence:
    return StorySentence(row.sentence_id, row.article_id, row.position, row.text, row.url, row.title,
                         row.source, utc(row.published), row.annotation or "")


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
