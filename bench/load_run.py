"""A bounded load run on 127.0.0.1: many feeds, many Slack channels, chat questions, for a few minutes.

    python -m bench.load_run [--minutes M] [--feeds N] [--channels C]

The real pieces, each as it runs in production:

- a feed farm (aiohttp on a few ports of 127.0.0.1, standing in for many hosts) serving N RSS
  feeds with ETag / 304; every second a share of them publishes a new item made of tracked-story
  sentences with shifted numbers (the eval articles, as `bench/corpus.py` varies them), so the
  articles are filed and bring updates;
- the Slack emulator (`tests/support/slack_emulator.py`: Web API and Socket Mode) with C channels;
- the bot itself, `python -m bot run --forever` in a child process (Slack adapter over Socket
  Mode, a fresh SQLite store in a temp dir, `NEWSDESK_FETCH_ALLOW=127.0.0.1`), so its memory is
  measured alone.

Each channel subscribes (through chat) to one or both stories, live or as a daily digest due
during the run. While articles arrive, questions are asked at a steady rate, some hostile (50 KB
text, control characters, markup and mentions, unknown commands, broken subscribe syntax). At the
end the outbox is drained and the run is checked: every outbox key sent once and seen once at the
emulator, every update reached every live subscriber (or was folded), each daily digest sent
once, no subscription changed by hostile input. Poll lag (due time in the store vs the request at
the feed server), answer latency (question sent -> reply at the emulator), the bot's RSS every
few seconds and the errors it logged are printed in one table.

The live flood window is shortened to `--window` minutes (default 1) so folded posts fall due
inside a bounded run; everything else is the shipped default.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import itertools
import json
import math
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from bench.corpus import sentence_pool
from tests.support.slack_emulator import HOSTILE_ENV, SlackEmulator, User

ROOT = Path(__file__).resolve().parent.parent
STORIES = ("hostage-talks", "rafah-offensive")
ARTICLE_BASE = "https://load.example/wire"
EDITORS = tuple(f"U0ED{i:04d}" for i in range(12))
NORMAL_QUESTIONS = (
    "who are the mediators?", "How many hostages are held in Gaza?", "How many people are sheltering in Rafah?",
    "Who heads UNRWA?", "What did Netanyahu say about Rafah?", "How long would the pause last?",
    "Where were the talks held?", "stories", "status", "subscriptions", "help", "help subscribe", "sources",
)


# ------------------------------------------------------------------------------------------ options


@dataclasses.dataclass(frozen=True)
class Options:
    """What to run: sizes, rates and timings."""

    minutes: float
    feeds: int
    channels: int
    interval: int
    window: int
    share: float
    qps: float
    hostile: float
    feed_ports: int
    drain_seconds: float
    seed: int
    keep: bool
    faults: bool


def parse_args(argv: list[str] | None = None) -> Options:
    """Command-line options (defaults: 1,000 feeds, 200 channels, 3 minutes)."""
    p = argparse.ArgumentParser(prog="python -m bench.load_run", description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=3.0, help="how long articles and questions arrive")
    p.add_argument("--feeds", type=int, default=1000)
    p.add_argument("--channels", type=int, default=200)
    p.add_argument("--interval", type=int, default=1, help="feed poll interval in minutes (the bot's minimum)")
    p.add_argument("--window", type=int, default=1, help="live flood window in minutes (shipped: 10)")
    p.add_argument("--share", type=float, default=0.05, help="share of the feeds publishing an item per interval")
    p.add_argument("--qps", type=float, default=2.0, help="chat questions per second")
    p.add_argument("--hostile", type=float, default=0.3, help="share of hostile questions")
    p.add_argument("--feed-ports", type=int, default=10, help="ports (hosts) the feeds are spread over")
    p.add_argument("--drain-seconds", type=float, default=240.0, help="longest wait for the outbox to drain")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--keep", action="store_true", help="keep the temp dir (store, config, bot log)")
    p.add_argument("--faults", action="store_true",
                   help="Slack misbehaves during the load: a 429, a 500 and a held (posted, never answered) "
                        "chat.postMessage every 45 s")
    a = p.parse_args(argv)
    return Options(a.minutes, a.feeds, a.channels, a.interval, a.window, a.share, a.qps, a.hostile,
                   a.feed_ports, a.drain_seconds, a.seed, a.keep, a.faults)


# ------------------------------------------------------------------------------------------ feed farm


@dataclasses.dataclass
class Feed:
    """One feed of the farm: its newest items, a version for the ETag, when it last published."""

    index: int
    items: collections.deque[str] = dataclasses.field(default_factory=lambda: collections.deque(maxlen=8))
    version: int = 0
    published_at: float = 0.0


class FeedFarm:
    """N RSS feeds on a few ports of 127.0.0.1, with conditional GET and a log of every request."""

    def __init__(self, count: int, ports: int, rng: random.Random) -> None:
        self.feeds = [Feed(i) for i in range(count)]
        self.port_count = ports
        self.ports: list[int] = []
        self.hits: list[tuple[int, float]] = []  # (feed, wall time of the request)
        self.published: dict[str, tuple[int, float]] = {}  # article url -> (feed, wall time)
        self.rng = rng
        self.pool = sentence_pool()
        self._runners: list[web.AppRunner] = []
        self._serial = itertools.count(1)

    def url(self, index: int) -> str:
        """The feed's address (feeds are spread over the ports as over hosts)."""
        return f"http://127.0.0.1:{self.ports[index % len(self.ports)]}/feed/{index}.xml"

    async def start(self) -> None:
        """Listen on `ports` free ports."""
        for _ in range(self.port_count):
            app = web.Application()
            app.router.add_get("/feed/{index}.xml", self._handle)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self._runners.append(runner)
            self.ports.append(int(runner.addresses[0][1]))

    async def stop(self) -> None:
        """Stop listening."""
        for runner in self._runners:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        index = int(request.match_info["index"])
        self.hits.append((index, time.time()))
        feed = self.feeds[index]
        etag = f'"f{index}-v{feed.version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
                f"<title>Load wire {index}</title><link>{ARTICLE_BASE}/{index}/</link>"
                f"<description>load feed</description>{''.join(reversed(feed.items))}</channel></rss>")
        return web.Response(body=body.encode(), content_type="application/rss+xml", headers={"ETag": etag})

    def publish(self, index: int) -> str:
        """Add one new item to a feed; returns the article's url."""
        serial = next(self._serial)
        url = f"{ARTICLE_BASE}/{index}/{serial}"
        sentences = [_vary(s, self.rng) for s in self.rng.sample(self.pool, 4)]
        title = f"Wire {serial}: " + " ".join(sentences[0].split()[:8])
        html = "".join(f"<p>{escape(s)}</p>" for s in sentences)
        pub = format_datetime(datetime.now(UTC), usegmt=True)
        item = (f"<item><title>{escape(title)}</title><link>{url}</link><guid>{url}</guid>"
                f"<pubDate>{pub}</pubDate><description>{escape(html)}</description></item>")
        feed = self.feeds[index]
        feed.items.append(item)
        feed.version += 1
        feed.published_at = time.time()
        self.published[url] = (index, feed.published_at)
        return url


def _vary(sentence: str, rng: random.Random) -> str:
    """Shift every number in a sentence (a changed fact), as `bench/corpus.py` does."""
    return re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + rng.randint(1, 400)), sentence)


async def publish_continuously(farm: FeedFarm, opts: Options, stop_at: float) -> None:
    """Until `stop_at`, publish `share` of the feeds per poll interval, spread evenly over each second."""
    per_second = len(farm.feeds) * opts.share / (opts.interval * 60)
    owed = 0.0
    while time.monotonic() < stop_at:
        owed += per_second
        while owed >= 1:
            farm.publish(farm.rng.randrange(len(farm.feeds)))
            owed -= 1
        await asyncio.sleep(1.0)


# ------------------------------------------------------------------------------------------ the bot


def write_config(folder: Path, farm: FeedFarm, opts: Options) -> Path:
    """bot.toml (shipped defaults but the poll interval and flood window), stories.toml, feeds.toml."""
    config = folder / "config"
    config.mkdir()
    shutil.copy(ROOT / "config" / "stories.toml", config / "stories.toml")
    (config / "bot.toml").write_text(
        'timezone = "UTC"\n[admins]\nslack = []\n'
        f"[polling]\ninterval_minutes = {opts.interval}\nseeds_rescan_seconds = 5\n"
        f"[delivery]\nlive_posts_per_window = 3\nlive_window_minutes = {opts.window}\n")
    feeds = "".join(f'[[feed]]\nurl = "{farm.url(i)}"\nfulltext = false\n\n' for i in range(len(farm.feeds)))
    (config / "feeds.toml").write_text(feeds)
    return config


def bot_env(folder: Path, config: Path, emulator: SlackEmulator) -> dict[str, str]:
    """The child's environment: fresh store and seeds in `folder`, Slack pointed at the emulator."""
    env = {k: v for k, v in os.environ.items() if k not in HOSTILE_ENV and not k.startswith(("NEWSDESK_", "MATRIX_"))}
    seeds = folder / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    env.update({
        "NEWSDESK_CONFIG_DIR": str(config), "NEWSDESK_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "NEWSDESK_SEEDS_DIR": str(seeds), "NEWSDESK_DATA_DIR": str(folder / "data"),
        "NEWSDESK_FETCH_ALLOW": "127.0.0.1", "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_APP_TOKEN": emulator.app_token, "SLACK_API_URL": emulator.api_url, "PYTHONUNBUFFERED": "1",
    })
    return env


async def start_bot(folder: Path, env: dict[str, str], timeout: float = 120.0) -> subprocess.Popen[bytes]:
    """Start `python -m bot run --forever`; return once it logs that the runtime started."""
    log = (folder / "bot.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--forever"], cwd=folder, env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the bot exited with {proc.returncode}: see {folder / 'bot.log'}")
        if b"event=runtime_started" in (folder / "bot.log").read_bytes():
            return proc
        await asyncio.sleep(0.25)
    raise RuntimeError("the bot did not start in time")


async def stop_bot(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """SIGTERM the bot (it stops cleanly, the emulator still answering); kill it after `timeout` s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if proc.poll() is None:
            proc.kill()
    return proc.wait()


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def sample_memory(pid: int, samples: list[tuple[float, float]], every: float = 3.0) -> None:
    """Append (monotonic time, RSS MB) every few seconds until cancelled."""
    while True:
        value = rss_mb(pid)
        if value is not None:
            samples.append((time.monotonic(), value))
        await asyncio.sleep(every)


# ------------------------------------------------------------------------------------------ the store (read-only)


def open_store(path: Path) -> sqlite3.Connection:
    """A read-only connection to the bot's SQLite store (WAL: reads never block its writes)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def epoch(value: str | None) -> float | None:
    """A stored timestamp as seconds since the epoch (naive ones are UTC)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


async def snapshot_schedule(db: Path, history: dict[str, set[float]], every: float = 2.0) -> None:
    """Record every `next_poll` the store holds for each feed, until cancelled."""
    conn = None
    while True:
        try:
            conn = conn or open_store(db)
            rows = await asyncio.to_thread(lambda c=conn: c.execute("SELECT url, next_poll FROM feeds").fetchall())
            for row in rows:
                due = epoch(row["next_poll"])
                if due is not None:
                    history.setdefault(row["url"], set()).add(due)
        except sqlite3.Error:
            conn = None
        await asyncio.sleep(every)


def poll_lags(farm: FeedFarm, history: dict[str, set[float]], since: float) -> list[float]:
    """Seconds between each poll's due time (from the store) and its request at the farm."""
    lags = []
    for index, at in farm.hits:
        if at < since:
            continue
        due = [d for d in history.get(farm.url(index), ()) if d <= at]
        if due:
            lags.append(at - max(due))
    return lags


def pending_outbox(conn: sqlite3.Connection) -> int:
    """Outbox rows not yet sent or given up on."""
    return conn.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]


# ------------------------------------------------------------------------------------------ chat


@dataclasses.dataclass
class Chat:
    """What was said to the bot and when its replies came (by the ts of the message answered)."""

    emulator: SlackEmulator
    asked: dict[str, tuple[float, str]] = dataclasses.field(default_factory=dict)  # ts -> (sent, kind)
    replied: dict[str, float] = dataclasses.field(default_factory=dict)  # ts answered -> first reply
    seen_calls: int = 0
    first_post: dict[str, float] = dataclasses.field(default_factory=dict)  # article url -> first post
    last_post: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def mention(self) -> str:
        """How a person addresses the bot."""
        return f"<@{self.emulator.bot_user_id}>"

    async def say(self, channel: str, text: str, kind: str, user: str = EDITORS[0]) -> str:
        """A person mentions the bot in a channel; returns the message ts."""
        sent = time.monotonic()
        ts, _ = await self.emulator.user_says(channel, user, f"{self.mention} {text}")
        self.asked[ts] = (sent, kind)
        return ts

    def scan(self) -> None:
        """Read new emulator calls: direct replies by thread, first/last post of each article."""
        calls = self.emulator.calls
        for call in itertools.islice(calls, self.seen_calls, len(calls)):
            if call.method not in ("chat.postMessage", "chat.postEphemeral") or not call.ok:
                continue
            if call.params.get("metadata"):  # an outbox post: note which articles it carries
                for url in set(re.findall(re.escape(ARTICLE_BASE) + r"/\d+/\d+", json.dumps(call.params))):
                    self.first_post.setdefault(url, call.at)
                    self.last_post[url] = call.at
            elif call.params.get("thread_ts"):
                self.replied.setdefault(str(call.params["thread_ts"]), call.at)
        self.seen_calls = len(calls)

    async def watch(self, every: float = 0.1) -> None:
        """Scan the emulator's calls until cancelled."""
        while True:
            self.scan()
            await asyncio.sleep(every)

    def latencies(self, kinds: Iterable[str]) -> tuple[list[float], int]:
        """Answer latencies in seconds for questions of these kinds, and how many got no reply."""
        wanted = set(kinds)
        got, missing = [], 0
        for ts, (sent, kind) in self.asked.items():
            if kind not in wanted:
                continue
            if ts in self.replied:
                got.append(self.replied[ts] - sent)
            else:
                missing += 1
        return got, missing


def hostile_questions(rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) of hostile messages: huge, control characters, markup, unknown and broken commands."""
    return [
        ("hostile:50KB", "who are the mediators? " + "".join(rng.choice("abcdefgh ") for _ in range(50_000))),
        ("hostile:control", "who are\x00 the \x1b[31mmediators\x07?\x1b]8;;http://evil.example\x07x\x1b]8;;\x07\r\x7f"),
        ("hostile:markup", "<!channel> <!here> <@U0ADMIN> *who* _are_ ~the~ `mediators` <https://evil.example|click>?"),
        ("hostile:unknown", "frobnicate --all-feeds now"),
        ("hostile:unknown", "help frobnicate"),
        ("hostile:subscribe", "subscribe"),
        ("hostile:subscribe", "subscribe no-such-story live"),
        ("hostile:subscribe", "subscribe hostage-talks daily 25:61 Mars/Olympus"),
        ("hostile:subscribe", "subscribe hostage-talks weekly"),
        ("hostile:subscribe", "subscribe hostage-talks live only:" + ",".join(f"w{i}" for i in range(30))),
        ("hostile:subscribe", 'subscribe "hostage-talks live except:'),
        ("hostile:admin", "add feed http://127.0.0.1:9/evil.xml hostage-talks"),
        ("hostile:admin", 'track evil-story "Evil" terms: a, b'),
        ("hostile:unsubscribe", "unsubscribe no-such-story"),
    ]


async def ask_continuously(chat: Chat, channels: list[str], opts: Options, rng: random.Random, stop_at: float) -> None:
    """Until `stop_at`, ask a question every 1/qps seconds in a random channel, a share of them hostile."""
    hostile = hostile_questions(rng)
    inflight: set[asyncio.Task[str]] = set()
    step = 1.0 / opts.qps
    next_at = time.monotonic()
    while time.monotonic() < stop_at:
        if rng.random() < opts.hostile:
            kind, text = rng.choice(hostile)
        else:
            kind, text = "normal", rng.choice(NORMAL_QUESTIONS)
        task = asyncio.create_task(chat.say(rng.choice(channels), text, kind, rng.choice(EDITORS)))
        inflight.add(task)
        task.add_done_callback(inflight.discard)
        next_at += step
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))


async def inject_faults(emulator: SlackEmulator, stop_at: float, every: float = 45.0) -> int:
    """Until `stop_at`, every `every` s: one 429 (Retry-After 1), one HTTP 500 and one held post.

    A held chat.postMessage is posted but its answer is withheld past the client's timeout (30 s),
    then released: the outbox must find the post by its key instead of posting it again. The
    faults hit whichever chat.postMessage comes next (an outbox post or a direct answer).
    """
    rounds = 0
    await asyncio.sleep(every / 3)
    while time.monotonic() < stop_at:
        emulator.rate_limit_next("chat.postMessage", retry_after=1, skip=5)
        emulator.fail_next("chat.postMessage", status=500, error="internal_error", skip=20)
        emulator.hold_next("chat.postMessage", skip=40)
        rounds += 1
        await asyncio.sleep(35.0)
        emulator.release_held()
        await asyncio.sleep(max(0.0, every - 35.0))
    emulator.release_held()
    return rounds


# ------------------------------------------------------------------------------------------ subscriptions


@dataclasses.dataclass(frozen=True)
class Plan:
    """Which channel subscribes to which story, how."""

    channel: str
    story: str
    mode: str  # live | daily


def make_workspace(emulator: SlackEmulator, count: int) -> list[str]:
    """C channels with the bot and the editors in them."""
    for user in EDITORS:
        emulator.add_user(User(user, user.lower()))
    emulator.add_user(User("U0ADMIN", "admin", is_admin=True))
    channels = [f"C0LOAD{i:04d}" for i in range(count)]
    for channel in channels:
        emulator.add_channel(channel, channel.lower(), members=EDITORS)
    return channels


def plan_subscriptions(channels: list[str]) -> list[Plan]:
    """A third of the channels on each story, a third on both; every fourth channel daily."""
    plans = []
    for i, channel in enumerate(channels):
        stories = (STORIES[i % 3],) if i % 3 < 2 else STORIES
        mode = "daily" if i % 4 == 3 else "live"
        plans.extend(Plan(channel, story, mode) for story in stories)
    return plans


async def subscribe_all(chat: Chat, plans: list[Plan], daily_at: str, timeout: float = 120.0) -> float:
    """Send every subscribe command through chat; wait for every confirmation; returns seconds taken."""
    started = time.monotonic()
    sent = []
    for plan in plans:
        text = f"subscribe {plan.story}" + (f" daily {daily_at} UTC" if plan.mode == "daily" else " live")
        sent.append(await chat.say(plan.channel, text, "subscribe"))
    deadline = started + timeout
    while time.monotonic() < deadline and not all(ts in chat.replied for ts in sent):
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def warm_up(chat: Chat, channel: str, timeout: float = 60.0) -> None:
    """Ask each normal question once (loads the answerer's data) so memory is measured warm."""
    sent = [await chat.say(channel, text, "warm-up") for text in NORMAL_QUESTIONS]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(ts in chat.replied for ts in sent):
        await asyncio.sleep(0.2)


# ------------------------------------------------------------------------------------------ checks


@dataclasses.dataclass
class Check:
    """One line of the verdict."""

    name: str
    ok: bool
    detail: str


def keyed_messages(emulator: SlackEmulator) -> collections.Counter[tuple[str, str, int]]:
    """(channel, outbox key, part) of every bot message carrying a key, counted."""
    seen: collections.Counter[tuple[str, str, int]] = collections.Counter()
    for channel in emulator.channels.values():
        for message in channel.messages:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if message.get("bot_id") and payload.get("key"):
                seen[(channel.id, payload["key"], int(payload.get("part", 0)))] += 1
    return seen


def check_exactly_once(conn: sqlite3.Connection, emulator: SlackEmulator) -> list[Check]:
    """Every outbox key sent once, seen once at the emulator; nothing left unsent or failed."""
    rows = conn.execute("SELECT key, channel, kind, status, message_id, error FROM outbox").fetchall()
    seen = keyed_messages(emulator)
    dupes = [k for k, n in seen.items() if n > 1]
    posted = {r["key"]: r for r in rows if r["status"] == "sent" and r["kind"] != "edit"}
    missing = [k for k, r in posted.items() if seen.get((r["channel"], k, 0), 0) != 1]
    by_key = {r["key"]: r for r in rows}
    unmarked = sorted({k for (_, k, _) in seen if k not in posted})
    mismatched = [k for k, r in posted.items() if not any(
        m.get("ts") == r["message_id"] for m in emulator.channels[r["channel"]].messages)]
    status = collections.Counter(r["status"] for r in rows)
    kinds = collections.Counter(r["kind"] for r in rows if r["status"] == "sent")
    failed = collections.Counter((r["error"] or "")[:80] for r in rows if r["status"] == "failed")
    open_rows = [r["key"] for r in rows if r["status"] in ("pending", "sending")]
    return [
        Check("outbox rows", True, _counts(status) + "; sent by kind: " + _counts(kinds)),
        Check("sent keys seen exactly once at the emulator", not missing and not mismatched,
              f"{len(posted) - len(missing)}/{len(posted)}" + _eg(missing, "missing or repeated")
              + _eg(mismatched, "message id differs")),
        Check("duplicate messages (same channel, key, part)", not dupes, f"{len(dupes)}" + _eg(dupes)),
        Check("messages whose key is not marked sent", not unmarked,
              f"{len(unmarked)}" + _eg([(k, by_key[k]["status"] if k in by_key else None) for k in unmarked])),
        Check("outbox rows left unsent after drain", not open_rows, f"{len(open_rows)}" + _eg(open_rows)),
        Check("outbox rows failed", not failed, "; ".join(f"{n}x {why}" for why, n in failed.items()) or "0"),
    ]


def _counts(counter: collections.Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items()))


def _eg(items: list[Any], what: str = "") -> str:
    """A few examples, or nothing when there are none."""
    return f"; {what} e.g. {items[:3]}" if items else ""


def channel_text(emulator: SlackEmulator, channel: str) -> str:
    """Everything the bot posted in a channel (text, blocks, edits), as one string."""
    return "\n".join(json.dumps(m) for m in emulator.channels[channel].messages if m.get("bot_id"))


def check_no_update_lost(conn: sqlite3.Connection, emulator: SlackEmulator, plans: list[Plan]) -> Check:
    """Each generated article with an update for a story reached each live subscriber of that story."""
    rows = conn.execute(
        "SELECT DISTINCT u.story_id AS story, a.url AS url FROM updates u JOIN articles a ON a.id = u.article_id "
        "WHERE a.url LIKE ?", (ARTICLE_BASE + "/%",)).fetchall()
    articles: dict[str, set[str]] = collections.defaultdict(set)
    for row in rows:
        articles[row["story"]].add(row["url"])
    texts: dict[str, str] = {}
    expected = lost = 0
    examples = []
    for plan in plans:
        if plan.mode != "live":
            continue
        text = texts.setdefault(plan.channel, channel_text(emulator, plan.channel))
        for url in articles[plan.story]:
            expected += 1
            if url not in text:
                lost += 1
                examples.append((plan.channel, plan.story, url))
    return Check("article updates reaching each live subscriber (post, fold or edit)", lost == 0,
                 f"{expected - lost}/{expected} ({sum(map(len, articles.values()))} article-story pairs with updates)"
                 + (f"; lost e.g. {examples[:3]}" if examples else ""))


def check_digests(conn: sqlite3.Connection, plans: list[Plan], fire_epoch: float) -> Check:
    """Each daily subscriber whose story had news before the digest time got exactly one digest."""
    keys = collections.Counter(
        ":".join(r["key"].split(":")[2:4]) for r in conn.execute(
            "SELECT key FROM outbox WHERE kind = 'digest' AND status = 'sent'"))
    newsy = {r["story_id"] for r in conn.execute(
        "SELECT u.story_id, u.found_at FROM updates u JOIN articles a ON a.id = u.article_id WHERE a.url LIKE ?",
        (ARTICLE_BASE + "/%",)) if (epoch(r["found_at"]) or math.inf) < fire_epoch}
    daily = [f"{p.channel}:{p.story}" for p in plans if p.mode == "daily" and p.story in newsy]
    got = sum(1 for d in daily if keys.get(d) == 1)
    twice = sum(1 for n in keys.values() if n > 1)
    quiet = sum(1 for p in plans if p.mode == "daily" and p.story not in newsy)
    return Check("daily digests sent exactly once", got == len(daily) and not twice,
                 f"{got}/{len(daily)} (quiet, so none due: {quiet}; sent twice: {twice})")


def check_subscriptions(conn: sqlite3.Connection, plans: list[Plan]) -> Check:
    """Hostile commands changed no subscription: exactly the planned ones, all enabled."""
    rows = conn.execute("SELECT channel, story_id, mode, enabled, only_terms, except_terms "
                        "FROM subscriptions").fetchall()
    have = {(r["channel"], r["story_id"], r["mode"]) for r in rows
            if r["enabled"] and r["only_terms"] == "[]" and r["except_terms"] == "[]"}
    want = {(p.channel, p.story, p.mode) for p in plans}
    return Check("subscriptions exactly as planned (hostile input changed none)",
                 have == want and len(rows) == len(want),
                 f"{len(rows)} rows, {len(have & want)}/{len(want)} planned" + _eg(sorted(have - want), "extra"))


def logged_problems(log: Path) -> tuple[collections.Counter[str], int]:
    """The bot's WARNING/ERROR lines by level and event, and how many tracebacks it printed."""
    problems: collections.Counter[str] = collections.Counter()
    tracebacks = 0
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("Traceback"):
            tracebacks += 1
        match = re.search(r"level=(WARNING|ERROR|CRITICAL) logger=(\S+) (\S+)", line)
        if match:
            event = match.group(3) if "=" in match.group(3) else match.group(2)
            problems[f"{match.group(1)} {event[:60]}"] += 1
    return problems, tracebacks


def outbox_recoveries(log: Path) -> str:
    """How often the outbox waited out a rate limit, retried, or found an earlier attempt already posted."""
    text = log.read_text(errors="replace")
    events = ("outbox_rate_limited", "outbox_retry", "outbox_already_sent", "reply_failed")
    return ", ".join(f"{e} {text.count('event=' + e + ' ')}" for e in events)


# ------------------------------------------------------------------------------------------ report


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values, nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def ms(values: list[float]) -> str:
    """p50 / p95 / max of seconds, in ms."""
    return (f"p50 {pct(values, 50) * 1000:.0f} ms, p95 {pct(values, 95) * 1000:.0f} ms, "
            f"max {max(values, default=math.nan) * 1000:.0f} ms (n={len(values)})")


def secs(values: list[float]) -> str:
    """p50 / p95 / max of seconds."""
    return (f"p50 {pct(values, 50):.1f} s, p95 {pct(values, 95):.1f} s, max {max(values, default=math.nan):.1f} s "
            f"(n={len(values)})")


def memory_line(samples: list[tuple[float, float]], load_start: float) -> tuple[str, str]:
    """The bot's RSS from the start of the load (warm) to the end of the drain, and its growth."""
    during = [(t, v) for t, v in samples if t >= load_start]
    if len(during) < 2:
        return "n/a", "n/a"
    start, end, peak = during[0][1], during[-1][1], max(v for _, v in during)
    minute = next((v for t, v in during if t >= load_start + 60), end)
    half = during[len(during) // 2:]
    per_min = (half[-1][1] - half[0][1]) / max(1e-9, (half[-1][0] - half[0][0]) / 60)
    return (f"start {start:.0f} MB, +1 min {minute:.0f} MB, end {end:.0f} MB, peak {peak:.0f} MB "
            f"({len(during)} samples, every 3 s)",
            f"{end - start:+.1f} MB ({(end - start) / start * 100:+.1f}%); from +1 min {end - minute:+.1f} MB; "
            f"second half {per_min:+.2f} MB/min")


def memory_trail(samples: list[tuple[float, float]], load_start: float, step: float = 30.0) -> str:
    """The bot's RSS from the start of the load, one value per `step` seconds."""
    trail, next_at = [], load_start
    for at, value in samples:
        if at >= next_at:
            trail.append(f"{value:.0f}")
            next_at += step
    return " ".join(trail) or "n/a"


def print_table(rows: list[tuple[str, str]]) -> None:
    """One two-column table."""
    width = max(len(k) for k, _ in rows)
    print("\n" + "=" * 100)
    for key, value in rows:
        print(f"{key.ljust(width)} | {value}")
    print("=" * 100)


# ------------------------------------------------------------------------------------------ the run


async def drain(farm: FeedFarm, db: Path, opts: Options, daily_epoch: float) -> float:
    """Wait until every feed was polled after its last item, the digests fired and the outbox is empty."""
    started = time.monotonic()
    deadline = started + opts.drain_seconds
    conn = open_store(db)
    calm_since = None
    try:
        while time.monotonic() < deadline:
            last_hit: dict[int, float] = {}
            for index, at in farm.hits:
                last_hit[index] = at
            stale = sum(1 for f in farm.feeds if f.published_at and last_hit.get(f.index, 0) <= f.published_at)
            pending = await asyncio.to_thread(pending_outbox, conn)
            if stale == 0 and pending == 0 and time.time() > daily_epoch + 15:
                calm_since = calm_since or time.monotonic()
                if time.monotonic() - calm_since >= 5:  # a poll just ingested may still be dispatching
                    break
            else:
                calm_since = None
            await asyncio.sleep(1.0)
    finally:
        conn.close()
    return time.monotonic() - started


def daily_time(at: float) -> tuple[str, float]:
    """HH:MM (UTC) of the first whole minute at or after `at`, and its epoch."""
    moment = datetime.fromtimestamp(at, UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment.strftime("%H:%M"), moment.timestamp()


async def run(opts: Options) -> int:
    """Set everything up, load it, drain, check, print; returns 0 when every check passed."""
    rng = random.Random(opts.seed)
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-load-"))
    farm = FeedFarm(opts.feeds, opts.feed_ports, rng)
    emulator = SlackEmulator()
    channels = make_workspace(emulator, opts.channels)
    await farm.start()
    await emulator.start()
    chat = Chat(emulator)
    tasks: list[asyncio.Task[Any]] = []
    proc = None
    memory: list[tuple[float, float]] = []
    history: dict[str, set[float]] = {}
    db = folder / "store.db"
    rows: list[tuple[str, str]] = []
    ok = False
    try:
        t0 = time.monotonic()
        proc = await start_bot(folder, bot_env(folder, write_config(folder, farm, opts), emulator))
        startup = time.monotonic() - t0
        tasks += [asyncio.create_task(sample_memory(proc.pid, memory)), asyncio.create_task(chat.watch()),
                  asyncio.create_task(snapshot_schedule(db, history))]
        plans = plan_subscriptions(channels)
        daily_at, daily_epoch = daily_time(time.time() + 60 + opts.minutes * 30)
        sub_seconds = await subscribe_all(chat, plans, daily_at)
        await warm_up(chat, channels[0])
        load_start, wall_start = time.monotonic(), time.time()
        stop_at = load_start + opts.minutes * 60
        loads = [publish_continuously(farm, opts, stop_at), ask_continuously(chat, channels, opts, rng, stop_at)]
        if opts.faults:
            loads.append(inject_faults(emulator, stop_at))
        await asyncio.gather(*loads)
        load_seconds = time.monotonic() - load_start
        drain_seconds = await drain(farm, db, opts, daily_epoch)
        await asyncio.sleep(1.0)
        chat.scan()
        rss_end = rss_mb(proc.pid)
        conn = open_store(db)
        checks = [*check_exactly_once(conn, emulator), check_no_update_lost(conn, emulator, plans),
                  check_digests(conn, plans, daily_epoch), check_subscriptions(conn, plans)]
        counts = conn.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM updates)").fetchone()
        conn.close()
        ok = all(c.ok for c in checks)
        rows = summary_rows(opts, farm, chat, plans, memory, history, checks, counts, timings={
            "startup": startup, "subscribe": sub_seconds, "load": load_seconds, "drain": drain_seconds,
            "load_start": load_start, "wall_start": wall_start, "rss_end": rss_end or math.nan})
    finally:
        for task in tasks:
            task.cancel()
        code = await stop_bot(proc) if proc is not None else None
        await emulator.stop()
        await farm.stop()
    problems, tracebacks = logged_problems(folder / "bot.log")
    rows.append(("outbox recoveries (from the bot's log)", outbox_recoveries(folder / "bot.log")))
    rows.append(("bot exit code after SIGTERM", str(code)))
    warnings = sum(n for k, n in problems.items() if k.startswith("WARNING"))
    errors = sum(problems.values()) - warnings
    rows.append(("errors logged by the bot", f"{errors} error lines, {tracebacks} tracebacks, {warnings} warnings"))
    rows += [(f"  {k}", str(n)) for k, n in problems.most_common(8)]
    rows.append(("verdict", "PASS" if ok else "FAIL (see the checks above)"))
    print_table(rows)
    if opts.keep:
        print(f"kept: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


def summary_rows(opts: Options, farm: FeedFarm, chat: Chat, plans: list[Plan], memory: list[tuple[float, float]],
                 history: dict[str, set[float]], checks: list[Check], counts: Any,
                 timings: dict[str, float]) -> list[tuple[str, str]]:
    """The summary table's rows."""
    live = sum(p.mode == "live" for p in plans)
    normal, normal_missing = chat.latencies(["normal"])
    hostile_kinds = {k for _, (_, k) in chat.asked.items() if k.startswith("hostile")}
    hostile, hostile_missing = chat.latencies(hostile_kinds)
    lags = poll_lags(farm, history, timings["wall_start"])
    delivered = [chat.first_post[u] - (farm.published[u][1] - timings["wall_start"] + timings["load_start"])
                 for u in chat.first_post if u in farm.published]
    mem, growth = memory_line(memory, timings["load_start"])
    rows = [
        ("setup", f"{opts.feeds} feeds on {opts.feed_ports} ports, {opts.channels} Slack channels, {len(plans)} "
                  f"subscriptions ({live} live, {len(plans) - live} daily), poll every {opts.interval} min, "
                  f"flood 3/{opts.window} min, {opts.qps:g} questions/s ({opts.hostile:.0%} hostile), "
                  f"Slack faults {'on' if opts.faults else 'off'}"),
        ("phases", f"bot start {timings['startup']:.1f} s, subscribe {timings['subscribe']:.1f} s, load "
                   f"{timings['load']:.0f} s, drain {timings['drain']:.0f} s"),
        ("articles published / stored / updates", f"{len(farm.published)} / {counts[0]} / {counts[1]}"),
        ("feed requests during load", f"{sum(1 for _, at in farm.hits if at >= timings['wall_start'])}"),
        ("poll lag (due -> request)", secs(lags)),
        ("publish -> first live post", secs(delivered)),
        ("questions asked", f"{sum(1 for _, k in chat.asked.values() if k in ('normal',) or k.startswith('hostile'))} "
                            f"({len(normal) + normal_missing} normal, {len(hostile) + hostile_missing} hostile)"),
        ("answer latency, normal", ms(normal) + f"; unanswered {normal_missing}"),
        ("answer latency, hostile", ms(hostile) + f"; unanswered {hostile_missing}"),
        ("bot RSS", mem),
        ("bot RSS growth during load+drain", growth),
        ("bot RSS every 30 s (MB)", memory_trail(memory, timings["load_start"])),
    ]
    rows += [(("OK   " if c.ok else "FAIL ") + c.name, c.detail) for c in checks]
    return rows


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    opts = parse_args(argv)
    return asyncio.run(run(opts))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
