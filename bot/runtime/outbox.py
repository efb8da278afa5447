"""The outbox worker: sends what `Delivery` wrote, exactly once per idempotency key.

A row is claimed (status 'sending'), sent, then marked 'sent' with the platform's message id.
A row tried before (it timed out, or the bot died while sending it) may already be on the
platform: ports that can look a key up (`SentLookup`) are asked first, so it is not posted twice.
Replies wait for their parent's message id; edits wait for the post they edit. A rate limit
pauses that platform for `retry_after`; a transient error retries with backoff; a permanent one
marks the row failed with why and disables the subscription it was for, except a refusal of
that one post's content (`ContentRefused`: too large, invalid blocks), which fails the row only.

Several workers: only the leader runs this worker. When a leader dies with a row 'sending', the
next leader's `run` puts it back to pending (`requeue_interrupted`) with its attempt counted, so
it is looked up before it is sent again. What holds then, per platform:
- Matrix: exactly once. The transaction id is the row key, and the new leader logs in with the
  same device and access token (kept in the store on PostgreSQL), so the homeserver answers the
  repeated PUT with the event it already created.
- Slack: exactly once as far as Slack's history shows it: every message carries its key in its
  metadata and `find_sent` reads the channel (or thread) back before posting again. The new
  leader looks at least its grace time (two seconds) after the old one died, so only a post that
  Slack accepted yet still did not show in its history by then could be posted twice.
- Console: at least once (nothing to look a post up in).
A leader that lost its lock connection stops this worker at once, and a new leader waits two lock
checks before starting it, so two leaders never send side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.chat.port import (
    ChatPort,
    ContentRefused,
    PermanentDeliveryError,
    RateLimited,
    SentLookup,
    TransientDeliveryError,
)
from bot.runtime.metrics import Metrics
from bot.store.repo import now_utc
from bot.store.runtime_repo import OutboxRow, RuntimeRepo

log = logging.getLogger("bot.runtime.outbox")

MAX_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 300.0
WAIT_FOR_PARENT_SECONDS = 0.5


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th transient failure (1, 2, 4, ... capped at 5 minutes)."""
    return min(MAX_BACKOFF_SECONDS, 2.0 ** max(0, attempts - 1))


class OutboxWorker:
    """Sends due outbox rows through the ports, one platform at a time in row order."""

    def __init__(self, repo: RuntimeRepo, ports: Mapping[str, ChatPort],
                 clock: Callable[[], datetime] = now_utc, metrics: Metrics | None = None,
                 idle_seconds: float = 5.0) -> None:
        self.repo = repo
        self.metrics = metrics
        self.idle_seconds = idle_seconds  # longest sleep: rows other processes write are seen this soon
        self.ports = dict(ports)
        self.clock = clock
        self._wake = asyncio.Event()
        self._paused: dict[str, datetime] = {}
        self._stopping = False

    def wake(self) -> None:
        """Look at the outbox now (new rows were written)."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the current row and return from `run`."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Send rows until stopped, sleeping until the next row is due or new rows arrive."""
        interrupted = await asyncio.to_thread(self.repo.requeue_interrupted)
        if interrupted:
            log.warning("event=outbox_requeued rows=%d reason=interrupted_while_sending", interrupted)
        while not self._stopping:
            sent = await self.drain_once()
            if self._stopping:
                break
            if sent:
                continue
            self._wake.clear()
            delay = await asyncio.to_thread(self._sleep_seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    def _sleep_seconds(self) -> float:
        nxt = self.repo.next_due(list(self.ports))
        if nxt is None:
            return self.idle_seconds
        return max(0.05, min(self.idle_seconds, (nxt - self.clock()).total_seconds()))

    async def drain_once(self) -> int:
        """Try every due row once; returns how many were sent."""
        now = self.clock()
        platforms = [p for p in self.ports if self._paused.get(p, now) <= now]
        if not platforms:
            return 0
        rows = await asyncio.to_thread(self.repo.due, now, platforms)
        sent = 0
        for row in rows:
            if self._stopping:
                break
            if self._paused.get(row.platform, now) > self.clock():
                continue
            sent += await self._process(row)
        return sent

    def pending_now(self) -> int:
        """Rows for our platforms that are due now or being sent (what `run` still owes at exit)."""
        return self.repo.count_owed(self.clock(), list(self.ports))

    async def _process(self, row: OutboxRow) -> int:
        port = self.ports[row.platform]
        thread: str | None = None
        target: OutboxRow | None = None
        for needed_key, role in ((row.parent_key, "parent"), (row.edit_key, "edited post")):
            if not needed_key:
                continue
            needed = await asyncio.to_thread(self.repo.row, needed_key)
            if needed is None or needed.status == "failed":
                why = f"its {role} could not be sent" + (f": {needed.error}" if needed and needed.error else "")
                await asyncio.to_thread(self.repo.mark_failed, row.id, why)
                log.warning("event=outbox_failed key=%s reason=%r", row.key, why)
                self._count("failed", row.platform)
                return 0
            if needed.status != "sent":
                await asyncio.to_thread(self.repo.postpone, row.id,
                                        self.clock() + timedelta(seconds=WAIT_FOR_PARENT_SECONDS),
                                        f"waiting for its {role}")
                return 0
            if role == "parent":
                thread = needed.message_id
            else:
                target = needed
        if not await asyncio.to_thread(self.repo.claim, row.id):
            return 0
        # the row was read before earlier rows were sent: a fold may have added to it since; once
        # claimed it can no longer change, so send what it holds now
        claimed = await asyncio.to_thread(self.repo.row, row.key)
        if claimed is not None:
            row = dataclasses.replace(row, post=claimed.post)
        try:
            if target is not None and target.message_id:
                await port.edit(row.channel, target.message_id, row.post)
                message_id = target.message_id
            else:
                found = None
                if row.attempts > 0 and isinstance(port, SentLookup):  # an earlier attempt may have landed
                    found = await port.find_sent(row.channel, thread, row.key, row.created_at)
                    if found:
                        log.info("event=outbox_already_sent key=%s platform=%s message=%s", row.key, row.platform,
                                 found)
                message_id = found or await port.send(row.channel, row.post, thread=thread, key=row.key)
        except RateLimited as exc:
            until = self.clock() + timedelta(seconds=exc.retry_after)
            self._paused[row.platform] = until
            await asyncio.to_thread(self.repo.retry_later, row.id, until, f"rate limited: {exc}", False)
            log.warning("event=outbox_rate_limited key=%s platform=%s retry_after=%.1f", row.key, row.platform,
                        exc.retry_after)
            self._count("retried", row.platform, "rate_limited")
            return 0
        except ContentRefused as exc:  # this post's content, not the channel: the subscription stays on
            why = f"the platform refused this post's content: {exc}"
            await asyncio.to_thread(self.repo.mark_failed, row.id, why)
            log.error("event=outbox_failed key=%s reason=%r subscription=kept", row.key, why)
            self._count("failed", row.platform)
            return 0
        except PermanentDeliveryError as exc:
            await asyncio.to_thread(self.repo.mark_failed, row.id, str(exc))
            log.error("event=outbox_failed key=%s reason=%r", row.key, str(exc))
            self._count("failed", row.platform)
            if row.subscription_id is not None:
                await asyncio.to_thread(self.repo.disable_subscription, row.subscription_id, str(exc))
                log.error("event=subscription_disabled id=%s platform=%s channel=%s reason=%r",
                          row.subscription_id, row.platform, row.channel, str(exc))
            return 0
        except (TransientDeliveryError, Exception) as exc:  # any other error is treated as worth a retry
            attempts = row.attempts + 1
            why = f"{exc.__class__.__name__}: {exc}"
            if attempts >= MAX_ATTEMPTS:
                await asyncio.to_thread(self.repo.mark_failed, row.id, f"gave up after {attempts} attempts: {why}")
                log.error("event=outbox_failed key=%s attempts=%d reason=%r", row.key, attempts, why)
                self._count("failed", row.platform)
            else:
                when = self.clock() + timedelta(seconds=backoff(attempts))
                await asyncio.to_thread(self.repo.retry_later, row.id, when, why)
                log.warning("event=outbox_retry key=%s attempts=%d in=%.0fs reason=%r", row.key, attempts,
                            backoff(attempts), why)
                self._count("retried", row.platform, "error")
            return 0
        await asyncio.to_thread(self.repo.mark_sent, row.id, message_id)
        log.info("event=outbox_sent key=%s platform=%s channel=%s message=%s", row.key, row.platform, row.channel,
                 message_id)
        self._count("sent", row.platform)
        return 1

    def _count(self, outcome: str, platform: str, reason: str = "") -> None:
        """Count a send's outcome in the runtime's metrics (when it has any)."""
        if self.metrics is None:
            return
        if outcome == "sent":
            self.metrics.post_sent(platform)
        elif outcome == "retried":
            self.metrics.post_retried(platform, reason)
        else:
            self.metrics.post_failed(platform)
