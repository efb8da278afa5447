"""`add feed` through the console: fetched once at once with the poll's guard and caps; what is not a
feed is refused with the reason; a feed is shown by its title and newest items; `chat` promises no poll."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.runtime.app import Runtime
from tests.support.runtime_kit import ConsoleChannel, controlled_feed, make_core


@pytest.fixture
async def site() -> AsyncIterator[str]:
    """A web server on 127.0.0.1 with an HTML page, a 404 and a page that never answers."""
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><html><body><nav>Home | World</nav></body></html>",
                            content_type="text/html")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/page.html", page)
    app.router.add_get("/slow.xml", slow)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def _say(env: dict[str, str], lines: list[str], start: bool, **overrides: object) -> list[str]:
    channel = ConsoleChannel()
    core = make_core(env, **overrides)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=3600)
    if start:
        await rt.start(start_adapters=False)
    try:
        return [await channel.say(rt, line) for line in lines]
    finally:
        await rt.stop()
        core.close()


async def test_what_is_not_a_feed_is_refused_with_the_reason(env: dict[str, str], site: str) -> None:
    replies = await _say(env, [f"add feed {site}/missing.xml", f"add feed {site}/page.html",
                               "add feed http://127.0.0.1:9/feed.xml", "sources"], start=True)
    assert replies[0].startswith("Not added:") and "404" in replies[0]
    assert replies[1].startswith("Not added:") and "HTML web page" in replies[1]
    assert replies[2].startswith("Not added: Could not reach http://127.0.0.1:9/feed.xml")
    assert "127.0.0.1" not in replies[3]  # nothing was stored


async def test_a_feed_that_never_answers_times_out(env: dict[str, str], site: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.ingest.guard import FetchPolicy
    from bot.runtime import feed_check
    monkeypatch.setattr(feed_check, "fetch_policy",  # the poll's policy, with a one-second deadline
                        lambda core: FetchPolicy(allow=core.settings.fetch_allow, read_timeout=1.0, deadline=1.0))
    replies = await _say(env, [f"add feed {site}/slow.xml"], start=True)
    assert replies[0].startswith("Not added:") and "did not finish within 1 seconds" in replies[0]


async def test_a_feed_is_added_with_its_title_and_newest_items_and_only_once(env: dict[str, str]) -> None:
    async with controlled_feed() as feed:
        feed.items = ["001.txt", "002.txt", "004.txt", "008.txt"]
        replies = await _say(env, [f"add feed {feed.url} hostage-talks", f"add feed {feed.url}", "export opml",
                                   "stories"], start=True)
    added = replies[0]
    assert added.startswith(f"Added feed Test desk ({feed.url}) for hostage-talks.")
    assert "It carries 4 item(s); 4 were new to the store." in added
    newest = [line.strip() for line in added.splitlines() if line.strip().startswith("- ")]
    assert len(newest) == 3 and "Truce Talks between Israel, Hamas to Resume" in newest[0]
    assert "Qatar proposes" not in added  # the oldest is not among the three newest
    assert "polled every 15 minute(s)" in added
    assert "already added" in replies[1]
    assert 'title="Test desk"' in replies[2]
    assert "hostage-talks - Hostage-release talks: 4 article(s)" in replies[3]


async def test_in_chat_the_reply_promises_no_poll(env: dict[str, str]) -> None:
    async with controlled_feed() as feed:
        feed.items = ["001.txt"]
        replies = await _say(env, [f"add feed {feed.url}"], start=False)
    assert "This chat does not poll feeds; 'newsdesk-bot run' polls it" in replies[0]
    assert "will be polled" not in replies[0]


async def test_a_feed_added_while_the_scheduler_ticks_is_fetched_once_not_again_at_the_next_tick(
        env: dict[str, str]) -> None:
    channel = ConsoleChannel()
    core = make_core(env)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=0.05)
    await rt.start(start_adapters=False)
    try:
        async with controlled_feed() as feed:
            feed.items = ["001.txt"]
            reply = await channel.say(rt, f"add feed {feed.url} hostage-talks")
            assert reply.startswith("Added feed")
            await asyncio.sleep(1.0)  # twenty ticks: the feed is not due for 15 minutes
            assert feed.hits == 1
        row = next(r for r in core.store.feed_rows() if r["url"] == feed.url)
        assert row["next_poll"] is not None and row["last_status"] == "ok"
    finally:
        await rt.stop()
        core.close()


def test_a_new_feed_given_its_first_poll_time_is_not_due_before_it(env: dict[str, str]) -> None:
    from datetime import UTC, datetime, timedelta
    core = make_core(env)
    try:
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=15)
        core.store.upsert_feed("http://127.0.0.1:9/a.xml", first_poll=later)
        core.store.upsert_feed("http://127.0.0.1:9/b.xml")
        core.store.upsert_feed("http://127.0.0.1:9/a.xml", title="A", first_poll=None)  # an edit keeps the state
        rows = {r["url"]: r for r in core.store.feed_rows()}
        assert rows["http://127.0.0.1:9/a.xml"]["next_poll"] == later
        assert rows["http://127.0.0.1:9/a.xml"]["title"] == "A"
        assert rows["http://127.0.0.1:9/b.xml"]["next_poll"] is None  # due at once
    finally:
        core.close()
