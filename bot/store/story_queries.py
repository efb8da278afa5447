"""Stories and the filing of articles under them (part of `Store`).

Stories come from config/stories.toml or are defined in chat; an article is filed under a story
with a score, and each of its sentences under the stories it speaks to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.engine import Row

from bot.domain import Story, StorySentence
from bot.store.base import StoreBase
from bot.store.clock import utc
from bot.store.schema import article_stories, articles, sentence_stories, sentences, stories, updates
from bot.store.sentence_rows import sentence_from_row, sentence_query


@dataclass(frozen=True)
class StorySummary:
    """A story with how much the store knows about it."""

    story: Story
    articles: int
    updates: int
    last_article: datetime | None


class StoryQueries(StoreBase):
    """Reads and writes of stories and of what is filed under them (mixed into `Store`)."""

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
        query = (sentence_query().join(sentence_stories, sentence_stories.c.sentence_id == sentences.c.id)
                 .where(sentence_stories.c.story_id == story_id, sentences.c.retired.is_(False))
                 .order_by(sentences.c.article_id, sentences.c.position))
        grouped: dict[int, list[StorySentence]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                grouped.setdefault(row.article_id, []).append(sentence_from_row(row))
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
