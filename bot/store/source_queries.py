"""Where articles come from: polled feeds and ingested seed files, and how their last read went
(part of `Store`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from bot.store.base import StoreBase
from bot.store.clock import now_utc, utc
from bot.store.schema import feeds, seed_files


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


class SourceQueries(StoreBase):
    """Reads and writes of feeds and seed files (mixed into `Store`)."""

    def upsert_feed(self, url: str, *, title: str = "", story_ids: Sequence[str] = (), fulltext: bool = True,
                    interval_seconds: int = 900, defined_in: str = "config",
                    first_poll: datetime | None = None) -> None:
        """Add a feed or update its configuration, keeping its polling state.

        A new feed is due at once unless `first_poll` says when (a feed just fetched by hand is
        not due again before its outcome is saved, so the scheduler never fetches it twice)."""
        values = {"title": title, "stories": json.dumps(list(story_ids)), "fulltext": fulltext,
                  "interval_seconds": interval_seconds, "defined_in": defined_in}
        with self.engine.begin() as conn:
            if conn.execute(select(feeds.c.url).where(feeds.c.url == url)).first():
                conn.execute(update(feeds).where(feeds.c.url == url).values(**values))
            else:
                conn.execute(insert(feeds).values(url=url, next_poll=first_poll, **values))

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
