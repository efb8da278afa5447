"""Polling the configured feeds and feeding what they carry through the ingest pipeline.

Fetches run concurrently (each feed's own limits apply inside the fetcher); ingest runs one
feed at a time in a worker thread, so the store sees one writer and the event loop never blocks.
With several workers on one PostgreSQL, `poll_claimed_feeds` polls only the feeds this worker
claimed (`FeedLeases`: SKIP LOCKED and a lease), a batch at a time, so the workers share the feeds
and none is polled by two at once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.ingest.fetch import Fetcher, redact
from bot.ingest.fulltext import FulltextBudget
from bot.ingest.guard import FetchPolicy
from bot.ingest.pipeline import IngestReport
from bot.ingest.poll import FeedState, PollOutcome, poll_feed
from bot.runtime.core import Core
from bot.runtime.metrics import Metrics
from bot.store.cluster import FeedLeases

log = logging.getLogger(__name__)


def fetch_policy(core: Core) -> FetchPolicy:
    """The fetch limits and allow-list for this deployment."""
    return FetchPolicy(allow=core.settings.fetch_allow)


def _state_of(row: dict[str, Any]) -> FeedState:
    return FeedState(url=row["url"], etag=row["etag"], last_modified=row["last_modified"], body_hash=row["body_hash"],
                     error_count=row["error_count"], last_error=row["last_error"], last_polled=row["last_polled"],
                     next_poll=row["next_poll"], interval_seconds=row["interval_seconds"],
                     title=row["title"] or None, fulltext=row["fulltext"])


def save_outcome(core: Core, outcome: PollOutcome, items_seen: int) -> None:
    """Record how a poll went; a feed without a configured title keeps the title the feed gives itself."""
    state = outcome.state
    status = "error" if outcome.error else ("ok" if outcome.items is not None else "ok, unchanged")
    named = {"title": state.title} if state.title and not outcome.error else {}
    core.store.save_feed_state(
        state.url, etag=state.etag, last_modified=state.last_modified, body_hash=state.body_hash,
        last_status=status, error_count=state.error_count,
        last_error=outcome.error, last_polled=state.last_polled, next_poll=state.next_poll, items_seen=items_seen,
        **named)


async def poll_feeds(core: Core, fetcher: Fetcher, rows: Sequence[dict[str, Any]], now: datetime,
                     ingest_lock: asyncio.Lock | None = None, metrics: Metrics | None = None,
                     on_saved: Callable[[str], None] | None = None) -> IngestReport:
    """Poll the given feeds now and ingest whatever changed; failures are recorded, never raised.

    `ingest_lock`, when given, is held around each ingest (never around fetching), so a feed poll
    and a seeds scan never write to the store at once and updates are committed in id order.
    Feeds that brought nothing new (or failed) are recorded first, then the changed ones are
    ingested one by one; `on_saved(url)` runs (in a worker thread) right after each feed's outcome
    is recorded, so a claimed feed can be handed back without waiting for the others' ingest.
    """
    lock = ingest_lock or asyncio.Lock()
    report = IngestReport()
    settings = core.settings
    budget = FulltextBudget(settings.fulltext_per_poll, settings.fulltext_per_host)
    outcomes = await asyncio.gather(*(poll_feed(fetcher, _state_of(row), now, max_items=settings.max_items_per_feed,
                                                budget=budget) for row in rows))
    if budget.refused:
        log.info("event=fulltext_capped skipped=%d per_poll=%d per_host=%d", budget.refused,
                 settings.fulltext_per_poll, settings.fulltext_per_host)
    pairs = list(zip(rows, outcomes, strict=True))
    for row, outcome in sorted(pairs, key=lambda pair: pair[1].items is not None and not pair[1].error):
        items_seen = row["items_seen"]
        if metrics is not None:
            metrics.feed_polled(row["url"], outcome.error)
        if outcome.error:
            log.warning("event=feed_failed url=%s failures=%d error=%r", redact(row["url"]),
                        outcome.state.error_count, outcome.error)
            report.failures.append(f"{row['url']}: {outcome.error}")
        elif outcome.items is not None:
            items_seen = len(outcome.items)
            async with lock:
                began = time.perf_counter()
                result = await asyncio.to_thread(core.pipeline.ingest, outcome.items)
            if metrics is not None:
                metrics.ingested("feed", result, time.perf_counter() - began)
            log.info("event=feed_ingested url=%s items=%d added=%d updates=%d", redact(row["url"]),
                     len(outcome.items), result.added, len(result.updates))
            report.merge(result)
        await asyncio.to_thread(_save_and_tell, core, row["url"], outcome, items_seen, on_saved)
    return report


def _save_and_tell(core: Core, url: str, outcome: PollOutcome, items_seen: int,
                   on_saved: Callable[[str], None] | None) -> None:
    save_outcome(core, outcome, items_seen)
    if on_saved is not None:
        on_saved(url)


async def poll_due_feeds(core: Core, fetcher: Fetcher, now: datetime | None = None,
                         ingest_lock: asyncio.Lock | None = None, slack: timedelta = timedelta(0),
                         metrics: Metrics | None = None) -> IngestReport:
    """Poll every feed whose next poll time has come (ingesting under `ingest_lock`).

    A feed due within `slack` of now counts as due: the runtime passes half its tick, so a feed is
    not held back a whole tick by microseconds between two clock readings.
    """
    moment = now or datetime.now(UTC)
    rows = [row for row in await asyncio.to_thread(core.store.feed_rows)
            if row["next_poll"] is None or row["next_poll"] <= moment + slack]
    if not rows:
        return IngestReport()
    return await poll_feeds(core, fetcher, rows, moment, ingest_lock, metrics)


async def poll_claimed_feeds(core: Core, fetcher: Fetcher, leases: FeedLeases, clock: Callable[[], datetime],
                             ingest_lock: asyncio.Lock | None = None, slack: timedelta = timedelta(0),
                             batch: int = 25, metrics: Metrics | None = None) -> IngestReport:
    """Claim due feeds a batch at a time and poll them, until no unclaimed feed is due.

    Each feed's outcome (next poll time included) is saved before its lease is let go, so another
    worker never sees it due again in between. A batch bounds how much one worker takes while the
    others are free; the lease of a worker that dies mid-poll expires and the feed is polled again.
    Each batch reads the clock afresh: the next poll is counted from when the poll really ran, not
    from when an earlier (slow) batch started.
    """
    report = IngestReport()
    while True:
        now = clock()
        rows = await asyncio.to_thread(leases.claim_due, now, slack, batch)
        if not rows:
            return report
        log.info("event=feeds_claimed count=%d worker=%s", len(rows), leases.owner)
        released: set[str] = set()
        try:
            report.merge(await poll_feeds(core, fetcher, rows, now, ingest_lock, metrics,
                                          on_saved=functools.partial(_release, leases, released)))
        finally:  # a poll that failed as a whole: hand its feeds back (they are still due)
            for row in rows:
                if row["url"] not in released:
                    await asyncio.to_thread(leases.release, row["url"])


def _release(leases: FeedLeases, released: set[str], url: str) -> None:
    leases.release(url)
    released.add(url)


async def ingest_feed_urls(core: Core, urls: Sequence[str]) -> IngestReport:
    """Fetch feed URLs once and ingest them (used by `newsdesk-bot ingest URL`); they are remembered as sources."""
    for url in urls:
        known = {row["url"] for row in core.store.feed_rows()}
        if url not in known:
            core.store.upsert_feed(url, defined_in="cli", interval_seconds=core.settings.default_poll_seconds)
    rows = [row for row in core.store.feed_rows() if row["url"] in set(urls)]
    async with Fetcher(fetch_policy(core)) as fetcher:
        return await poll_feeds(core, fetcher, rows, datetime.now(UTC))
