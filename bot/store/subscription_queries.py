"""Channel subscriptions to stories: live posts or a daily digest (part of `RuntimeRepo`).

A channel holds at most one `live` and one `daily` subscription per story; a subscription its
channel refused for good stays, disabled, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Engine, Row

from bot.store.clock import now_utc, utc
from bot.store.schema import outbox, subscriptions


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


def _sub(row: Row[Any]) -> Subscription:
    return Subscription(row.id, row.platform, row.channel, row.story_id, row.mode, row.daily_at, row.timezone,
                        tuple(json.loads(row.only_terms or "[]")), tuple(json.loads(row.except_terms or "[]")),
                        bool(row.enabled), row.disabled_reason, utc(row.created_at) or now_utc(),
                        utc(row.last_digest_at), bool(row.chart))


class SubscriptionQueries:
    """Reads and writes of subscriptions (mixed into `RuntimeRepo`)."""

    engine: Engine

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
