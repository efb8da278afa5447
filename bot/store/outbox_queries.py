"""The outbox: posts waiting to be sent, being sent, sent or failed (part of `RuntimeRepo`).

Every post goes out through a row here, keyed so that writing one twice is a no-op; a worker claims
a row before sending it, and a crash leaves it to be claimed again.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Engine, Row

from bot.domain import Citation, Image, Post
from bot.store.clock import now_utc, utc
from bot.store.schema import outbox
from bot.store.state_queries import insert_new


@dataclass(frozen=True)
class OutboxRow:
    """One post waiting to be sent, sent, or failed."""

    id: int
    key: str
    platform: str
    channel: str
    story: str | None
    kind: str
    post: Post
    parent_key: str | None
    edit_key: str | None
    group_key: str | None
    subscription_id: int | None
    status: str
    attempts: int
    next_attempt_at: datetime
    message_id: str | None
    error: str | None
    created_at: datetime


def post_to_json(post: Post) -> str:
    """A post (without its replies) as JSON for the outbox; an image's bytes go as base64."""
    raw: dict[str, Any] = {
        "heading": post.heading, "lines": post.lines,
        "citations": [{"title": c.title, "url": c.url, "source": c.source, "sentence": c.sentence,
                       "published": c.published.isoformat() if c.published else None} for c in post.citations],
    }
    if post.image is not None:
        i = post.image
        raw["image"] = {"name": i.name, "data": base64.b64encode(i.data).decode(), "width": i.width,
                        "height": i.height, "alt": i.alt, "text": i.text, "mimetype": i.mimetype}
    return json.dumps(raw)


def post_from_json(data: str) -> Post:
    """The post stored by `post_to_json`."""
    raw = json.loads(data)
    cites = [Citation(c["title"], c["url"], c["source"],
                      datetime.fromisoformat(c["published"]) if c.get("published") else None, c["sentence"])
             for c in raw.get("citations", [])]
    image = None
    if raw.get("image"):
        i = raw["image"]
        image = Image(i["name"], base64.b64decode(i["data"]), int(i["width"]), int(i["height"]), i["alt"],
                      i.get("text", ""), i.get("mimetype", "image/png"))
    return Post(raw.get("heading", ""), list(raw.get("lines", [])), cites, image=image)


def _row(row: Row[Any]) -> OutboxRow:
    return OutboxRow(row.id, row.key, row.platform, row.channel, row.story_id, row.kind, post_from_json(row.payload),
                     row.parent_key, row.edit_key, row.group_key, row.subscription_id, row.status, row.attempts,
                     utc(row.next_attempt_at) or now_utc(), row.message_id, row.error, utc(row.created_at) or now_utc())


@dataclass
class NewPost:
    """An outbox row to write: the post, where it goes and its idempotency key."""

    key: str
    platform: str
    channel: str
    post: Post
    kind: str
    story: str | None = None
    parent_key: str | None = None
    edit_key: str | None = None
    group_key: str | None = None
    subscription_id: int | None = None
    not_before: datetime | None = None


class OutboxQueries:
    """Reads and writes of the outbox (mixed into `RuntimeRepo`)."""

    engine: Engine

    def enqueue(self, posts: Iterable[NewPost]) -> list[str]:
        """Write posts to the outbox in one transaction; keys already there are skipped. Returns new keys."""
        added: list[str] = []
        now = now_utc()
        with self.engine.begin() as conn:
            for p in posts:
                if insert_new(conn, outbox, ["key"], dict(
                        key=p.key, platform=p.platform, channel=p.channel, story_id=p.story, kind=p.kind,
                        payload=post_to_json(p.post), parent_key=p.parent_key, edit_key=p.edit_key,
                        group_key=p.group_key, subscription_id=p.subscription_id, status="pending", attempts=0,
                        next_attempt_at=p.not_before or now, created_at=now)):
                    added.append(p.key)
        return added

    def row(self, key: str) -> OutboxRow | None:
        """The outbox row with this idempotency key."""
        with self.engine.connect() as conn:
            found = conn.execute(select(outbox).where(outbox.c.key == key)).first()
        return _row(found) if found else None

    def rows(self, status: str | None = None, platform: str | None = None) -> list[OutboxRow]:
        """Outbox rows in the order written (optionally one status or platform)."""
        query = select(outbox).order_by(outbox.c.id)
        if status:
            query = query.where(outbox.c.status == status)
        if platform:
            query = query.where(outbox.c.platform == platform)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query)]

    def due(self, now: datetime, platforms: Sequence[str], limit: int = 50) -> list[OutboxRow]:
        """Pending rows for these platforms whose time has come, oldest first."""
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(
                select(outbox).where(and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now,
                                          outbox.c.platform.in_(list(platforms))))
                .order_by(outbox.c.id).limit(limit))]

    def count_owed(self, now: datetime, platforms: Sequence[str]) -> int:
        """Rows for these platforms being sent, or pending and due by `now`."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(outbox).where(and_(
                outbox.c.platform.in_(list(platforms)),
                (outbox.c.status == "sending") | and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
            ))).scalar() or 0)

    def next_due(self, platforms: Sequence[str]) -> datetime | None:
        """When the earliest pending row for these platforms becomes due."""
        with self.engine.connect() as conn:
            return utc(conn.execute(select(func.min(outbox.c.next_attempt_at)).where(and_(
                outbox.c.status == "pending", outbox.c.platform.in_(list(platforms))))).scalar())

    def claim(self, row_id: int) -> bool:
        """Mark a pending row as being sent; False when another worker got it first."""
        with self.engine.begin() as conn:
            return bool(conn.execute(update(outbox).where(and_(outbox.c.id == row_id, outbox.c.status == "pending"))
                                     .values(status="sending", attempts=outbox.c.attempts + 1)).rowcount)

    def mark_sent(self, row_id: int, message_id: str) -> None:
        """Record that the platform accepted the post, with its message id."""
        with self.engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.id == row_id)
                         .values(status="sent", message_id=message_id, sent_at=now_utc(), error=None))

    def retry_later(self, row_id: int, when: datetime, why: str, count_attempt: bool = True) -> None:
        """Put a row back in the queue for `when` (a rate limit does not count as an attempt)."""
        values: dict[str, Any] = {"status": "pending", "next_attempt_at": when, "error": why}
        if not count_attempt:
            values["attempts"] = outbox.c.attempts - 1
        with self.engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))

    def postpone(self, row_id: int, when: datetime, why: str) -> None:
        """Look at a pending row again at `when` (it waits for its parent post), counting no attempt."""
        with self.engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.id == row_id).values(next_attempt_at=when, error=why))

    def mark_failed(self, row_id: int, why: str) -> None:
        """Give up on a row, keeping why for `status`."""
        with self.engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.id == row_id).values(status="failed", error=why))

    def requeue_interrupted(self) -> int:
        """Rows left 'sending' by a crash go back to pending (the platform may or may not have them)."""
        with self.engine.begin() as conn:
            return int(conn.execute(update(outbox).where(outbox.c.status == "sending")
                                    .values(status="pending")).rowcount)

    def fold_into(self, row_id: int, post: Post, marker: NewPost) -> bool:
        """Replace the content of a row not sent yet and record `marker` (status 'done') in one transaction.

        The marker keeps the folded item's idempotency key, so folding it again after a crash is a
        no-op. False when the row was already taken for sending (the caller posts separately).
        """
        now = now_utc()
        with self.engine.begin() as conn:
            if conn.execute(select(outbox.c.id).where(outbox.c.key == marker.key)).first():
                return True
            changed = conn.execute(update(outbox).where(and_(outbox.c.id == row_id, outbox.c.status == "pending"))
                                   .values(payload=post_to_json(post))).rowcount
            if not changed:
                return False
            conn.execute(insert(outbox).values(
                key=marker.key, platform=marker.platform, channel=marker.channel, story_id=marker.story,
                kind=marker.kind, payload=post_to_json(marker.post), edit_key=marker.edit_key,
                group_key=marker.group_key, status="done", attempts=0, next_attempt_at=now, created_at=now))
        return True

    def set_payload(self, row_id: int, post: Post) -> None:
        """Record the current content of a sent post (so a later edit builds on it)."""
        with self.engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.id == row_id).values(payload=post_to_json(post)))

    def recent(self, platform: str, channel: str, story: str, kinds: Sequence[str], since: datetime) -> list[OutboxRow]:
        """Rows of these kinds written for a channel and story since a time."""
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(select(outbox).where(and_(
                outbox.c.platform == platform, outbox.c.channel == channel, outbox.c.story_id == story,
                outbox.c.kind.in_(list(kinds)), outbox.c.created_at >= since)).order_by(outbox.c.id))]

    def latest_in_group(self, platform: str, channel: str, group_key: str) -> OutboxRow | None:
        """The newest live or fold row about the same thing (an article) in a channel."""
        with self.engine.connect() as conn:
            found = conn.execute(select(outbox).where(and_(
                outbox.c.platform == platform, outbox.c.channel == channel, outbox.c.group_key == group_key,
                outbox.c.kind == "live")).order_by(outbox.c.id.desc()).limit(1)).first()
        return _row(found) if found else None

    def by_message_id(self, platform: str, channel: str, message_id: str) -> OutboxRow | None:
        """The row whose sent message has this platform id (to know which story a thread is about)."""
        with self.engine.connect() as conn:
            found = conn.execute(select(outbox).where(and_(
                outbox.c.platform == platform, outbox.c.channel == channel,
                outbox.c.message_id == message_id))).first()
        return _row(found) if found else None

    def counts(self) -> dict[str, int]:
        """How many rows are in each status."""
        with self.engine.connect() as conn:
            return {row[0]: int(row[1]) for row in conn.execute(
                select(outbox.c.status, func.count()).group_by(outbox.c.status))}

    # ---- posts held by a mute -------------------------------------------------------------
    def release_held(self, platform: str, channel: str, story: str, when: datetime) -> int:
        """Bring the held posts of a story in a channel (and their thread's parent) forward to `when`.

        Returns how many held (fold) posts were released; a mute ended early.
        """
        where = and_(outbox.c.platform == platform, outbox.c.channel == channel, outbox.c.story_id == story,
                     outbox.c.status == "pending", outbox.c.next_attempt_at > when)
        with self.engine.begin() as conn:
            conn.execute(update(outbox).where(and_(where, outbox.c.kind == "thread"))
                         .values(next_attempt_at=when, error=None))
            return int(conn.execute(update(outbox).where(and_(where, outbox.c.kind == "fold"))
                                    .values(next_attempt_at=when, error=None)).rowcount)

    def open_fold(self, platform: str, channel: str, story: str) -> OutboxRow | None:
        """The newest fold post of a story in a channel that is still waiting to be sent."""
        with self.engine.connect() as conn:
            found = conn.execute(select(outbox).where(and_(
                outbox.c.platform == platform, outbox.c.channel == channel, outbox.c.story_id == story,
                outbox.c.kind == "fold", outbox.c.status == "pending")).order_by(outbox.c.id.desc()).limit(1)).first()
        return _row(found) if found else None
