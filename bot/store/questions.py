"""The questions editors asked in chat and the answers the bot gave, kept for each story's page.

The runtime records every question it answers (not the refused ones: too long, unreadable); a
story's page lists the newest. A question asked outside any story and answered from none is kept
with no story and shown on no page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bot.domain import Answer, Citation
from bot.store.clock import now_utc, utc
from bot.store.schema import questions

MAX_KEPT_CHARS = 4000  # a reply longer than this is clipped in the log (the chat got it whole)


@dataclass(frozen=True)
class AskedQuestion:
    """A question asked in chat, the short answer (None: the bot did not know), the reply and its sources."""

    question: str
    answer: str | None
    reply: str
    citations: tuple[Citation, ...]
    asked_at: datetime
    story: str | None = None


def _citation_json(c: Citation) -> dict[str, str | None]:
    return {"title": c.title, "url": c.url, "source": c.source,
            "published": c.published.isoformat() if c.published else None, "sentence": c.sentence}


def _citation(d: dict[str, str | None]) -> Citation:
    published = d.get("published")
    return Citation(d.get("title") or "", d.get("url") or "", d.get("source") or "",
                    datetime.fromisoformat(published) if published else None, d.get("sentence") or "")


class QuestionLog:
    """Writes and reads the `questions` table (migration 9)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, answer: Answer, scope: str | None = None, when: datetime | None = None) -> None:
        """Keep a question and the answer given: under the story it was asked in, else the one answered from."""
        with self.engine.begin() as conn:
            conn.execute(insert(questions).values(
                story_id=scope or answer.story, question=answer.question[:MAX_KEPT_CHARS],
                answer=answer.answer[:MAX_KEPT_CHARS] if answer.answer is not None else None,
                reply=answer.text[:MAX_KEPT_CHARS],
                citations=json.dumps([_citation_json(c) for c in answer.citations]),
                asked_at=when or now_utc()))

    def for_story(self, story_id: str, limit: int = 50) -> list[AskedQuestion]:
        """A story's questions, newest first (at most `limit`)."""
        query = (select(questions).where(questions.c.story_id == story_id)
                 .order_by(questions.c.asked_at.desc(), questions.c.id.desc()).limit(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [AskedQuestion(r.question, r.answer, r.reply, tuple(_citation(c) for c in json.loads(r.citations)),
                              utc(r.asked_at) or now_utc(), r.story_id) for r in rows]

    def counts(self, story_ids: Sequence[str]) -> dict[str, int]:
        """How many questions each story has (stories with none are left out)."""
        if not story_ids:
            return {}
        query = (select(questions.c.story_id, func.count()).where(questions.c.story_id.in_(list(story_ids)))
                 .group_by(questions.c.story_id))
        with self.engine.connect() as conn:
            return {row[0]: int(row[1]) for row in conn.execute(query)}
