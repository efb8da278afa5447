"""Summary-only items get their article page's main text, fetched under the same guard."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from bot.domain import RawArticle
from bot.ingest.fetch import Fetcher
from bot.ingest.fulltext import complete_items
from bot.ingest.guard import FetchPolicy
from bot.ingest.poll import FeedState, poll_feed
from tests.support.feed_server import FeedServer

NOW = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)


async def test_summary_only_item_gets_the_article_text_without_page_furniture(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    state = FeedState(url=f"{feed_server.base}/summary-feed.xml", fulltext=True)
    outcome = await poll_feed(fetcher, state, NOW)
    assert outcome.items is not None
    full, missing = outcome.items
    assert full.url == f"{feed_server.base}/articles/004.html"  # relative link resolved
    assert "Qatar acting as the go-between for Hamas." in full.text
    assert "The Paris framework foresees a first humanitarian pause of six weeks" in full.text
    assert len(full.text.split("\n")) >= 6  # paragraphs kept as lines
    for furniture in ("Advertisement", "Related stories", "Privacy policy", "Copyright", "Newsletters",
                      "track(", "dataLayer"):
        assert furniture not in full.text
    assert full.summary == "The Israeli team came home from Cairo without a breakthrough."
    # The second item's page answers 404: it keeps its summary as its text.
    assert missing.text == "This item links to a page that answers 404." and missing.summary == ""
    assert feed_server.hits["/articles/004.html"] == 1 and feed_server.hits["/articles/missing.html"] == 1


async def test_long_items_are_not_fetched(feed_server: FeedServer, fetcher: Fetcher) -> None:
    state = FeedState(url=f"{feed_server.base}/feeds/rss2_wire.xml", fulltext=True)
    outcome = await poll_feed(fetcher, state, NOW)
    assert outcome.items is not None and all(len(i.text) >= 400 for i in outcome.items)
    assert not any(p.startswith("/articles/") for p in feed_server.hits)


async def test_article_links_are_guarded_too(feed_server: FeedServer) -> None:
    item = RawArticle(url=f"{feed_server.base}/articles/004.html", title="t", text="short", source="s",
                      published=None)
    async with Fetcher(FetchPolicy()) as strict:  # loopback not allowed
        (kept,) = await complete_items(strict, [item])
    assert kept == item and feed_server.hits["/articles/004.html"] == 0
    async with Fetcher(FetchPolicy(allow=("127.0.0.1",))) as allowed:
        done, ftp = await complete_items(allowed, [item, dataclasses.replace(item, url="ftp://x/y")])
    assert ftp.text == "short"
    assert "Qatar acting as the go-between for Hamas." in done.text and done.summary == "short"


async def test_a_non_html_link_keeps_the_summary(feed_server: FeedServer, fetcher: Fetcher) -> None:
    item = RawArticle(url=f"{feed_server.base}/feeds/rdf_agency.xml", title="t", text="short", source="s",
                      published=None)
    assert await complete_items(fetcher, [item]) == [item]


async def test_the_same_article_page_extracts_fully_every_time(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    # Items from several outlets linking to one page (syndication) must all get the full text.
    item = RawArticle(url=f"{feed_server.base}/articles/002.html", title="t", text="short", source="s",
                      published=None)
    done = await complete_items(fetcher, [dataclasses.replace(item, source=f"outlet {i}") for i in range(5)])
    assert len(done[0].text) > 1000 and all(d.text == done[0].text for d in done)
