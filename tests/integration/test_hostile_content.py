"""Hostile feed content and hostile chat input against the real runtime, store and a feed on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import escape

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.runtime.app import Runtime
from bot.runtime.feeds import ingest_feed_urls
from bot.store.schema import articles
from tests.support.runtime_kit import ConsoleChannel, article, make_core

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
async def hostile_feed() -> AsyncIterator[str]:
    """An RSS feed whose title and text carry screen clears, bells and OSC 8 hyperlinks."""
    url, date, title, text = article("001.txt")
    hostile_title = f"\x1b[2J\x1b[H{title}\x07\x1b]0;pwned\x07"
    hostile_text = text.replace("Qatar", "\x1b]8;;https://evil.example/\x1b\\Qatar\x1b]8;;\x1b\\", 1) + "\x1b[5m"
    html = "".join(f"<p>{escape(p)}</p>" for p in hostile_text.split("\n\n"))
    body = ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Desk\x1b]0;x\x07</title>"
            f"<item><title>{escape(hostile_title)}</title><link>{url}</link><guid>{url}</guid>"
            f"<pubDate>{date}T12:00:00Z</pubDate><description>{escape(html)}</description></item>"
            "</channel></rss>").encode()

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/feed.xml"
    finally:
        await runner.cleanup()


@pytest.fixture
async def runtime(env: dict[str, str]) -> AsyncIterator[tuple[Runtime, ConsoleChannel]]:
    channel = ConsoleChannel()
    core = make_core(env)
    rt = Runtime(core, [channel.adapter])
    yield rt, channel
    core.close()


async def test_terminal_escapes_from_a_feed_never_reach_the_store_or_the_console(
        runtime: tuple[Runtime, ConsoleChannel], hostile_feed: str) -> None:
    rt, channel = runtime
    report = await ingest_feed_urls(rt.core, [hostile_feed])
    assert report.added == 1 and report.updates, report.summary()
    with rt.core.store.engine.connect() as conn:
        rows = conn.execute(select(articles.c.title, articles.c.text, articles.c.source)).all()
    assert rows and all(not CONTROL.search(value) for row in rows for value in row), rows
    assert "evil.example" not in rows[0].text and "pwned" not in rows[0].title
    shown = await channel.say(rt, "digest") + await channel.say(rt, "who proposed a six-week pause?")
    assert "Qatar" in shown and not CONTROL.search(shown.replace("\n", "").replace("\t", ""))


async def test_opml_category_naming_an_unknown_story_is_refused_and_nothing_is_imported(
        runtime: tuple[Runtime, ConsoleChannel]) -> None:
    rt, channel = runtime
    opml = ('<opml version="2.0"><body><outline xmlUrl="https://a.example/rss" category="hostage-talks"/>'
            '<outline xmlUrl="https://b.example/rss" category="no-such-story"/></body></opml>')
    reply = await channel.say(rt, f"import opml {opml}")
    assert "Nothing was imported" in reply and "'no-such-story'" in reply and "tracked: hostage-talks" in reply
    assert rt.core.store.feed_rows() == []
    ok = await channel.say(rt, 'import opml <opml version="2.0"><body><outline xmlUrl="https://a.example/rss" '
                               'category="hostage-talks"/><outline xmlUrl="https://c.example/rss"/></body></opml>')
    assert "Imported 2 feed(s)." in ok and "(hostage-talks)" in ok and "(every story)" in ok


async def test_opml_with_ten_thousand_feeds_and_only_with_ten_thousand_words_are_refused_with_the_limit(
        runtime: tuple[Runtime, ConsoleChannel]) -> None:
    rt, channel = runtime
    outlines = "".join(f'<outline xmlUrl="https://x.example/{i}.xml"/>' for i in range(10_000))
    reply = await channel.say(rt, f'import opml <opml version="2.0"><body>{outlines}</body></opml>')
    assert "at most 500 can be imported at once" in reply and rt.core.store.feed_rows() == []
    words = ",".join(f"word{i}" for i in range(10_000))
    reply = await channel.say(rt, f"subscribe hostage-talks live only:{words}")
    assert "at most" in reply and "word9999" not in reply
    assert "This channel has no subscriptions." in await channel.say(rt, "subscriptions")
