"""The bot runtime: scheduler, outbox worker, command router and chat adapters in one asyncio process.

`Runtime.start` schedules the seeds rescan, the feed polls and each daily digest (rebuilt from
the persisted subscriptions, so they survive a restart; a digest missed while the bot was down is
sent on start), starts the outbox worker and every adapter. Everything found is written to the
outbox first and sent from there.

On PostgreSQL several runtimes share the work (`bot.runtime.leadership`): each polls the feeds it
claims and ingests them; the leader alone scans seeds/, runs the digests, the outbox worker and the
adapters, and a follower takes those over when the leader dies. `Runtime.role` says which this
one is ("single" on SQLite, where one process runs).

The scheduled work lives in `bot.runtime.jobs`, the handling of incoming messages in
`bot.runtime.incoming`; `Runtime` wires them and runs the lifecycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.chart.post import page_chart
from bot.chat.console import ConsoleAdapter
from bot.chat.port import ChatPort
from bot.chat.router import Ask
from bot.domain import IncomingMessage, RawArticle
from bot.ingest.pipeline import IngestReport
from bot.runtime.commands import RuntimeCommands
from bot.runtime.core import Core
from bot.runtime.delivery import Delivery
from bot.runtime.health import runtime_health
from bot.runtime.incoming import Incoming
from bot.runtime.jobs import Jobs
from bot.runtime.leadership import Leadership, WorkerOptions
from bot.runtime.metrics import Metrics
from bot.runtime.outbox import OutboxWorker
from bot.runtime.story_commands import StoryCommands
from bot.store.cluster import FeedLeases, LeaderLock, is_shared, worker_id
from bot.store.repo import now_utc
from bot.store.runtime_repo import RuntimeRepo, Subscription
from bot.web.health import Health
from bot.web.pages import add_story_pages
from bot.web.server import WebServer, WebStartError

log = logging.getLogger("bot.runtime")

FEED_TICK_SECONDS = 15.0

HANDLED_MESSAGES_KEPT = timedelta(days=2)


class AdapterStartError(Exception):
    """A chat platform could not be connected at start; the message says which and why."""


class Runtime:
    """Everything `newsdesk-bot run` does, for any set of chat ports."""

    def __init__(self, core: Core, ports: Sequence[ChatPort], ask: Ask | None = None,
                 clock: Callable[[], datetime] = now_utc, feed_tick_seconds: float = FEED_TICK_SECONDS,
                 options: WorkerOptions | None = None) -> None:
        self.core = core
        self.clock = clock
        self.repo = RuntimeRepo(core.store.engine)
        self.delivery = Delivery(core, self.repo, clock)
        self.ports = {p.platform: p for p in ports}
        self.options = options or WorkerOptions(feed_tick_seconds=feed_tick_seconds)
        self.shared = is_shared(core.store.engine)  # several workers may run on this store
        self.worker_id = worker_id()
        self.leases: FeedLeases | None = None
        self.leadership: Leadership | None = None
        if self.shared:
            self.leases = FeedLeases(core.store.engine, self.worker_id, self.options.lease_seconds)
            self.leadership = Leadership(LeaderLock(core.store.engine), self.options.retry_seconds)
        self.failed = asyncio.Event()  # set when this worker must stop (it lost the leader lock, ...)
        self.failure = ""
        self.metrics = Metrics(self._outbox_length, lambda: self.ports)
        self.web = WebServer(self._health, self.metrics.registry)  # other modules may add routes to web.app
        add_story_pages(self.web.app, core.store, core.settings,
                        chart=lambda story_id: page_chart(core.store, story_id, self.clock()))
        # rows written by followers reach the leader's outbox worker within a second
        self.worker = OutboxWorker(self.repo, self.ports, clock, self.metrics,
                                   idle_seconds=1.0 if self.shared else 5.0)
        self.first_scan = asyncio.Event()  # set: no scan pending; `start` clears it until its first scan
        self.first_scan.set()
        self.jobs = Jobs(core, self.repo, self.delivery, self.worker, self.metrics, clock, self.options, self.leases,
                         self.first_scan)
        self.scheduler = self.jobs.scheduler
        self.feed_tick_seconds = self.options.feed_tick_seconds
        self.incoming = Incoming(core, self.repo, self.ports, self.metrics, self.first_scan, clock, ask or core.ask,
                                 self.shared, self.worker_id)
        self.router = self.incoming.router
        self.questions = self.incoming.questions
        RuntimeCommands(self.router, core, self.repo, self.jobs.subscription_changed, self.incoming.leave_after_reply,
                        self.jobs.ingest_items, lambda: self.scheduler.running)
        StoryCommands(self.router, core)
        self._tasks: list[asyncio.Task[None]] = []

    # ---- lifecycle -----------------------------------------------------------------------
    @property
    def role(self) -> str:
        """"single" (SQLite: this process does everything), "leader" or "follower" (PostgreSQL)."""
        if self.leadership is None:
            return "single"
        return "leader" if self.leadership.leading else "follower"

    async def start(self, start_adapters: bool = True) -> None:
        """Schedule the feed polls; then, when this runtime leads (always on SQLite), the seeds scan,
        the digests, the outbox worker and (optionally) the adapters. A follower keeps trying to lead."""
        self.first_scan.clear()
        listen = self.core.settings.http_listen
        if listen is not None:  # first, so /healthz answers (503) while the rest starts
            try:
                await self.web.start(*listen)
            except WebStartError as exc:
                raise AdapterStartError(f"HTTP server: {exc}") from exc
        await asyncio.to_thread(self.delivery.init_cursor)
        await self.jobs.open_fetcher()
        now = self.clock()
        self.scheduler.add_job(self.jobs.poll_feeds, "interval", seconds=self.feed_tick_seconds, id="feeds",
                               next_run_time=now, max_instances=1, coalesce=True)
        if self.leases is not None:
            self.scheduler.add_job(self._renew_leases, "interval", seconds=max(0.5, self.options.lease_seconds / 3),
                                   id="leases", max_instances=1, coalesce=True)
        self.scheduler.start()
        if self.leadership is None or await self.leadership.try_lead():
            try:
                await self._lead(now, start_adapters)
            except AdapterStartError:
                await self.stop()
                raise
        else:
            self.first_scan.set()  # a follower scans nothing and answers nobody
        if self.leadership is not None:
            self._tasks.append(asyncio.create_task(
                self.leadership.watch(functools.partial(self._take_over, start_adapters), self._fail),
                name="leadership"))
        log.info("event=runtime_started role=%s worker=%s platforms=%s seeds_every=%ss feeds_every=%ss",
                 self.role, self.worker_id, ",".join(self.ports), self.core.settings.seeds_rescan_seconds,
                 self.feed_tick_seconds)

    async def _lead(self, now: datetime, start_adapters: bool) -> None:
        """Start what only the leader runs: seeds scan, digests (and missed ones), outbox worker, adapters."""
        self.scheduler.add_job(self.jobs.scan_seeds, "interval", seconds=self.core.settings.seeds_rescan_seconds,
                               id="seeds", next_run_time=now, max_instances=1, coalesce=True, replace_existing=True)
        subs = await asyncio.to_thread(self.repo.subscriptions, None, None, None, True)
        for sub in subs:
            self.jobs.schedule_digest(sub)
        if self.shared:
            await asyncio.to_thread(self.repo.forget_messages, now - HANDLED_MESSAGES_KEPT)
        self._tasks.append(asyncio.create_task(self.worker.run(), name="outbox"))
        for sub in subs:
            await self.jobs.catch_up(sub, now)
        if start_adapters:
            for port in self.ports.values():
                if isinstance(port, ConsoleAdapter):  # reads until end of input: runs alongside
                    self._tasks.append(asyncio.create_task(self.incoming.run_adapter(port),
                                                           name=f"adapter:{port.platform}"))
                else:  # connects and returns; a failure to connect stops start-up with its reason
                    try:
                        await port.start(self.incoming.on_message_for(port))
                    except Exception as exc:
                        raise AdapterStartError(f"{port.platform}: {exc}") from exc
        log.info("event=leading worker=%s subscriptions=%d", self.worker_id, len(subs))

    async def _take_over(self, start_adapters: bool) -> None:
        """This follower holds the leader lock now: wait out the grace time, then lead."""
        log.info("event=leader_elected worker=%s grace=%.1fs", self.worker_id, self.options.grace_seconds)
        await asyncio.sleep(self.options.grace_seconds)  # an old leader cut off from the database stops first
        try:
            await self._lead(self.clock(), start_adapters)
        except AdapterStartError as exc:
            self._fail(f"cannot start {exc}")

    def _fail(self, why: str) -> None:
        """Stop sending at once and tell whoever runs us (`failed`) to stop this worker."""
        self.failure = why
        self.worker.stop()
        log.error("event=worker_stopping worker=%s reason=%r", self.worker_id, why)
        self.failed.set()

    async def _renew_leases(self) -> None:
        if self.leases is not None:
            try:
                await asyncio.to_thread(self.leases.renew)
            except Exception:
                log.exception("event=lease_renew_failed worker=%s", self.worker_id)

    async def stop(self) -> None:
        """Stop the scheduler, the worker and the adapters, then release the fetcher."""
        if self.scheduler.running:
            self.scheduler.pause()  # no new runs; shutting down now would cancel the running ones
        await self.jobs.finish_running(timeout=15)  # a scan, poll or digest in progress finishes its store writes
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.worker.stop()
        for port in self.ports.values():
            with contextlib.suppress(Exception):
                await port.stop()
        for task in self._tasks:
            if task.get_name() != "outbox":
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=5)
        self._tasks.clear()
        await self.jobs.close_fetcher()
        await self.web.stop()
        await asyncio.to_thread(self._release_shared)
        log.info("event=runtime_stopped")

    def _release_shared(self) -> None:
        """Give back feed claims, the leader lock and the lock connections (a clean exit hands over at once)."""
        if self.leases is not None:
            with contextlib.suppress(Exception):
                self.leases.release_all()
        if self.leadership is not None:
            self.leadership.release()
        self.delivery.close()

    async def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every post due now has been sent or given up on; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        await asyncio.wait_for(self.first_scan.wait(), timeout=timeout)
        while loop.time() < deadline:
            self.worker.wake()
            if await asyncio.to_thread(self.worker.pending_now) == 0:
                return True
            await asyncio.sleep(0.05)
        return False

    # ---- incoming ------------------------------------------------------------------------
    async def handle(self, port: ChatPort, message: IncomingMessage) -> None:
        """Answer one message: the router's posts as replies, each reply tree threaded under its head."""
        await self.incoming.handle(port, message)

    # ---- jobs ----------------------------------------------------------------------------
    async def scan_seeds(self) -> IngestReport:
        """Ingest new or changed files in the seeds folder and deliver what they bring."""
        return await self.jobs.scan_seeds()

    async def poll_feeds(self) -> IngestReport:
        """Poll the feeds that are due, deliver what they bring, and tell channels about feed trouble."""
        return await self.jobs.poll_feeds()

    async def ingest_items(self, items: list[RawArticle]) -> int:
        """Ingest articles read outside a poll (a feed just added) and deliver what they bring; returns how many
        were new."""
        return await self.jobs.ingest_items(items)

    async def after_ingest(self) -> None:
        """Write live posts for updates found since the last delivery and wake the worker."""
        await self.jobs.after_ingest()

    async def run_digest(self, sub_id: int, fire_time: datetime | None = None) -> int:
        """Write one subscription's daily digest to the outbox (nothing on a quiet day)."""
        return await self.jobs.run_digest(sub_id, fire_time)

    def schedule_digest(self, sub: Subscription) -> None:
        """(Re)create the daily digest job of a subscription at its local time."""
        self.jobs.schedule_digest(sub)

    async def room_replaced(self, old: str, new: str, platform: str = "matrix") -> None:
        """Follow a room upgrade: subscriptions and unsent posts of the old room go to the new one."""
        moved = await asyncio.to_thread(self.repo.move_channel, platform, old, new)
        log.info("event=room_replaced platform=%s old=%s new=%s subscriptions=%d", platform, old, new, moved)
        self.worker.wake()

    async def _health(self) -> Health:
        """What /healthz reports; a follower runs no chat adapters, so it reports none."""
        role = self.role
        return await runtime_health(self.core.store.engine, self.scheduler, self.jobs.feed_tick, self.feed_tick_seconds,
                                    role, self.ports if role != "follower" else {})

    def _outbox_length(self) -> int:
        """Outbox rows still owed (pending or being sent), for the scrape-time gauge."""
        counts = self.repo.counts()
        return counts.get("pending", 0) + counts.get("sending", 0)
