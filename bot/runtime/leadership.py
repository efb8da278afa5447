"""Several `newsdesk-bot run` workers on one PostgreSQL: who leads, and the knobs of sharing the work.

Every worker polls its share of the feeds (claimed with leases) and ingests what they bring; one
worker, the leader, also runs what must happen once: the seeds scan, the daily digests, the outbox
sender and the chat connections. The leader is whoever holds `LeaderLock` (`pg_try_advisory_lock`
on a connection of its own, held for the process's life). PostgreSQL drops the lock the moment the
leader's connection goes (the process died or was killed), and the followers try again every
`retry_seconds`, so another worker leads within about that time plus `grace_seconds`.

A leader that finds its lock connection broken stops sending at once and exits: it can no longer
know that it alone leads. A new leader waits `grace_seconds` (two of the old leader's checks)
before it sends anything, so an old leader cut off from the database has stopped by then.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.store.cluster import LeaderLock

log = logging.getLogger("bot.runtime.leadership")

LEASE_ENV = "NEWSDESK_LEASE_SECONDS"
BATCH_ENV = "NEWSDESK_POLL_BATCH"
TICK_ENV = "NEWSDESK_FEED_TICK_SECONDS"


class WorkerOptionsError(ValueError):
    """A worker setting in the environment is not a usable number; the message says which."""


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise WorkerOptionsError(f"{name} must be a number, not {raw!r}.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise WorkerOptionsError(f"{name} must be from {low:g} to {high:g}, not {raw!r}.")
    return value


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker shares the work: feed tick, lease length, claim batch, leader retry and grace."""

    feed_tick_seconds: float = 15.0
    lease_seconds: float = 60.0  # a dead worker's feed claims expire after this; renewed every third of it
    claim_batch: int = 25  # feeds claimed at a time
    retry_seconds: float = 1.0  # how often a follower tries the leader lock (and a leader checks it)

    @property
    def grace_seconds(self) -> float:
        """How long a new leader waits before sending: two of the old leader's lock checks."""
        return 2 * self.retry_seconds

    @classmethod
    def from_environ(cls, env: Mapping[str, str]) -> WorkerOptions:
        """Read NEWSDESK_FEED_TICK_SECONDS, NEWSDESK_LEASE_SECONDS and NEWSDESK_POLL_BATCH (defaults otherwise)."""
        return cls(feed_tick_seconds=_number(env, TICK_ENV, 15.0, 0.1, 3600),
                   lease_seconds=_number(env, LEASE_ENV, 60.0, 1, 3600),
                   claim_batch=int(_number(env, BATCH_ENV, 25, 1, 10_000)))


class Leadership:
    """Tries the leader lock until it holds it, then watches that it still does (see module docstring)."""

    def __init__(self, lock: LeaderLock, retry_seconds: float = 1.0) -> None:
        self.lock = lock
        self.retry_seconds = retry_seconds
        self.leading = False

    async def try_lead(self) -> bool:
        """One try at the lock; True when this worker leads now."""
        self.leading = await asyncio.to_thread(self.lock.try_acquire)
        return self.leading

    async def watch(self, on_elected: Callable[[], Awaitable[None]], on_lost: Callable[[str], None]) -> None:
        """Forever: as a follower try the lock every `retry_seconds` and call `on_elected` when it is
        ours; as the leader check it as often and call `on_lost` (then return) when it is gone."""
        while True:
            await asyncio.sleep(self.retry_seconds)
            if self.leading:
                if not await asyncio.to_thread(self.lock.still_held):
                    self.leading = False
                    on_lost("lost the leader lock (its database connection broke)")
                    return
            elif await self.try_lead():
                await on_elected()

    def release(self) -> None:
        """Let the lock go (clean shutdown), so a follower leads at its next try."""
        self.lock.release()
        self.leading = False
