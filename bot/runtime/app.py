"""The bot runtime: scheduler, outbox worker, command router and chat adapters in one asyncio process.

`Runtime.start` schedules the seeds rescan, the feed polls and each daily digest (rebuilt from
the persisted subscriptions, so they survive a restart; a digest missed while the bot was down is
sent on start), starts the outbox worker and every adapter. Everything found is written to the
outbox first and sent from there.

On PostgreSQL several runtimes share the work (`bot.runtime.leadership`): each polls the feeds it
claims and ingests them; the leader alone scans seeds/, runs the digests, the outbox worker and the
adapters, and a follower takes those over when the leader dies. `Runtime.role` says which this
one is ("single" on SQLite, where one process runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.chart.post import page_chart
from bot.chat.console import ConsoleAdapter
from bot.chat.port import ChatPort, DeliveryError, RateLimited, RoomLeaver
from bot.chat.router import Ask, Router
from bot.domain import Answer, IncomingMessage, Post, RawArticle
from bot.ingest.fetch import Fetcher
from bot.ingest.pipeline import IngestReport
from bot.runtime.commands import RuntimeCommands
from bot.runtime.core import Core
from bot.runtime.delivery import Delivery
from bot.runtime.feeds import fetch_policy, poll_claimed_feeds, poll_due_feeds
from bot.runtime.health import runtime_health
from bot.runtime.leadership import Leadership, WorkerOptions
from bot.runtime.metrics import Metrics
from bot.runtime.outbox import OutboxWorker
from bot.runtime.schedule import daily_trigger, previous_daily
from bot.runtime.story_commands import StoryCommands
from bot.store.cluster import FeedLeases, LeaderLock, is_shared, worker_id
from bot.store.questions import QuestionLog
from bot.store.repo import now_utc
from bot.store.runtime_repo import RuntimeRepo, Subscription
from bot.web.health import Health
from bot.web.pages import add_story_pages
from bot.web.server import WebServer, WebStartError

log = logging.getLogger("bot.runtime")

FIRST_SCAN_WAIT_SECONDS = 60.0

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
        self._feed_tick: float | None = None  # monotonic time the feed tick last started or finished
        # rows written by followers reach the leader's outbox worker within a second
        self.worker = OutboxWorker(self.repo, self.ports, clock, self.metrics,
                                   idle_seconds=1.0 if self.shared else 5.0)
        self.questions = QuestionLog(core.store.engine)
        self._answer = ask or core.ask
        self.router = Router(core, self._ask_and_record)
        RuntimeCommands(self.router, core, self.repo, self._subscription_changed, self._leave_after_reply,
                        self.ingest_items, lambda: self.scheduler.running)
        StoryCommands(self.router, core)
        self.router.room_admin = self._room_admin
        self.router.thread_story = self._thread_story
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.feed_tick_seconds = self.options.feed_tick_seconds
        self.first_scan = asyncio.Event()  # set: no scan pending; `start` clears it until its first scan
        self.first_scan.set()
        self._ingest_lock = asyncio.Lock()  # one ingest at a time: seeds scan and feed poll share the store
        self._fetcher: Fetcher | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._jobs: set[asyncio.Task[object]] = set()
        self._leaving: dict[tuple[str, str, str], RoomLeaver] = {}

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
        self._fetcher = Fetcher(fetch_policy(self.core))
        await self._fetcher.__aenter__()
        now = self.clock()
        self.scheduler.add_job(self.poll_feeds, "interval", seconds=self.feed_tick_seconds, id="feeds",
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
        self.scheduler.add_job(self.scan_seeds, "interval", seconds=self.core.settings.seeds_rescan_seconds,
                               id="seeds", next_run_time=now, max_instances=1, coalesce=True, replace_existing=True)
        subs = await asyncio.to_thread(self.repo.subscriptions, None, None, None, True)
        for sub in subs:
            self.schedule_digest(sub)
        if self.shared:
            await asyncio.to_thread(self.repo.forget_messages, now - HANDLED_MESSAGES_KEPT)
        self._tasks.append(asyncio.create_task(self.worker.run(), name="outbox"))
        for sub in subs:
            await self._catch_up(sub, now)
        if start_adapters:
            for port in self.ports.values():
                if isinstance(port, ConsoleAdapter):  # reads until end of input: runs alongside
                    self._tasks.append(asyncio.create_task(self._run_adapter(port), name=f"adapter:{port.platform}"))
                else:  # connects and returns; a failure to connect stops start-up with its reason
                    try:
                        await port.start(self._on_message_for(port))
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
        running = self._jobs - {asyncio.current_task()}
        if running:  # let a scan, poll or digest in progress finish its store writes
            await asyncio.wait(running, timeout=15)
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
        if self._fetcher is not None:
            await self._fetcher.close()
            self._fetcher = None
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

    def _on_message_for(self, port: ChatPort) -> Callable[[IncomingMessage], Awaitable[None]]:
        async def on_message(message: IncomingMessage) -> None:
            try:
                await self.handle(port, message)
            except Exception:
                log.exception("event=message_failed platform=%s channel=%s", message.platform, message.channel)

        return on_message

    async def _run_adapter(self, port: ChatPort) -> None:
        try:
            await port.start(self._on_message_for(port))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event=adapter_failed platform=%s", port.platform)

    # ---- incoming ------------------------------------------------------------------------
    async def handle(self, port: ChatPort, message: IncomingMessage) -> None:
        """Answer one message: the router's posts as replies, each reply tree threaded under its head."""
        log.info("event=message platform=%s channel=%s sender=%s", message.platform, message.channel, message.sender)
        if self.shared and message.platform != "console" and message.message_id and not await asyncio.to_thread(
                self.repo.take_message, message.platform, message.channel, message.message_id, self.worker_id):
            log.info("event=message_already_handled platform=%s channel=%s message=%s", message.platform,
                     message.channel, message.message_id)
            return
        began = time.perf_counter()
        with contextlib.suppress(TimeoutError):  # answer from the seeds, not from an empty store at start-up
            await asyncio.wait_for(self.first_scan.wait(), timeout=FIRST_SCAN_WAIT_SECONDS)
        posts = await self.router.handle(message)
        for post in posts:
            head = Post(post.heading, post.lines, post.citations, image=post.image)
            try:
                message_id = await _with_rate_limit(functools.partial(port.reply, message, head, post.private))
                for reply in post.replies:
                    await _with_rate_limit(functools.partial(port.send, message.channel, reply, thread=message_id))
            except DeliveryError as exc:
                log.warning("event=reply_failed platform=%s channel=%s reason=%r", message.platform,
                            message.channel, str(exc))
        if posts:
            self.metrics.answered(time.perf_counter() - began)
        leaver = self._leaving.pop((message.platform, message.channel, message.message_id), None)
        if leaver is not None:
            try:
                await leaver.leave(message.channel)
                log.info("event=left_room platform=%s channel=%s by=%s", message.platform, message.channel,
                         message.sender)
            except DeliveryError as exc:
                log.warning("event=leave_failed platform=%s channel=%s reason=%r", message.platform,
                            message.channel, str(exc))

    def _ask_and_record(self, question: str, story: str | None) -> Answer:
        """Answer a question (on the router's answer threads) and keep it with its answer for the story's page."""
        answer = self._answer(question, story)
        try:
            self.questions.record(answer, story, self.clock())
        except Exception:  # the person still gets the answer
            log.exception("event=question_record_failed")
        return answer

    def _leave_after_reply(self, message: IncomingMessage) -> bool:
        port = self.ports.get(message.platform)
        if not isinstance(port, RoomLeaver):
            return False
        self._leaving[(message.platform, message.channel, message.message_id)] = port
        return True

    async def _room_admin(self, message: IncomingMessage) -> bool:
        port = self.ports.get(message.platform)
        return bool(port and await port.is_admin(message.channel, message.sender))

    async def _thread_story(self, message: IncomingMessage) -> str | None:
        if not message.thread:
            return None
        row = await asyncio.to_thread(self.repo.by_message_id, message.platform, message.channel, message.thread)
        return row.story if row is not None and row.kind in ("thread", "digest", "live") else None

    # ---- jobs ----------------------------------------------------------------------------
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
        self._feed_tick = time.monotonic()
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
        self._feed_tick = time.monotonic()
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

    async def _catch_up(self, sub: Subscription, now: datetime) -> None:
        """Send a digest whose time passed while the bot was down (once: its key is the local day)."""
        if sub.mode != "daily" or not sub.daily_at:
            return
        last_fire = previous_daily(sub.daily_at, sub.timezone, now)
        if sub.created_at < last_fire and (sub.last_digest_at is None or sub.last_digest_at < last_fire) \
                and now - last_fire < timedelta(hours=12):
            log.info("event=digest_catch_up subscription=%s due=%s", sub.id, last_fire.isoformat())
            await self.run_digest(sub.id, last_fire)

    async def room_replaced(self, old: str, new: str, platform: str = "matrix") -> None:
        """Follow a room upgrade: subscriptions and unsent posts of the old room go to the new one."""
        moved = await asyncio.to_thread(self.repo.move_channel, platform, old, new)
        log.info("event=room_replaced platform=%s old=%s new=%s subscriptions=%d", platform, old, new, moved)
        self.worker.wake()

    async def _health(self) -> Health:
        """What /healthz reports; a follower runs no chat adapters, so it reports none."""
        role = self.role
        return await runtime_health(self.core.store.engine, self.scheduler, self._feed_tick, self.feed_tick_seconds,
                                    role, self.ports if role != "follower" else {})

    def _outbox_length(self) -> int:
        """Outbox rows still owed (pending or being sent), for the scrape-time gauge."""
        counts = self.repo.counts()
        return counts.get("pending", 0) + counts.get("sending", 0)

    def _subscription_changed(self, sub: Subscription | None, removed: int | None) -> None:
        if sub is not None:
            self.schedule_digest(sub)
        if removed is not None and self.scheduler.get_job(f"digest:{removed}"):
            self.scheduler.remove_job(f"digest:{removed}")


async def _with_rate_limit(send: Callable[[], Awaitable[str]], tries: int = 3) -> str:
    """Run one send, waiting out a rate limit (as the platform asked) up to `tries` times."""
    for attempt in range(tries):
        try:
            return await send()
        except RateLimited as exc:
            if attempt == tries - 1:
                raise
            await asyncio.sleep(exc.retry_after)
    raise AssertionError("unreachable")


def _report_fields(report: IngestReport) -> str:
    return (f"added={report.added} revised={report.revised} merged={report.merged} unchanged={report.unchanged} "
            f"updates={len(report.updates)} failures={len(report.failures)}")
