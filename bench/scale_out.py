"""Scale-out: feed polling and ingest with 1, 2 and 3 `newsdesk-bot run` workers on one PostgreSQL.

For each worker count, on a fresh database of one local PostgreSQL cluster (tests/support/postgres.py)
with feeds served over HTTP on 127.0.0.1 by this process:
- polling: POLL_FEEDS small feeds on PORTS ports (default 100, as bench/poll_feeds.py; ETag, 304 when
  unchanged) all made due at once; the time until every one was polled and given back, for the
  first fetch (200) and for a cycle of 304s (it includes up to one feed tick, 0.5 s, before a
  worker looks);
- ingest: ARTICLES generated articles on one story (bench/ingest_scale.py's dock strike), 50 per
  feed, all made due at once; the time until every article is stored, filed and judged. Every
  article carries the same publication time (a burst from the wire), so the order they are stored
  in decides what is earlier: dated articles arriving out of order make the pipeline judge the
  later ones again, which workers ingesting one backlog in parallel would trigger constantly, and
  which is not what this measures.
Workers are real processes (`python -m bot run --forever`, feed tick 0.5 s); timing starts once all
of them are up, so model loading is not counted, but each worker's annotation pool starts on its
first article and is. Prints the figures and the speed-up over one worker.

Measured (2 shared cores; README "Measured"): 304 cycle of 1,000 feeds 0.66 / 0.62 / 0.54 s and
first fetch 4.41 / 2.83 / 3.33 s with 1 / 2 / 3 workers; ingest of 5,000 articles 14.3 / 13.8 /
13.3 articles/s (no speed-up: one worker's annotation pool already uses both cores).

usage: python -m bench.scale_out [ARTICLES [POLL_FEEDS [MAX_WORKERS [PORTS]]]]   (default 5000 1000 3 100)
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from aiohttp import web
from sqlalchemy import create_engine, func, select, text, union, update
from sqlalchemy.engine import Engine

from bench.ingest_scale import STORY, generate
from bot.store import open_store
from bot.store.repo import now_utc
from bot.store.schema import article_sources, articles, feeds
from tests.support.postgres import available, running_postgres

REPO = Path(__file__).resolve().parent.parent
PER_FEED = 50
BURST = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PORTS = 100  # as in bench/poll_feeds.py: 10 polling feeds a host (the fetcher allows 2 requests a host at a time)
STORIES_TOML = """[[story]]
id = "dock-strike"
title = "Dock strike"
description = "A dock strike that drags on."
terms = ["strike*", "dock*", "port", "ports", "union"]
[story.entities]
"International Dockworkers Union" = ["IDU"]
"""


class FeedSite:
    """The article feeds (/a/N.xml) and the small polling feeds (/p/N.xml, with an ETag)."""

    def __init__(self, count: int) -> None:
        items = [
            f"<item><title>{escape(a.title)}</title><link>{escape(a.url)}</link><guid>{escape(a.url)}</guid>"
            f"<pubDate>{format_datetime(a.published)}</pubDate>"  # type: ignore[arg-type]
            f"<description>{escape(''.join(f'<p>{escape(p)}</p>' for p in a.text.splitlines()))}</description></item>"
            for a in (dataclasses.replace(raw, published=BURST) for raw in generate(count))]
        self.article_feeds = [self._rss("".join(items[i:i + PER_FEED])) for i in range(0, len(items), PER_FEED)]
        self.bases: list[str] = []  # one per port: the fetcher allows 2 requests at a time per host and port

    def url(self, kind: str, i: int) -> str:
        """Where feed `i` of a kind ("a" articles, "p" polling) is served."""
        return f"{self.bases[i % len(self.bases)]}/{kind}/{i}.xml"

    @staticmethod
    def _rss(body: str) -> bytes:
        return ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Wire</title>"
                f"<link>http://127.0.0.1/</link><description>bench</description>{body}</channel></rss>").encode()

    async def article_feed(self, request: web.Request) -> web.Response:
        return web.Response(body=self.article_feeds[int(request.match_info["i"])], content_type="application/rss+xml")

    async def poll_feed(self, request: web.Request) -> web.Response:
        i = request.match_info["i"]
        etag = f'"p{i}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = self._rss("")  # an empty feed: polling cost only, nothing to ingest
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})


def fresh_database(server: str) -> str:
    name = "scale_" + uuid.uuid4().hex[:8]
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def prepare(url: str, site: FeedSite, polls: int) -> Engine:
    store = open_store(url)
    far = now_utc() + timedelta(days=1)
    for i in range(len(site.article_feeds)):
        store.upsert_feed(site.url("a", i), defined_in="cli", interval_seconds=3600, fulltext=False)
    for i in range(polls):
        store.upsert_feed(site.url("p", i), defined_in="cli", interval_seconds=3600, fulltext=False)
    with store.engine.begin() as conn:
        conn.execute(update(feeds).values(next_poll=far))
    return store.engine


async def until(check, what: str, timeout: float = 1800.0) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while not await asyncio.to_thread(check):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def cycle(engine: Engine, kind: str, what: str) -> float:
    """Make every feed of a kind due now; seconds until each was polled and handed back."""
    mark = now_utc()
    pattern = f"%/{kind}/%"
    with engine.begin() as conn:
        conn.execute(update(feeds).where(feeds.c.url.like(pattern)).values(next_poll=None))

    def done() -> bool:
        with engine.connect() as conn:
            left = conn.execute(select(func.count()).select_from(feeds).where(
                feeds.c.url.like(pattern),
                (feeds.c.last_polled.is_(None)) | (feeds.c.last_polled < mark) | feeds.c.lease_owner.is_not(None)
            )).scalar()
        return left == 0

    return await until(done, what)


async def run_with(workers: int, server: str, site: FeedSite, count: int, polls: int, config: Path,
                   logs: Path) -> dict[str, float]:
    url = fresh_database(server)
    engine = prepare(url, site, polls)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MATRIX_", "NEWSDESK_"))}
    env.update({"PYTHONPATH": str(REPO), "NEWSDESK_DATABASE_URL": url, "NEWSDESK_CONFIG_DIR": str(config),
                "NEWSDESK_SEEDS_DIR": str(logs / "no-seeds"), "NEWSDESK_FETCH_ALLOW": "127.0.0.1",
                "NEWSDESK_FEED_TICK_SECONDS": "0.5"})
    procs, files = [], []
    for n in range(workers):
        log = logs / f"w{workers}-{n}.log"
        files.append(log)
        with log.open("w") as err:
            procs.append(subprocess.Popen([sys.executable, "-m", "bot", "run", "--forever"], cwd=REPO,
                                          env={**env, "NEWSDESK_DATA_DIR": str(logs / f"data{n}")},
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err))
    try:
        await until(lambda: all("event=runtime_started" in f.read_text() for f in files), "workers up", 120)
        print(f"{workers} worker(s) up (logs in {logs})", flush=True)
        first = await cycle(engine, "p", "the first polling cycle")
        again = await cycle(engine, "p", "the 304 cycle")

        def ingested() -> bool:  # every article stored, or merged into a near-duplicate, and judged
            with engine.connect() as conn:
                wire = union(select(articles.c.url).where(articles.c.url.like("https://wire.example/%")),
                             select(article_sources.c.url).where(article_sources.c.url.like("https://wire.example/%")))
                seen = conn.execute(select(func.count()).select_from(wire.subquery())).scalar()
                pending = conn.execute(select(func.count()).select_from(articles)
                                       .where(articles.c.pending.is_not(None))).scalar()
            return seen == count and pending == 0

        ingest = await cycle(engine, "a", "the article feeds")
        ingest += await until(ingested, "every article stored and judged")
        done_feed = re.compile(r"event=feed_ingested url=\S+/a/\d+\.xml items=\d+ added=[1-9]")
        shares = [len(done_feed.findall(f.read_text())) for f in files]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        engine.dispose()
    print(f"{workers} worker(s): first poll of {polls} feeds {first:.2f} s, 304 cycle {again:.2f} s; "
          f"ingest of {count} articles {ingest:.1f} s = {count / ingest:.1f} articles/s "
          f"(article feeds ingested per worker: {shares}); load average {os.getloadavg()[0]:.1f}", flush=True)
    return {"first": first, "again": again, "ingest": ingest}


async def main() -> None:
    """Run the measurements for 1..MAX_WORKERS workers and print the speed-up."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    polls = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    most = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    ports = int(sys.argv[4]) if len(sys.argv) > 4 else PORTS
    if (why := available()) is not None:
        raise SystemExit(f"cannot start PostgreSQL: {why}")
    me = asyncio.current_task()
    for sig in (signal.SIGTERM, signal.SIGINT):  # stop the workers and the cluster on the way out
        if me is not None:
            asyncio.get_running_loop().add_signal_handler(sig, me.cancel)
    site = FeedSite(count)
    app = web.Application()
    app.router.add_get("/a/{i}.xml", site.article_feed)
    app.router.add_get("/p/{i}.xml", site.poll_feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for _ in range(ports):
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    site.bases = [f"http://127.0.0.1:{address[1]}" for address in runner.addresses]
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, running_postgres() as server:
        config = Path(tmp) / "config"
        config.mkdir()
        (config / "stories.toml").write_text(STORIES_TOML, encoding="utf-8")
        (config / "bot.toml").write_text((REPO / "config" / "bot.toml").read_text(encoding="utf-8"), encoding="utf-8")
        (config / "feeds.toml").write_text("", encoding="utf-8")
        assert STORY.id == "dock-strike"
        for workers in range(1, most + 1):
            results[workers] = await run_with(workers, server, site, count, polls, config, Path(tmp))
    await runner.cleanup()
    one = results[1]
    for workers, r in results.items():
        print(f"speed-up with {workers}: ingest x{one['ingest'] / r['ingest']:.2f}, first poll "
              f"x{one['first'] / r['first']:.2f}, 304 cycle x{one['again'] / r['again']:.2f}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end "
          "(other work on the machine slows the wall clock)")


if __name__ == "__main__":
    asyncio.run(main())
