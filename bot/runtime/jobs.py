"""The runtime's scheduled work: the seeds scan, the feed polls, live posts after each ingest and the daily digests.

`Jobs` owns the scheduler and what its jobs share: one ingest at a time, the feed fetcher, when
the feed tick last ran (for /healthz) and the jobs running now (so a stop lets them finish their
store writes). Daily digest jobs are rebuilt from the persisted subscriptions; a digest missed
while the bot was down is caught up once. `Runtime` decides when each job is scheduled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain import RawArticle
from bot.ingest.fetch import Fetcher
from bot.ingest.pipeline import IngestReport
from bot.runtime.core import Core
from bot.runtime.delivery import Delivery
from bot.runtime.feeds import fetch_policy, poll_claimed_feeds, poll_due_feeds
from bot.runtime.leadership import WorkerOptions
from bot.runtime.metrics import Metrics
from bot.runtime.outbox import OutboxWorker
from bot.runtime.schedule import daily_trigger, previous_daily
from bot.store.cluster import FeedLeases
from bot.store.runtime_repo import RuntimeRepo, Subscription

log = logging.getLogger("bot.runtime")  # the runtime's events keep one logger name


class Jobs:
    """The scheduler and the jobs it runs, for one `Runtime`."""

    def __init__(self, core: Core, repo: RuntimeRepo, delivery: Delivery, worker: OutboxWorker, metrics: Metrics,
                 clock: Callable[[], datetime], options: WorkerOptions, leases: FeedLeases | None,
                 first_scan: asyncio.Event) -> None:
        self.core = core
        self.repo = repo
        self.delivery = delivery
        self.worker = worker
        self.metrics = metrics
        self.clock = clock
        self.options = options
        self.leases = leases  # this worker's feed claims (PostgreSQL), or None: it polls every due feed
        self.first_scan = first_scan  # set: no scan pending
        self.feed_tick_seconds = options.feed_tick_seconds
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.feed_tick: float | None = None  # monotonic time the feed tick last started or finished
        self._ingest_lock = asyncio.Lock()  # one ingest at a time: seeds scan and feed poll share the store
        self._fetcher: Fetcher | None = None
        self._jobs: set[asyncio.Task[object]] = set()

    async def open_fetcher(self) -> None:
        """Open the HTTP fetcher the feed polls share (before the first poll is scheduled)."""
        self._fetcher = Fetcher(fetch_policy(self.core))
        await self._fetcher.__aenter__()

    async def close_fetcher(self) -> None:
        """Release the fetcher's connections (polls scheduled after this fetch nothing)."""
        if self._fetcher is not None:
            await self._fetcher.close()
            self._fetcher = None

    async def finish_running(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for the scans, polls and digests running now (not the caller) to finish,
        so a stop does not cut their store writes short."""
        running = self._jobs - {asyncio.current_task()}
        if running:
            await asyncio.wait(running, timeout=timeout)

    def _track_job(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._jobs.add(task)
            task.add_done_callback(self._jobs.discard)

    async def scan_seeds(self) -> IngestReport:
        """Ingest new or changed files in the seeds folder and deliver what they bring."""
        self._track_job()
        report = IngestReport()
        seeds = self.core.settings.seeds_dir
        try:
            if seeds.exists():
                async with self._ingest_lock:
                    began = time.perf_counter()
                    report = await asyncio.to_thread(self.core.pipeline.ingest_paths, [seeds])
                self.metrics.ingested("seeds", report, time.perf_counter() - began)
                if report.added or report.revised or report.failures:
                    log.info("event=seeds_scanned %s", _report_fields(report))
            await asyncio.to_thread(self.repo.set_state, "last_seeds_scan", self.clock().isoformat())
            await self.after_ingest()
        except Exception:
            log.exception("event=seeds_scan_failed")
        finally:
            self.first_scan.set()
        return report

    async def poll_feeds(self) -> IngestReport:
        """Poll the feeds that are due, deliver what they bring, and tell channels about feed trouble."""
        self._track_job()
        report = IngestReport()
        if self._fetcher is None:
            return report
        self.feed_tick = time.monotonic()
        try:
            slack = timedelta(seconds=self.feed_tick_seconds / 2)
            if self.leases is not None:
                report = await poll_claimed_feeds(self.core, self._fetcher, self.leases, self.clock,
                                                  self._ingest_lock, slack, self.options.claim_batch, self.metrics)
            else:
                report = await poll_due_feeds(self.core, self._fetcher, self.clock(), self._ingest_lock, slack=slack,
                                              metrics=self.metrics)
            await asyncio.to_thread(self.repo.set_state, "last_feed_poll", self.clock().isoformat())
            await asyncio.to_thread(self.delivery.check_feed_health)
            await self.after_ingest()
        except Exception:
            log.exception("event=feed_poll_failed")
        self.feed_tick = time.monotonic()
        return report

    async def ingest_items(self, items: list[RawArticle]) -> int:
        """Ingest articles read outside a poll (a feed just added) and deliver what they bring; returns how many
        were new."""
        async with self._ingest_lock:
            began = time.perf_counter()
            report = await asyncio.to_thread(self.core.pipeline.ingest, items)
        self.metrics.ingested("command", report, time.perf_counter() - began)
        await self.after_ingest()
        return report.added

    async def after_ingest(self) -> None:
        """Write live posts for updates found since the last delivery and wake the worker."""
        written = await asyncio.to_thread(self.delivery.dispatch_updates)
        if written:
            log.info("event=live_dispatched rows=%d", written)
        self.worker.wake()

    async def run_digest(self, sub_id: int, fire_time: datetime | None = None) -> int:
        """Write one subscription's daily digest to the outbox (nothing on a quiet day)."""
        self._track_job()
        try:
            written = await asyncio.to_thread(self.delivery.queue_digest, sub_id, fire_time)
        except Exception:
            log.exception("event=digest_failed subscription=%s", sub_id)
            return 0
        self.worker.wake()
        return written

    def schedule_digest(self, sub: Subscription) -> None:
        """(Re)create the daily digest job of a subscription at its local time."""
        job_id = f"digest:{sub.id}"
        if sub.mode != "daily" or not sub.enabled or not sub.daily_at:
            if self.scheduler.get_job(job_id):
                self.scheduler.remove_job(job_id)
            return
        self.scheduler.add_job(self.run_digest, daily_trigger(sub.daily_at, sub.timezone), args=[sub.id],
                               id=job_id, replace_existing=True, misfire_grace_time=3600, coalesce=True,
                               max_instances=1)
        log.info("event=digest_scheduled subscription=%s at=%s tz=%s", sub.id, sub.daily_at, sub.timezone)

    async def catch_up(self, sub: Subscription, now: datetime) -> None:
        """Send a digest whose time passed while the bot was down (once: its key is the local day)."""
        if sub.mode != "daily" or not sub.daily_at:
            return
        last_fire = previous_daily(sub.daily_at, sub.timezone, now)
        if sub.created_at < last_fire and (sub.last_digest_at is None or sub.last_digest_at < last_fire) \
                and now - last_fire < timedelta(hours=12):
            log.info("event=digest_catch_up subscription=%s due=%s", sub.id, last_fire.isoformat())
            await self.run_digest(sub.id, last_fire)

    def subscription_changed(self, sub: Subscription | None, removed: int | None) -> None:
        """Follow a chat command's change: (re)schedule a new or changed subscription's digest, drop a removed one's."""
        if sub is not None:
            self.schedule_digest(sub)
        if removed is not None and self.scheduler.get_job(f"digest:{removed}"):
            self.scheduler.remove_job(f"digest:{removed}")


def _report_fields(report: IngestReport) -> str:
    return (f"added={report.added} revised={report.revised} merged={report.merged} unchanged={report.unchanged} "
            f"updates={len(report.updates)} failures={len(report.failures)}")
