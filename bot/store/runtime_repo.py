"""Queries for the runtime: channel subscriptions, the outbox of posts, and small runtime state.

Kept apart from `Store` so the core store stays about articles and stories. Every write that
must survive a crash is one transaction; outbox rows are keyed so writing one twice is a no-op.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from bot.domain import Citation, Image, Post
from bot.store.repo import now_utc, utc
from bot.store.schema import handled_messages, outbox, runtime_state, subscriptions


@dataclass(frozen=True)
class Subscription:
    """A channel's subscription to one story: live posts or a daily digest at a local time."""

    id: int
    platform: str
    channel: str
    story: str
    mode: str
    daily_at: str | None
    timezone: str
    only: tuple[str, ...]
    except_: tuple[str, ...]
    enabled: bool
    disabled_reason: str | None
    created_at: datetime
    last_digest_at: datetime | None
    chart: bool = False

    def describe(self) -> str:
        """How the subscription reads in chat, e.g. `hostage-talks: daily 08:00 Europe/London chart`."""
        how = "live" if self.mode == "live" else f"daily {self.daily_at} {self.timezone}"
        if self.chart:
            how += " chart"
        extra = ""
        if self.only:
            extra += " only:" + ",".join(self.only)
        if self.except_:
            extra += " except:" + ",".join(self.except_)
        off = f" (disabled: {self.disabled_reason})" if not self.enabled else ""
        return f"{self.story}: {how}{extra}{off}"


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


def _sub(row: Row[Any]) -> Subscription:
    return Subscription(row.id, row.platform, row.channel, row.story_id, row.mode, row.daily_at, row.timezone,
                        tuple(json.loads(row.only_terms or "[]")), tuple(json.loads(row.except_terms or "[]")),
                        bool(row.enabled), row.disabled_reason, utc(row.created_at) or now_utc(),
                        utc(row.last_digest_at), bool(row.chart))


def _insert_new(conn: Connection, table: Table, keys: Sequence[str], values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on the unique `keys`; True when the row was new.

    Safe when several workers write the same row at once: one insert wins, the others do nothing
    (no check-then-insert race, no unique-violation error to handle).
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=list(keys))
            .returning(*(table.c[k] for k in keys)))
    return conn.execute(stmt).first() is not None


def _mute_key(platform: str, channel: str, story: str) -> str:
    return f"mute:{platform}:{channel}:{story}"


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


class RuntimeRepo:
    """Subscriptions, outbox and runtime state over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- subscriptions -------------------------------------------------------------------
    def subscribe(self, platform: str, channel: str, story: str, mode: str, daily_at: str | None, timezone: str,
                  only: Sequence[str] = (), except_: Sequence[str] = (), by: str = "",
                  chart: bool = False) -> Subscription:
        """Create or replace a channel's subscription to a story in one mode (re-enabling it).

        A channel may hold one `live` and one `daily` subscription per story; each replaces only its own mode.
        `chart` (daily only) sends the story's timeline chart with each digest.
        """
        values = {"daily_at": daily_at, "timezone": timezone, "only_terms": json.dumps(list(only)),
                  "except_terms": json.dumps(list(except_)), "enabled": True, "disabled_reason": None,
                  "created_by": by, "chart": chart}
        where = and_(subscriptions.c.platform == platform, subscriptions.c.channel == channel,
                     subscriptions.c.story_id == story, subscriptions.c.mode == mode)
        with self.engine.begin() as conn:
            if conn.execute(select(subscriptions.c.id).where(where)).first():
                conn.execute(update(subscriptions).where(where).values(**values))
            else:
                conn.execute(insert(subscriptions).values(platform=platform, channel=channel, story_id=story,
                                                          mode=mode, created_at=now_utc(), last_digest_at=now_utc(),
                                                          **values))
            return _sub(conn.execute(select(subscriptions).where(where)).one())

    def unsubscribe(self, platform: str, channel: str, story: str, mode: str | None = None) -> list[Subscription]:
        """Remove a channel's subscriptions to a story (one mode, or every mode); returns those removed."""
        where = and_(subscriptions.c.platform == platform, subscriptions.c.channel == channel,
                     subscriptions.c.story_id == story)
        if mode is not None:
            where = and_(where, subscriptions.c.mode == mode)
        with self.engine.begin() as conn:
            gone = [_sub(row) for row in conn.execute(select(subscriptions).where(where).order_by(subscriptions.c.id))]
            conn.execute(delete(subscriptions).where(where))
        return gone

    def unsubscribe_story(self, story: str) -> list[Subscription]:
        """Remove every channel's subscriptions to a story (it is no longer tracked); returns those removed."""
        where = subscriptions.c.story_id == story
        with self.engine.begin() as conn:
            gone = [_sub(row) for row in conn.execute(select(subscriptions).where(where).order_by(subscriptions.c.id))]
            conn.execute(delete(subscriptions).where(where))
        return gone

    def subscriptions(self, platform: str | None = None, channel: str | None = None, story: str | None = None,
                      enabled_only: bool = False) -> list[Subscription]:
        """Subscriptions, optionally narrowed to a platform, channel or story."""
        query = select(subscriptions).order_by(subscriptions.c.id)
        if platform is not None:
            query = query.where(subscriptions.c.platform == platform)
        if channel is not None:
            query = query.where(subscriptions.c.channel == channel)
        if story is not None:
            query = query.where(subscriptions.c.story_id == story)
        if enabled_only:
            query = query.where(subscriptions.c.enabled.is_(True))
        with self.engine.connect() as conn:
            return [_sub(row) for row in conn.execute(query)]

    def subscription(self, sub_id: int) -> Subscription | None:
        """One subscription by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
        return _sub(row) if row else None

    def move_channel(self, platform: str, old: str, new: str) -> int:
        """A room was replaced (Matrix room upgrade): its subscriptions and unsent posts move to the new one."""
        with self.engine.begin() as conn:
            moved = conn.execute(update(subscriptions).where(and_(
                subscriptions.c.platform == platform, subscriptions.c.channel == old)).values(channel=new)).rowcount
            conn.execute(update(outbox).where(and_(outbox.c.platform == platform, outbox.c.channel == old,
                                                   outbox.c.status == "pending")).values(channel=new))
        return int(moved)

    def disable_subscription(self, sub_id: int, reason: str) -> None:
        """Stop delivering to a subscription (its channel refused posts for good)."""
        with self.engine.begin() as conn:
            conn.execute(update(subscriptions).where(subscriptions.c.id == sub_id)
                         .values(enabled=False, disabled_reason=reason))

    def set_last_digest(self, sub_id: int, when: datetime) -> None:
        """Remember when a subscription's digest last covered up to."""
        with self.engine.begin() as conn:
            conn.execute(update(subscriptions).where(subscriptions.c.id == sub_id).values(last_digest_at=when))

    # ---- outbox --------------------------------------------------------------------------
    def enqueue(self, posts: Iterable[NewPost]) -> list[str]:
        """Write posts to the outbox in one transaction; keys already there are skipped. Returns new keys."""
        added: list[str] = []
        now = now_utc()
        with self.engine.begin() as conn:
            for p in posts:
                if _insert_new(conn, outbox, ["key"], dict(
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

    # ---- mutes ---------------------------------------------------------------------------
    def mute(self, platform: str, channel: str, story: str, until: datetime) -> None:
        """Hold a story's live posts in a channel until `until` (kept in runtime state, so it survives a restart)."""
        self.set_state(_mute_key(platform, channel, story), until.isoformat())

    def unmute(self, platform: str, channel: str, story: str) -> datetime | None:
        """End a mute now; returns when it would have ended (None when the story was not muted)."""
        key = _mute_key(platform, channel, story)
        until = self.muted_until(platform, channel, story)
        with self.engine.begin() as conn:
            conn.execute(delete(runtime_state).where(runtime_state.c.key == key))
        return until

    def muted_until(self, platform: str, channel: str, story: str, now: datetime | None = None) -> datetime | None:
        """When a channel's mute of a story ends, or None when it is not muted (any more) at `now`."""
        value = self.get_state(_mute_key(platform, channel, story))
        if not value:
            return None
        until = utc(datetime.fromisoformat(value))
        return until if until is not None and until > (now or now_utc()) else None

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

    # ---- runtime state -------------------------------------------------------------------
    def get_state(self, key: str) -> str | None:
        """A small runtime value (cursor, last poll, alert state)."""
        with self.engine.connect() as conn:
            return conn.execute(select(runtime_state.c.value).where(runtime_state.c.key == key)).scalar()

    def states_under(self, prefix: str) -> dict[str, str]:
        """Every runtime value whose key starts with `prefix`, in one query (e.g. each feed's alert state)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(runtime_state.c.key, runtime_state.c.value)
                                .where(runtime_state.c.key.startswith(prefix, autoescape=True)))
            return {key: value for key, value in rows}

    def set_state(self, key: str, value: str) -> None:
        """Store a small runtime value (an upsert: two workers setting it at once cannot collide)."""
        with self.engine.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(runtime_state).values(key=key, value=value, updated_at=now_utc())
            conn.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                                    set_={"value": value, "updated_at": now_utc()}))

    def init_state(self, key: str, value: str) -> bool:
        """Store a runtime value only if it is not set yet; True when this call set it."""
        with self.engine.begin() as conn:
            return _insert_new(conn, runtime_state, ["key"], dict(key=key, value=value, updated_at=now_utc()))

    # ---- incoming messages -----------------------------------------------------------------
    def take_message(self, platform: str, channel: str, message_id: str, worker: str) -> bool:
        """Record that this worker answers a message; False when it was taken before (a redelivery,
        or the same event seen again by another worker after its chat connection moved there)."""
        with self.engine.begin() as conn:
            return _insert_new(conn, handled_messages, ["platform", "channel", "message_id"], dict(
                platform=platform, channel=channel, message_id=message_id, worker=worker, handled_at=now_utc()))

    def forget_messages(self, before: datetime) -> int:
        """Drop the record of messages handled before `before` (platforms redeliver within minutes)."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(handled_messages).where(handled_messages.c.handled_at < before)).rowcount)
