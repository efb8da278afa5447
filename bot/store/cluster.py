"""What several `run` processes on one PostgreSQL share: locks, the leader lock and feed-poll leases.

PostgreSQL only; on SQLite one process runs (`bot.store.db.single_run_lock`) and these degrade to
what one process needs: in-process locks, leadership always held, leases that nobody else reads.

- `SessionLock`: a cluster-wide mutex (a session-level advisory lock on its own connection) for
  short critical sections: storing and judging one article, writing live posts past the cursor.
  A process that dies loses its connection and with it the lock, at once.
- `LeaderLock`: `pg_try_advisory_lock` on a dedicated connection, held for the process's life.
- `FeedLeases`: due feeds claimed with `SELECT ... FOR UPDATE SKIP LOCKED` and a lease (owner and
  expiry) renewed while the poll runs, so no feed is polled by two workers at once and the claim
  of a worker that died expires after `lease_seconds`. A claim is one statement for many feeds,
  and so is recording their polls and giving them back (`save_polls`, `FeedLeases.finish`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, func, null, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.clock import now_utc, utc
from bot.store.schema import feeds

log = logging.getLogger("bot.store.cluster")

LEADER_LOCK = "newsdesk:leader"
INGEST_LOCK = "newsdesk:ingest"
DELIVERY_LOCK = "newsdesk:delivery"
SHARE = 4  # a worker claims at most a quarter of the feeds due at once (see `FeedLeases.claim_due`)


def is_shared(engine: Engine) -> bool:
    """Whether several processes may use this store at once (PostgreSQL) or only one (SQLite)."""
    return engine.dialect.name == "postgresql"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def worker_id() -> str:
    """This process's name in leases and logs: host, pid and a random suffix (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _dedicated(engine: Engine) -> Connection:
    """A connection of its own in autocommit mode: advisory locks must not sit inside a transaction."""
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


class SessionLock:
    """A mutex shared by every worker on the store (see module docstring); also a mutex between
    threads of this process. Use as a context manager around short critical sections."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.key = advisory_key(name)
        self.name = name
        self._local = threading.Lock()
        self._conn: Connection | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the `with` block."""
        with self._local:
            if not is_shared(self.engine):
                yield
                return
            self._acquire()
            try:
                yield
            finally:
                self._release()

    def _acquire(self) -> None:
        for attempt in (1, 2):  # a connection broken since last time (database restart) is replaced once
            try:
                if self._conn is None:
                    self._conn = _dedicated(self.engine)
                self._conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": self.key})
                return
            except SQLAlchemyError:
                self._drop()
                if attempt == 2:
                    raise

    def _release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        except SQLAlchemyError:  # the connection is gone, and the lock with it
            log.warning("event=cluster_lock_release_failed lock=%s", self.name)
            self._drop()

    def _drop(self) -> None:
        discard(self._conn)
        self._conn = None

    def close(self) -> None:
        """Give back the dedicated connection (any lock it held is released with it)."""
        with self._local:
            if self._conn is not None:
                with suppress(SQLAlchemyError):
                    self._conn.close()
                self._conn = None


class LeaderLock:
    """The leader lock (see module docstring). Not thread-safe: one caller at a time."""

    def __init__(self, engine: Engine, name: str = LEADER_LOCK) -> None:
        self.engine = engine
        self.key = advisory_key(name)
        self._conn: Connection | None = None
        self.held = False

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this process holds it now."""
        if not is_shared(self.engine):
            self.held = True
            return True
        if self.held:
            return self.still_held()
        try:
            if self._conn is None:
                self._conn = _dedicated(self.engine)
            self.held = bool(self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
        except SQLAlchemyError as exc:
            log.warning("event=leader_lock_unreachable error=%r", exc.__class__.__name__)
            self._drop()
            self.held = False
        return self.held

    def still_held(self) -> bool:
        """Whether the lock is still ours: False once its connection broke (the server then let it go)."""
        if not is_shared(self.engine):
            return True
        if self._conn is None or not self.held:
            return False
        try:  # a session-level lock lasts as long as its session: a live connection still holds it
            self._conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            self._drop()
            self.held = False
        return self.held

    def release(self) -> None:
        """Let the lock go (a clean shutdown: a follower takes over at its next try)."""
        if self._conn is not None and self.held:
            with suppress(SQLAlchemyError):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        self.held = False
        self._drop()

    def _drop(self) -> None:
        discard(self._conn)
        self._conn = None


def discard(conn: Connection | None) -> None:
    """Throw away a dedicated connection whose session may be broken (its session locks go with it)."""
    if conn is not None:
        with suppress(SQLAlchemyError):
            conn.invalidate()
            conn.close()


def _feed_dict(row: Any) -> dict[str, Any]:
    item = dict(row)
    item["stories"] = json.loads(item["stories"] or "[]")
    for key in ("last_polled", "next_poll", "lease_until"):
        item[key] = utc(item[key])
    return item


POLL_COLUMNS = ("etag", "last_modified", "body_hash", "last_status", "error_count", "last_error", "last_polled",
                "next_poll", "items_seen")


def save_polls(engine: Engine, polls: Sequence[Mapping[str, Any]], owner: str | None = None) -> int:
    """Record how many feeds' polls went, in one statement run for every feed in one batch and one
    transaction (psycopg pipelines it: about one round trip whatever the count); returns how many.

    Each poll is a mapping with ``url``, the `POLL_COLUMNS` and an optional ``title`` (None keeps
    the stored one). With `owner`, the same statement gives back each feed's lease if `owner`
    still holds it, so a feed's next poll time is never visible without its lease being let go or
    the other way round. A lease another worker took meanwhile (ours had expired) is left alone.
    """
    if not polls:
        return 0
    values: dict[str, Any] = {column: bindparam(f"p_{column}", type_=feeds.c[column].type) for column in POLL_COLUMNS}
    values["title"] = func.coalesce(bindparam("p_title", type_=feeds.c.title.type), feeds.c.title)
    if owner is not None:
        mine = feeds.c.lease_owner == owner
        values["lease_owner"] = case((mine, null()), else_=feeds.c.lease_owner)
        values["lease_until"] = case((mine, null()), else_=feeds.c.lease_until)
    statement = update(feeds).where(feeds.c.url == bindparam("p_url")).values(**values)
    rows = [{"p_url": poll["url"], "p_title": poll.get("title") or None,
             **{f"p_{column}": poll.get(column) for column in POLL_COLUMNS}} for poll in polls]
    with engine.begin() as conn:
        conn.execute(statement, rows)
    return len(rows)


class FeedLeases:
    """Claims due feeds for one worker (see module docstring)."""

    def __init__(self, engine: Engine, owner: str, lease_seconds: float) -> None:
        self.engine = engine
        self.owner = owner
        self.lease = timedelta(seconds=lease_seconds)

    def claim_due(self, now: datetime, slack: timedelta = timedelta(0), limit: int = 50,
                  share: int = SHARE) -> list[dict[str, Any]]:
        """Claim feeds due by `now + slack` that nobody holds a live lease on; returns their rows
        (as `Store.feed_rows` gives them), by URL. Rows another worker is claiming right now are
        skipped, not waited for. At most `limit`, and at most 1/`share` of what is due (at least
        one), so a few due feeds are spread over several workers instead of all going to the first.

        One statement, one round trip: an UPDATE of the rows a ``SELECT ... FOR UPDATE SKIP LOCKED
        LIMIT n`` picks (n counted in the same statement), returning them.
        """
        moment = now_utc()
        pick, counted = feeds.alias("pick"), feeds.alias("counted")

        def waiting_in(table: Any) -> Any:
            due = or_(table.c.next_poll.is_(None), table.c.next_poll <= now + slack)
            return and_(due, or_(table.c.lease_until.is_(None), table.c.lease_until < moment))

        share = max(1, share)
        waiting = select(func.count()).select_from(counted).where(waiting_in(counted)).scalar_subquery()
        smaller = func.least if is_shared(self.engine) else func.min  # SQLite's two-argument min()
        take = smaller(max(1, limit), (waiting + (share - 1)) // share)  # a share rounded up: >= 1 when any is due
        # among feeds due alike, a hash of the URL orders them: the feeds of one host (next to each
        # other by URL) spread over the batches, where the fetcher's two requests a host would
        # otherwise hold a whole batch up
        spread = func.md5(pick.c.url) if is_shared(self.engine) else pick.c.url
        chosen = (select(pick.c.url).where(waiting_in(pick))
                  .order_by(pick.c.next_poll.nulls_first(), spread, pick.c.url).limit(take)
                  .with_for_update(skip_locked=True))
        claim = (update(feeds).where(feeds.c.url.in_(chosen))
                 .values(lease_owner=self.owner, lease_until=moment + self.lease).returning(*feeds.c))
        with self.engine.begin() as conn:
            rows = conn.execute(claim).mappings().all()
        return sorted((_feed_dict(r) for r in rows), key=lambda row: row["url"])

    def renew(self) -> int:
        """Push back the expiry of every lease this worker holds; returns how many it holds."""
        with self.engine.begin() as conn:
            return int(conn.execute(update(feeds).where(feeds.c.lease_owner == self.owner)
                                    .values(lease_until=now_utc() + self.lease)).rowcount)

    def finish(self, polls: Sequence[Mapping[str, Any]]) -> int:
        """Record these polls and give their feeds back, in one statement (see `save_polls`)."""
        return save_polls(self.engine, polls, self.owner)

    def release(self, url: str) -> None:
        """Give a polled feed back (its next poll time was saved first)."""
        self.release_many([url])

    def release_many(self, urls: Sequence[str]) -> None:
        """Give these feeds back unpolled or already recorded (those still ours), in one statement."""
        if not urls:
            return
        with self.engine.begin() as conn:
            conn.execute(update(feeds).where(and_(feeds.c.url.in_(list(urls)), feeds.c.lease_owner == self.owner))
                         .values(lease_owner=None, lease_until=None))

    def release_all(self) -> int:
        """Give back every feed this worker holds (clean shutdown)."""
        with self.engine.begin() as conn:
            return int(conn.execute(update(feeds).where(feeds.c.lease_owner == self.owner)
                                    .values(lease_owner=None, lease_until=None)).rowcount)


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Run a block while no other worker runs a block of the same name (start-up work such as
    making the configured stories and feeds current); a plain block on SQLite."""
    lock = SessionLock(engine, name)
    try:
        with lock.held():
            yield
    finally:
        lock.close()
