"""Three `newsdesk-bot run` workers on one real PostgreSQL; the leader is SIGKILLed, then another
worker in the middle of a poll.

Real processes, a real PostgreSQL, feeds over HTTP on 127.0.0.1 (seven feeds polled every 3 s,
one of them slow to answer, articles appearing on some of them as the test goes), and Slack
through the emulator over Socket Mode with a live subscription and a daily digest that falls due
as the first leader starts. What an operator would check afterwards: every feed was polled on
schedule and never by two workers at once, every post reached Slack exactly once, the digest
once, a question once (also when Slack redelivers it to the next leader), and how long the chat
side was gone when the leader died.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import update

from bot.store import open_store
from bot.store.repo import now_utc
from bot.store.runtime_repo import RuntimeRepo
from bot.store.schema import feeds, subscriptions
from tests.conftest import REPO
from tests.support.runtime_kit import article, drop_today, on_loopback, shipped_config
from tests.support.slack_emulator import CHANNEL, EDITOR, SlackEmulator
from tests.support.slack_emulator import slack_emulator as slack_emulator  # noqa: F401  (the fixture)

pytestmark = pytest.mark.postgres

INTERVAL = 3  # seconds between polls of each feed
TICK = 0.5  # how often each worker looks for due feeds
LEASE = 4.0  # a dead worker's claims expire after this
SLOW = 2.0  # the slow feed answers after this long
FEEDS = 7
STORY = "hostage-talks"


@dataclass
class Poll:
    feed: int
    start: float
    end: float | None = None


@dataclass
class Feeds:
    """Seven RSS feeds on 127.0.0.1 (feed 0 is slow); every request is recorded with its start and end."""

    items: dict[int, list[str]] = field(default_factory=lambda: {i: [] for i in range(FEEDS)})
    polls: list[Poll] = field(default_factory=list)
    base: str = ""

    def url(self, i: int) -> str:
        return f"{self.base}/feed/{i}.xml"

    def in_flight(self, i: int) -> bool:
        return any(p.feed == i and p.end is None for p in self.polls)

    async def handle(self, request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        poll = Poll(i, time.monotonic())
        self.polls.append(poll)
        try:
            if i == 0:
                await asyncio.sleep(SLOW)
            return web.Response(body=rss(self.items[i]), content_type="application/rss+xml")
        finally:
            poll.end = time.monotonic()


def rss(names: list[str]) -> bytes:
    parts = []
    for name in names:
        url, date, title, text = article(name)
        html = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
        parts.append(f"<item><title>{escape(title)}</title><link>{escape(url)}</link><guid>{escape(url)}</guid>"
                     f"<pubDate>{date}T12:00:00Z</pubDate><description>{escape(html)}</description></item>")
    return ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Desk</title>"
            f"<link>http://127.0.0.1/</link><description>t</description>{''.join(parts)}</channel></rss>").encode()


@asynccontextmanager
async def serve_feeds() -> AsyncIterator[Feeds]:
    served = Feeds()
    app = web.Application()
    app.router.add_get("/feed/{i}.xml", served.handle)
    async with on_loopback(app) as base:
        served.base = base
        yield served


def worker_config(tmp_path: Path) -> Path:
    """The shipped config with no configured feeds and no folding of live posts within the test."""
    return shipped_config(tmp_path, {
        "bot.toml": lambda t: re.sub(r"(?m)^live_posts_per_window = \d+", "live_posts_per_window = 1000", t),
        "feeds.toml": lambda t: ""})


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    health: str  # its /healthz address

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    @property
    def id(self) -> str:
        found = re.search(r"event=runtime_started role=\w+ worker=(\S+)", self.text())
        return found.group(1) if found else ""

    def leading(self) -> bool:
        return "event=leading" in self.text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_worker(name: str, env: dict[str, str], tmp_path: Path) -> Worker:
    log = tmp_path / f"{name}.log"
    data = tmp_path / f"data-{name}"  # no local files shared between workers
    listen = f"127.0.0.1:{free_port()}"
    full = {**env, "NEWSDESK_DATA_DIR": str(data), "NEWSDESK_HTTP_LISTEN": listen}
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--forever"], cwd=REPO, env=full,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)  # its own process group, cleaned up as a whole
    return Worker(name, proc, log, f"http://{listen}/healthz")


async def roles(workers: list[Worker]) -> dict[str, tuple[int, str]]:
    """Each live worker's /healthz status code and the role it reports."""
    out = {}
    async with aiohttp.ClientSession() as session:
        for w in workers:
            if w.proc.poll() is None:
                async with session.get(w.health) as response:
                    out[w.name] = (response.status, (await response.json())["role"])
    return out


async def until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)


def bot_posts(emulator: SlackEmulator) -> list[dict[str, Any]]:
    return [m for m in emulator.channels[CHANNEL].messages if m.get("bot_id")]


def keyed(emulator: SlackEmulator) -> list[tuple[str, int]]:
    """(outbox key, part) of every message the bot posted for an outbox row."""
    out = []
    for m in bot_posts(emulator):
        payload = (m.get("metadata") or {}).get("event_payload") or {}
        if payload.get("key"):
            out.append((str(payload["key"]), int(payload.get("part", 0))))
    return out


def is_reply_of(key: str, digest_key: str) -> bool:
    """Whether `key` is one of the digest's threaded replies (`<digest key>:<n>`)."""
    return key.startswith(digest_key + ":") and key.rsplit(":", 1)[1].isdigit()


def prepare_store(url: str, served: Feeds, env: dict[str, str], tmp_path: Path) -> None:
    """Two articles published today already stored (the digest has news), seven fast feeds, and
    #newsdesk subscribed live and daily at a time that has just passed (the first leader sends that digest)."""
    files = [drop_today(tmp_path / "stored", name) for name in ("000_seed.txt", "001.txt")]
    seeded = subprocess.run([sys.executable, "-m", "bot", "ingest", *map(str, files)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert seeded.returncode == 0, seeded.stderr
    store = open_store(url)
    try:
        for i in range(FEEDS):
            store.upsert_feed(served.url(i), defined_in="cli", interval_seconds=INTERVAL)
        repo = RuntimeRepo(store.engine)
        now = now_utc()
        repo.subscribe("slack", CHANNEL, STORY, "live", None, "UTC", by=EDITOR)
        daily = repo.subscribe("slack", CHANNEL, STORY, "daily", now.strftime("%H:%M"), "UTC", by=EDITOR)
        with store.engine.begin() as conn:  # subscribed yesterday: today's digest is owed
            conn.execute(update(subscriptions).values(created_at=now - timedelta(days=1),
                                                      last_digest_at=now - timedelta(days=1)))
            conn.execute(update(feeds).values(next_poll=None))
        assert daily.id
    finally:
        store.close()


async def test_three_workers_share_the_work_and_survive_the_leader_and_a_poller_being_killed(
        postgres_url: str, slack_emulator: SlackEmulator, tmp_path: Path) -> None:  # noqa: F811
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MATRIX_", "NEWSDESK_"))}
    env = {**base, "PYTHONPATH": str(REPO), "NEWSDESK_DATABASE_URL": postgres_url,
           "NEWSDESK_CONFIG_DIR": str(worker_config(tmp_path)), "NEWSDESK_SEEDS_DIR": str(tmp_path / "seeds"),
           "NEWSDESK_DATA_DIR": str(tmp_path / "data"), "NEWSDESK_FETCH_ALLOW": "127.0.0.1",
           "NEWSDESK_FEED_TICK_SECONDS": str(TICK), "NEWSDESK_LEASE_SECONDS": str(LEASE),
           "NEWSDESK_POLL_BATCH": "2",
           "SLACK_BOT_TOKEN": slack_emulator.bot_token, "SLACK_APP_TOKEN": slack_emulator.app_token,
           "SLACK_API_URL": slack_emulator.api_url}
    workers: list[Worker] = []
    async with serve_feeds() as served:
        for i, name in enumerate(("002.txt", "003.txt", "004.txt")):
            served.items[i + 1] = [name]
        await asyncio.to_thread(prepare_store, postgres_url, served, env, tmp_path)
        try:
            await run_scenario(served, slack_emulator, env, tmp_path, workers)
        except AssertionError as exc:
            logs = "\n".join(f"--- {w.name}\n{w.text()[-6000:]}" for w in workers)
            print(f"worker logs in {tmp_path}")
            raise AssertionError(f"{exc}\n{logs}") from exc
        finally:  # the killed workers' process pools outlive them (like a container's, until it is removed)
            for w in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(w.proc.pid, signal.SIGKILL)
                w.proc.wait()


async def run_scenario(served: Feeds, emulator: SlackEmulator, env: dict[str, str], tmp_path: Path,
                       workers: list[Worker]) -> None:
    t0 = time.monotonic()
    workers.extend(start_worker(name, env, tmp_path) for name in ("w1", "w2", "w3"))
    await until(lambda: all(w.id for w in workers), 40, "three workers started")
    await emulator.wait_for_connections(1, timeout=20)
    leaders = [w for w in workers if w.leading()]
    assert len(leaders) == 1, [w.name for w in leaders]
    first_leader = leaders[0]
    assert await roles(workers) == {w.name: (200, "leader" if w is first_leader else "follower") for w in workers}
    await until(lambda: any(k.startswith("digest:") for k, _ in keyed(emulator)), 20, "the digest")

    # a question answered by the first leader
    ts, envelopes = await emulator.user_says(CHANNEL, EDITOR, f"<@{emulator.bot_user_id}> who are the mediators?")
    await until(lambda: any(m.get("thread_ts") == ts for m in bot_posts(emulator)), 20, "the answer")
    await asyncio.sleep(0.5)  # the answer's follow-up replies, if any
    answered = [m["ts"] for m in bot_posts(emulator) if m.get("thread_ts") == ts and not m.get("metadata")]
    await until(lambda: len({p.feed for p in served.polls if p.end}) == FEEDS, 20, "every feed polled")

    # 1. SIGKILL the leader while Slack holds a live post it has taken (Slack has the message, the
    # leader dies before hearing back); a follower must take over the chat side within seconds
    # and must not post it again
    store = open_store(env["NEWSDESK_DATABASE_URL"])
    repo = RuntimeRepo(store.engine)
    await until(lambda: all(r.status in ("sent", "done") for r in repo.rows()), 20, "the first posts sent")
    emulator.hold_next("chat.postMessage")
    calls = len(emulator.calls)
    served.items[6] = ["005.txt"]
    held = await emulator.wait_for_call("chat.postMessage", timeout=20, after=calls)
    opened = len(emulator.calls_to("apps.connections.open"))
    killed_at = time.monotonic()
    first_leader.proc.send_signal(signal.SIGKILL)
    first_leader.proc.wait()
    emulator.release_held()
    held_key = held.params["metadata"]["event_payload"]["key"]
    assert repo.row(held_key).status == "sending"  # type: ignore[union-attr]
    await until(lambda: len(emulator.calls_to("apps.connections.open")) > opened, 15, "a new Socket Mode connection")
    takeover = emulator.calls_to("apps.connections.open")[-1].at - killed_at
    survivors = [w for w in workers if w is not first_leader]
    await until(lambda: any(w.leading() for w in survivors), 5, "a new leader")
    [second_leader] = [w for w in survivors if w.leading()]
    assert await roles(survivors) == {w.name: (200, "leader" if w is second_leader else "follower")
                                      for w in survivors}
    print(f"\ntakeover: leader SIGKILLed -> new Socket Mode connection in {takeover:.2f} s")
    assert takeover < 10

    # Slack redelivers the question to the new leader: it was answered once and is not answered again
    await emulator.wait_for_connections(1, timeout=10)
    await emulator.redeliver(envelopes[0])
    new_articles_at = time.monotonic()
    served.items[5] = ["006.txt", "007.txt"]

    # 2. SIGKILL the other worker while it polls the slow feed (or, failing that, whoever does)
    other = next(w for w in survivors if w is not second_leader)
    try:
        def polling_slow() -> Worker | None:
            if not served.in_flight(0):
                return None
            with store.engine.connect() as conn:
                owner = conn.execute(feeds.select().where(feeds.c.url == served.url(0))).mappings().one()["lease_owner"]
            return next((w for w in survivors if owner and w.id == owner), None)

        victim: Worker | None = None
        deadline = time.monotonic() + 8
        while victim is None or (victim is not other and time.monotonic() < deadline):
            await asyncio.sleep(0.05)
            found = polling_slow()
            if found is other or (found is not None and time.monotonic() >= deadline):
                victim = found
                break
        assert victim is not None
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait()
        killed_mid_poll = time.monotonic()
        alive = [w for w in survivors if w is not victim]
        print(f"killed mid-poll: {victim.name} ({'follower' if victim is other else 'the new leader'})")
        # the slow feed's claim expires and a survivor polls it
        await until(lambda: any(p.feed == 0 and p.start > killed_mid_poll + 0.5 and p.end for p in served.polls),
                    LEASE + INTERVAL + 10, "the slow feed polled again after its poller died")
        # the articles that appeared after the first kill are ingested and posted
        await until(lambda: sum(1 for p in served.polls if p.feed == 5 and p.start > new_articles_at and p.end) >= 1,
                    20, "feed 5 polled with its new articles")
        await until(lambda: all(r.status in ("sent", "done") for r in repo.rows()) and len(repo.rows()) > 2,
                    30, "every outbox row sent")
        await asyncio.sleep(1.0)  # anything sent twice would show up by now
        rows = repo.rows()
        for w in alive:
            w.proc.send_signal(signal.SIGTERM)
        for w in alive:
            assert await asyncio.to_thread(w.proc.wait, 30) == 0, w.text()[-3000:]
    finally:
        store.close()
    wall = time.monotonic() - t0

    # every post exactly once: each sent row's key (and part) is in Slack once, and nothing else was posted
    posted = keyed(emulator)
    sent_rows = [r for r in rows if r.status == "sent" and r.kind != "edit"]
    assert len(posted) == len(set(posted)), sorted(k for k in posted if posted.count(k) > 1)
    assert {k for k, _ in posted} == {r.key for r in sent_rows}
    assert posted.count((held_key, 0)) == 1  # the post held when the leader died: looked up, not sent again
    assert "event=outbox_already_sent key=" + held_key in second_leader.text()
    assert sum(1 for r in sent_rows if r.kind == "live") >= 2
    # the digest once, although every leader catches up on it at start
    [digest] = [r for r in rows if r.kind == "digest"]
    assert posted.count((digest.key, 0)) == 1
    assert all(k == digest.key or is_reply_of(k, digest.key) for k, _ in posted if k.startswith("digest:"))
    # the question once, although the next leader was handed it again
    answers = [m["ts"] for m in bot_posts(emulator) if m.get("thread_ts") == ts and not m.get("metadata")]
    assert answered and answers == answered
    assert any("event=message_already_handled" in w.text() for w in survivors)

    # every feed polled on schedule and never by two workers at once
    gaps: list[float] = []
    for i in range(FEEDS):
        mine = sorted((p for p in served.polls if p.feed == i), key=lambda p: p.start)
        for a, b in zip(mine, mine[1:], strict=False):
            assert a.end is not None and b.start >= a.end, f"feed {i} polled twice at once"
            gap = b.start - a.start
            assert gap >= INTERVAL - TICK - 0.3, f"feed {i} polled again after {gap:.2f} s"
            gaps.append(gap)
    worst, p90 = max(gaps), statistics.quantiles(gaps, n=10)[-1]
    print(f"poll gaps: median {statistics.median(gaps):.2f} s, 90th percentile {p90:.2f} s, max {worst:.2f} s "
          f"(interval {INTERVAL} s, tick {TICK} s, lease {LEASE} s, slow feed {SLOW} s)")
    # a feed whose poller died waits for its lease to expire (renewed every third of it until the
    # death) and for a survivor to finish the batch it is busy with; the others are on time, give
    # or take a slow batch on a busy machine
    assert worst <= INTERVAL + LEASE * 4 / 3 + SLOW + 2 * TICK + 4
    # (90% within a slow batch and two ticks, with 2 s for a loaded 2-core machine: 7.3 s was seen on an
    # evening when the machine ran 1.7 times slower; a feed left to an expired lease waits over 8.3 s)
    assert p90 <= INTERVAL + SLOW + 2 * TICK + 2
    # the work was shared: every worker polled feeds
    for w in workers:
        assert "event=feeds_claimed" in w.text(), f"{w.name} never polled"
    logs = "".join(w.text() for w in workers)
    assert logs.count("event=leading") == 2 + (victim is second_leader)
    assert "Traceback" not in logs
    print(f"posts: {len(posted)} messages for {len(sent_rows)} rows; wall time {wall:.1f} s")
