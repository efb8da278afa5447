"""Polling the configured feeds and feeding what they carry through the ingest pipeline.

Fetches run concurrently (each feed's own limits apply inside the fetcher); ingest runs one
feed at a time in a worker thread, so the store sees one writer and the event loop never blocks.
With several workers on one PostgreSQL, `poll_claimed_feeds` polls only the feeds this worker
claimed (`FeedLeases`: SKIP LOCKED and a lease), in overlapping batches, so the workers share the
feeds and none is polled by two at once. Recording polls and letting leases go is batched: one
statement for every feed of a batch that brought nothing new.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.ingest.fetch import Fetcher, redact
from bot.ingest.fulltext import FulltextBudget
from bot.ingest.guard import FetchPolicy
from bot.ingest.pipeline import IngestReport
from bot.ingest.poll import FeedState, PollOutcome, poll_feed
from bot.runtime.core import Core
from bot.runtime.metrics import Metrics
from bot.store.cluster import FeedLeases, save_polls

log = logging.getLogger(__name__)


def fetch_policy(core: Core) -> FetchPolicy:
    """The fetch limits and allow-list for this deployment."""
    return FetchPolicy(allow=core.settings.fetch_allow)


def _state_of(row: dict[str, Any]) -> FeedState:
    return FeedState(url=row["url"], etag=row["etag"], last_modified=row["last_modified"], body_hash=row["body_hash"],
                     error_count=row["error_count"], last_error=row["last_error"], last_polled=row["last_polled"],
                     next_poll=row["next_poll"], interval_seconds=row["interval_seconds"],
                     title=row["title"] or None, fulltext=row["fulltext"])


def poll_record(outcome: PollOutcome, items_seen: int) -> dict[str, Any]:
    """The feed columns a poll sets (for `save_polls`); a feed without a configured title keeps the
    title the feed gives itself (``title`` None: the stored one stays)."""
    state = outcome.state
    status = "error" if outcome.error else ("ok" if outcome.items is not None else "ok, unchanged")
    return {"url": state.url, "etag": state.etag, "last_modified": state.last_modified, "body_hash": state.body_hash,
            "last_status": status, "error_count": state.error_count, "last_error": outcome.error,
            "last_polled": state.last_polled, "next_poll": state.next_poll, "items_seen": items_seen,
            "title": state.title if state.title and not outcome.error else None}


def save_outcome(core: Core, outcome: PollOutcome, items_seen: int) -> None:
    """Record how one poll went (see `poll_record`)."""
    save_polls(core.store.engine, [poll_record(outcome, items_seen)])


def _changed(outcome: PollOutcome) -> bool:
    return outcome.items is not None and not outcome.error


async def _fetch_all(core: Core, fetcher: Fetcher, rows: Sequence[dict[str, Any]], now: datetime,
                     on_fetched: Callable[[PollOutcome], None] | None = None) -> list[PollOutcome]:
    """Poll these feeds concurrently (the fetcher's limits apply); `on_fetched` hears of each as it ends."""
    settings = core.settings
    budget = FulltextBudget(settings.fulltext_per_poll, settings.fulltext_per_host)

    async def one(row: dict[str, Any]) -> PollOutcome:
        outcome = await poll_feed(fetcher, _state_of(row), now, max_items=settings.max_items_per_feed, budget=budget)
        if on_fetched is not None:
            on_fetched(outcome)
        return outcome

    outcomes = await asyncio.gather(*(one(row) for row in rows))
    if budget.refused:
        log.info("event=fulltext_capped skipped=%d per_poll=%d per_host=%d", budget.refused,
                 settings.fulltext_per_poll, settings.fulltext_per_host)
    return outcomes


async def _record_and_ingest(core: Core, rows: Sequence[dict[str, Any]], outcomes: Sequence[PollOutcome],
                             lock: asyncio.Lock, metrics: Metrics | None, record: Callable[[list[dict[str, Any]]], Any],
                             on_ingested: Callable[[], None] | None = None) -> IngestReport:
    """Record the feeds that brought nothing new (or failed) in one statement, then ingest the
    changed ones one by one, each recorded right after its ingest."""
    report = IngestReport()
    pairs = list(zip(rows, outcomes, strict=True))
    quiet: list[dict[str, Any]] = []
    for row, outcome in pairs:
        if _changed(outcome):
            continue
        if metrics is not None:
            metrics.feed_polled(row["url"], outcome.error)
        if outcome.error:
            log.warning("event=feed_failed url=%s failures=%d error=%r", redact(row["url"]),
                        outcome.state.error_count, outcome.error)
            report.failures.append(f"{row['url']}: {outcome.error}")
        quiet.append(poll_record(outcome, row["items_seen"]))
    if quiet:
        await asyncio.to_thread(record, quiet)
    for row, outcome in pairs:
        if not _changed(outcome) or outcome.items is None:
            continue
        if metrics is not None:
            metrics.feed_polled(row["url"], None)
        async with lock:
            began = time.perf_counter()
            result = await asyncio.to_thread(core.pipeline.ingest, outcome.items)
        if metrics is not None:
            metrics.ingested("feed", result, time.perf_counter() - began)
        log.info("event=feed_ingested url=%s items=%d added=%d updates=%d", redact(row["url"]),
                 len(outcome.items), result.added, len(result.updates))
        report.merge(result)
        await asyncio.to_thread(record, [poll_record(outcome, len(outcome.items))])
        if on_ingested is not None:
            on_ingested()
    return report


async def poll_feeds(core: Core, fetcher: Fetcher, rows: Sequence[dict[str, Any]], now: datetime,
                     ingest_lock: asyncio.Lock | None = None, metrics: Metrics | None = None) -> IngestReport:
    """Poll the given feeds now and ingest whatever changed; failures are recorded, never raised.

    `ingest_lock`, when given, is held around each ingest (never around fetching), so a feed poll
    and a seeds scan never write to the store at once and updates are committed in id order.
    Feeds that brought nothing new (or failed) are recorded first, all in one statement, then the
    changed ones are ingested one by one, each recorded right after.
    """
    outcomes = await _fetch_all(core, fetcher, rows, now)
    return await _record_and_ingest(core, rows, outcomes, ingest_lock or asyncio.Lock(), metrics,
                                    functools.partial(save_polls, core.store.engine))


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


@dataclass
class _Pace:
    """What one worker's claimed polls are doing, so `poll_claimed_feeds` knows when to claim more."""

    fetching: int = 0  # claimed feeds whose fetch has not ended
    to_ingest: int = 0  # fetched feeds that changed and wait for (or are in) their ingest
    batches: int = 0  # claimed batches not finished
    ready: bool = True  # may claim: a fetch ended since the last claim (a batch ended, after a claim found none)
    dry: bool = False  # the last claim found nothing due
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def claimed(self, count: int) -> None:
        self.fetching += count
        self.batches += 1 if count else 0
        self.ready, self.dry = False, not count

    def fetched(self, outcome: PollOutcome) -> None:
        self.fetching -= 1
        self.ready = self.ready or not self.dry
        if _changed(outcome):
            self.to_ingest += 1
        self.wake.set()

    def ingested(self) -> None:
        self.to_ingest -= 1
        self.wake.set()


async def poll_claimed_feeds(core: Core, fetcher: Fetcher, leases: FeedLeases, clock: Callable[[], datetime],
                             ingest_lock: asyncio.Lock | None = None, slack: timedelta = timedelta(0),
                             batch: int = 25, metrics: Metrics | None = None,
                             in_flight: int | None = None) -> IngestReport:
    """Claim due feeds a batch at a time and poll them, until no unclaimed feed is due.

    Each feed's outcome (next poll time included) is saved in the statement that lets its lease go
    (`FeedLeases.finish`, one statement for all the feeds of a batch that brought nothing new), so
    another worker never sees it due again in between. Batches overlap: another is claimed (one
    statement) once a fetch of the last one has ended and up to `in_flight` feeds (default four
    batches) are being fetched, so one slow feed does not hold up the rest; but not while feeds
    this worker fetched wait for their ingest, which another worker may as well do. The lease of
    a worker that dies mid-poll expires and the feed is polled again. Each claim reads the clock
    afresh: the next poll is counted from when the poll really ran.
    """
    lock = ingest_lock or asyncio.Lock()
    most = max(1, in_flight or 4 * batch)
    report = IngestReport()
    pace = _Pace()
    async with asyncio.TaskGroup() as group:
        while True:
            pace.wake.clear()
            room = most - pace.fetching
            if pace.ready and not pace.to_ingest and room >= max(1, min(batch, most) // 2):
                now = clock()
                rows = await asyncio.to_thread(leases.claim_due, now, slack, min(batch, room))
                pace.claimed(len(rows))
                if rows:
                    log.info("event=feeds_claimed count=%d worker=%s", len(rows), leases.owner)
                    group.create_task(_poll_batch(core, fetcher, leases, rows, now, lock, metrics, pace, report))
                    continue
            if not pace.batches:
                return report
            await pace.wake.wait()


async def _poll_batch(core: Core, fetcher: Fetcher, leases: FeedLeases, rows: list[dict[str, Any]], now: datetime,
                      lock: asyncio.Lock, metrics: Metrics | None, pace: _Pace, report: IngestReport) -> None:
    """One claimed batch: fetch, record, ingest; a batch that failed as a whole hands its feeds back
    (those not recorded are still due)."""
    fetched: list[PollOutcome] = []
    ingested = 0

    def on_fetched(outcome: PollOutcome) -> None:
        fetched.append(outcome)
        pace.fetched(outcome)

    def on_ingested() -> None:
        nonlocal ingested
        ingested += 1
        pace.ingested()

    try:
        outcomes = await _fetch_all(core, fetcher, rows, now, on_fetched)
        report.merge(await _record_and_ingest(core, rows, outcomes, lock, metrics, leases.finish, on_ingested))
    except BaseException:
        await asyncio.to_thread(leases.release_many, [row["url"] for row in rows])
        raise
    finally:
        pace.fetching -= len(rows) - len(fetched)
        pace.to_ingest -= sum(1 for o in fetched if _changed(o)) - ingested
        pace.batches -= 1
        pace.ready = True
        pace.wake.set()


async def ingest_feed_urls(core: Core, urls: Sequence[str]) -> IngestReport:
    """Fetch feed URLs once and ingest them (used by `newsdesk-bot ingest URL`); they are remembered as sources."""
    for url in urls:
        known = {row["url"] for row in core.store.feed_rows()}
        if url not in known:
            core.store.upsert_feed(url, defined_in="cli", interval_seconds=core.settings.default_poll_seconds)
    rows = [row for row in core.store.feed_rows() if row["url"] in set(urls)]
    async with Fetcher(fetch_policy(core)) as fetcher:
        return await poll_feeds(core, fetcher, rows, datetime.now(UTC))
