"""Feeds over real HTTP on 127.0.0.1, through the ingest pipeline into the store and the CLI."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from bot.ingest.fetch import Fetcher
from bot.runtime.core import build_core
from bot.runtime.feeds import fetch_policy, ingest_feed_urls, poll_due_feeds
from bot.settings import load_settings
from tests.conftest import REPO
from tests.support.feed_server import FeedServer


async def test_feed_items_are_stored_and_a_second_poll_changes_nothing(core, feed_server: FeedServer) -> None:
    url = f"{feed_server.base}/wire"
    first = await ingest_feed_urls(core, [url])
    assert first.added >= 8 and not first.failures
    stories = {s.story.id: s.articles for s in core.store.story_summaries()}
    assert stories["hostage-talks"] > 0 and stories["rafah-offensive"] > 0
    second = await ingest_feed_urls(core, [url])
    assert second.added == 0 and second.merged == 0
    [row] = [r for r in core.store.feed_rows() if r["url"] == url]
    assert row["error_count"] == 0 and row["last_status"] == "ok, unchanged"


async def test_a_failing_feed_is_recorded_and_does_not_stop_the_others(core, feed_server: FeedServer) -> None:
    good, bad = f"{feed_server.base}/feeds/atom_outlet.xml", f"{feed_server.base}/status/500"
    core.store.upsert_feed(good)
    core.store.upsert_feed(bad)
    async with Fetcher(fetch_policy(core)) as fetcher:
        report = await poll_due_feeds(core, fetcher)
    assert report.added > 0
    assert any("500" in failure for failure in report.failures)
    health = {h.name: h for h in core.store.source_health()}
    assert health[bad].error_count == 1 and "500" in (health[bad].last_error or "")
    named = next(h for h in core.store.source_health() if h.kind == "feed" and h.name != bad)  # shown by its title
    assert named.name != good and named.name.strip()
    assert health[bad].next_read is not None and named.error_count == 0
    async with Fetcher(fetch_policy(core)) as fetcher:  # not due yet: backoff keeps it out of the next round
        again = await poll_due_feeds(core, fetcher)
    assert not again.failures


async def test_loopback_feed_is_refused_unless_allowed(env, feed_server: FeedServer) -> None:
    strict = build_core(load_settings({**env, "NEWSDESK_FETCH_ALLOW": ""}))
    try:
        report = await ingest_feed_urls(strict, [f"{feed_server.base}/wire"])
    finally:
        strict.close()
    assert report.added == 0
    assert any("loopback" in failure or "not allowed" in failure for failure in report.failures)
    assert feed_server.hits["/wire"] == 0


async def test_cli_ingest_of_a_feed_url_reports_what_it_added(env, feed_server: FeedServer) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "ingest", f"{feed_server.base}/feeds/rss2_wire.xml",
        env={**env, "PATH": "/usr/bin:/bin"}, cwd=REPO, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert "new article(s)" in out.decode() and not out.decode().startswith("Ingested: 0 new")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sources", env={**env, "PATH": "/usr/bin:/bin"}, cwd=REPO,
        stdout=asyncio.subprocess.PIPE)
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert "rss2_wire.xml" in out.decode() and "ok" in out.decode()


async def test_a_feed_due_within_half_a_tick_is_polled_on_this_tick(core, feed_server: FeedServer) -> None:
    url = f"{feed_server.base}/wire"
    await ingest_feed_urls(core, [url])
    [row] = [r for r in core.store.feed_rows() if r["url"] == url]
    tick = row["next_poll"] - timedelta(microseconds=50)  # the tick fired a hair before the feed fell due
    before = feed_server.hits["/wire"]
    async with Fetcher(fetch_policy(core)) as fetcher:
        await poll_due_feeds(core, fetcher, tick)
        assert feed_server.hits["/wire"] == before  # without slack it waits a whole tick
        await poll_due_feeds(core, fetcher, tick, slack=timedelta(seconds=7.5))
    assert feed_server.hits["/wire"] == before + 1
