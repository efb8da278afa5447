"""Full-text fetching is capped: items per feed per poll, page fetches per poll and per host, newest first.

A real HTTP server on 127.0.0.1 serves a feed of 1,000 summary-only items, each linking to an
article page; the bot polls it once through the runtime's own path (`ingest_feed_urls`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from bot.runtime.feeds import ingest_feed_urls
from tests.support.runtime_kit import make_core, on_loopback

ITEMS = 1_000
START = datetime(2024, 3, 1, tzinfo=UTC)
PARAGRAPH = ("Mediators from Qatar and Egypt met negotiators in Cairo on Monday to discuss a hostage release "
             "and a pause in the fighting, officials said, adding that talks would continue later this week. ")


class ManyItems:
    """The feed (oldest item first in the document, so order alone cannot pass for 'newest') and its pages."""

    def __init__(self) -> None:
        self.page_hits: Counter[int] = Counter()
        self.base = ""

    async def feed(self, request: web.Request) -> web.Response:
        items = "".join(
            f"<item><title>Item {i}</title><link>{self.base}/page/{i}.html</link><guid>item-{i}</guid>"
            f"<pubDate>{format_datetime(START + timedelta(minutes=i), usegmt=True)}</pubDate>"
            f"<description>Short summary {i}.</description></item>" for i in range(ITEMS))
        body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Many</title>{items}</channel></rss>"
        return web.Response(text=body, content_type="application/rss+xml")

    async def page(self, request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        self.page_hits[number] += 1
        html = (f"<html><head><title>Item {number}</title></head><body><article><h1>Item {number}</h1>"
                + f"<p>{PARAGRAPH}</p>" * 4 + "</article></body></html>")
        return web.Response(text=html, content_type="text/html")


@pytest.fixture
async def many_items() -> AsyncIterator[ManyItems]:
    server = ManyItems()
    app = web.Application()
    app.router.add_get("/many.xml", server.feed)
    app.router.add_get("/page/{number}.html", server.page)
    async with on_loopback(app) as base:
        server.base = base
        yield server


async def test_a_feed_of_a_thousand_summary_items_costs_at_most_the_capped_fetches_newest_first(
        env: dict[str, str], many_items: ManyItems) -> None:
    core = make_core(env, max_items_per_feed=100, fulltext_per_poll=30, fulltext_per_host=20)
    try:
        report = await ingest_feed_urls(core, [f"{many_items.base}/many.xml"])
        assert report.added + report.merged == 100, report.summary()  # the newest 100 items of 1,000
        assert sum(many_items.page_hits.values()) == 20  # the per-host cap is the tighter one here
        assert set(many_items.page_hits) == set(range(ITEMS - 20, ITEMS))  # the newest pages
        assert max(many_items.page_hits.values()) == 1
    finally:
        core.close()


async def test_the_per_poll_cap_holds_when_it_is_the_tighter_one(env: dict[str, str], many_items: ManyItems) -> None:
    core = make_core(env, max_items_per_feed=50, fulltext_per_poll=7, fulltext_per_host=20)
    try:
        report = await ingest_feed_urls(core, [f"{many_items.base}/many.xml"])
        assert report.added + report.merged == 50
        assert set(many_items.page_hits) == set(range(ITEMS - 7, ITEMS))
    finally:
        core.close()
