"""Small runtime state: named values (cursors, alert states, mutes) and the chat messages already
answered (part of `RuntimeRepo`).

Writes are single upserts or insert-if-new, so several workers writing the same key at once cannot
collide.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from bot.store.clock import now_utc, utc
from bot.store.schema import handled_messages, runtime_state


def insert_new(conn: Connection, table: Table, keys: Sequence[str], values: dict[str, Any]) -> bool:
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


class StateQueries:
    """Reads and writes of runtime state, mutes and handled messages (mixed into `RuntimeRepo`)."""

    engine: Engine

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
            return insert_new(conn, runtime_state, ["key"], dict(key=key, value=value, updated_at=now_utc()))

    # ---- incoming messages -----------------------------------------------------------------
    def take_message(self, platform: str, channel: str, message_id: str, worker: str) -> bool:
        """Record that this worker answers a message; False when it was taken before (a redelivery,
        or the same event seen again by another worker after its chat connection moved there)."""
        with self.engine.begin() as conn:
            return insert_new(conn, handled_messages, ["platform", "channel", "message_id"], dict(
                platform=platform, channel=channel, message_id=message_id, worker=worker, handled_at=now_utc()))

    def forget_messages(self, before: datetime) -> int:
        """Drop the record of messages handled before `before` (platforms redeliver within minutes)."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(handled_messages).where(handled_messages.c.handled_at < before)).rowcount)
