"""Read-only queries a story's page needs beyond the shared `Store`: where its articles came from, and a
cheap version of the story that changes whenever its page would."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.store.schema import article_sources, article_stories, articles, sentence_stories, updates


def story_origins(engine: Engine, story_id: str) -> dict[str, int]:
    """For one story: each origin (a feed URL or a file path) and how many of its articles came from there,
    copies other outlets carried included."""
    filed = select(article_stories.c.article_id).where(article_stories.c.story_id == story_id).scalar_subquery()
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for table in (articles, article_sources):
            key = table.c.id if table is articles else table.c.article_id
            query = (select(table.c.origin, func.count()).where(key.in_(filed)).group_by(table.c.origin))
            for origin, n in conn.execute(query):
                counts[origin or ""] = counts.get(origin or "", 0) + int(n)
    return counts


def story_version(engine: Engine, story_id: str) -> tuple[int, ...]:
    """What changes whenever a story's page would: its updates (newest id, how many), its filed sentences
    (newest id, how many) and the newest copy another outlet carried (the "also reported by" counts).
    Cheap: indexed aggregates."""
    with engine.connect() as conn:
        newest_update, found = conn.execute(select(func.max(updates.c.id), func.count())
                                            .where(updates.c.story_id == story_id)).one()
        newest_sentence, filed = conn.execute(select(func.max(sentence_stories.c.sentence_id), func.count())
                                              .where(sentence_stories.c.story_id == story_id)).one()
        newest_copy = conn.execute(select(func.max(article_sources.c.id))).scalar()
    return int(newest_update or 0), int(found), int(newest_sentence or 0), int(filed), int(newest_copy or 0)


def latest_update_id(engine: Engine, story_id: str) -> int | None:
    """The id of a story's newest update by its article's publication (undated articles count as oldest; the
    later found first among equals), or None when the story has none."""
    query = (select(updates.c.id).join(articles, articles.c.id == updates.c.article_id)
             .where(updates.c.story_id == story_id)
             .order_by(articles.c.published.is_(None), articles.c.published.desc(), updates.c.id.desc()).limit(1))
    with engine.connect() as conn:
        found = conn.execute(query).scalar()
    return int(found) if found is not None else None
