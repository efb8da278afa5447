"""Polling feeds end to end over HTTP: state, conditional requests, failures and backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ingest.fetch import Fetcher
from bot.ingest.guard import FetchPolicy
from bot.ingest.poll import FeedState, poll_feed
from tests.support.feed_server import FeedServer

NOW = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)


async def test_second_poll_gets_304_and_no_items(feed_server: FeedServer, fetcher: Fetcher) -> None:
    state = FeedState(url=f"{feed_server.base}/feeds/atom_outlet.xml", interval_seconds=300)
    first = await poll_feed(fetcher, state, NOW)
    assert first.error is None and first.items is not None and len(first.items) == 4
    assert first.state.etag and first.state.body_hash and first.state.title == "Outlet world news"
    assert first.state.next_poll == NOW + timedelta(seconds=300)
    later = NOW + timedelta(minutes=5)
    second = await poll_feed(fetcher, first.state, later)
    assert second.items is None and second.error is None and not second.changed
    assert second.state.last_status == 304 and second.state.etag == first.state.etag
    assert second.state.last_polled == later


async def test_unchanged_body_without_validators_is_not_parsed_again(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    first = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/wire-plain"), NOW)
    assert first.items is not None and len(first.items) == 9 and first.state.etag is None
    second = await poll_feed(fetcher, first.state, NOW + timedelta(minutes=15))
    assert second.state.last_status == 200 and second.items is None
    assert second.state.body_hash == first.state.body_hash
    assert feed_server.hits["/wire-plain"] == 2


async def test_changed_body_is_parsed_again_and_the_feed_hints_set_the_next_poll(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    state = FeedState(url=f"{feed_server.base}/wire", interval_seconds=300)
    first = await poll_feed(fetcher, state, NOW)
    assert first.items is not None
    # ttl is 15 minutes, Cache-Control max-age 1800 s: the later hint wins over the 300 s interval.
    assert first.state.next_poll == NOW + timedelta(seconds=1800)
    feed_server.wire_version = "updated"
    second = await poll_feed(fetcher, first.state, NOW + timedelta(minutes=30))
    assert second.items is not None and len(second.items) == 9
    assert second.state.body_hash != first.state.body_hash
    assert [i.guid for i in second.items] == [i.guid for i in first.items]


async def test_server_error_is_recorded_with_backoff_and_no_exception(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    state = FeedState(url=f"{feed_server.base}/status/500", interval_seconds=300)
    delays = []
    for attempt in range(1, 4):
        outcome = await poll_feed(fetcher, state, NOW)
        state = outcome.state
        assert outcome.items is None and outcome.error is not None and "HTTP 500" in outcome.error
        assert state.error_count == attempt and state.last_status == 500 and state.last_error == outcome.error
        assert state.next_poll is not None
        delays.append((state.next_poll - NOW).total_seconds())
    assert delays == [600, 1200, 2400]


async def test_retry_after_on_503_is_honoured(feed_server: FeedServer, fetcher: Fetcher) -> None:
    state = FeedState(url=f"{feed_server.base}/status/503", interval_seconds=60)
    outcome = await poll_feed(fetcher, state, NOW)
    assert outcome.state.next_poll == NOW + timedelta(seconds=7200)


async def test_success_after_failures_resets_the_error_count(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    failing = FeedState(url=f"{feed_server.base}/feeds/rdf_agency.xml", error_count=3, last_error="boom")
    outcome = await poll_feed(fetcher, failing, NOW)
    assert outcome.items is not None and outcome.state.error_count == 0 and outcome.state.last_error is None


async def test_timeout_is_recorded_not_raised(feed_server: FeedServer) -> None:
    async with Fetcher(FetchPolicy(allow=("127.0.0.1",), read_timeout=0.3, deadline=1.0)) as fetcher:
        outcome = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/hang"), NOW)
    assert outcome.items is None and outcome.state.error_count == 1
    assert outcome.error is not None and "sent nothing for 0.3 seconds" in outcome.error


async def test_truncated_feed_yields_its_complete_items_with_a_warning(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    outcome = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/feeds/truncated.xml"), NOW)
    assert outcome.error is None and outcome.items is not None and len(outcome.items) == 3
    assert outcome.warning is not None and "cut off" in outcome.warning


async def test_web_page_instead_of_a_feed_is_an_error_with_a_clear_message(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = f"{feed_server.base}/feeds/not_a_feed.html"
    outcome = await poll_feed(fetcher, FeedState(url=url), NOW)
    assert outcome.items is None and outcome.state.error_count == 1
    assert outcome.error == f"{url} returned an HTML web page, not an RSS or Atom feed."
    assert outcome.state.body_hash is None  # a broken body is parsed again next time


async def test_items_record_the_configured_feed_url_even_after_a_redirect(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = f"{feed_server.base}/redirect/feed"
    outcome = await poll_feed(fetcher, FeedState(url=url), NOW)
    assert outcome.items is not None and len(outcome.items) == 9
    assert {i.origin for i in outcome.items} == {url}


async def test_private_redirect_is_recorded_as_an_error(feed_server: FeedServer, fetcher: Fetcher) -> None:
    outcome = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/redirect/private"), NOW)
    assert outcome.error is not None and "10.0.0.1 is a private address" in outcome.error


@pytest.mark.parametrize(
    ("name", "count", "title"),
    [
        ("rss2_wire.xml", 9, "Wire desk"),
        ("rss2_wire_updated.xml", 9, "Wire desk"),
        ("atom_outlet.xml", 4, "Outlet world news"),
        ("rdf_agency.xml", 4, "Agency"),
        ("quirks_regional.xml", 4, "Regional & wire"),
        ("truncated.xml", 3, "Wire desk"),
    ],
)
async def test_every_served_feed_polls_into_its_items(
    feed_server: FeedServer, fetcher: Fetcher, name: str, count: int, title: str
) -> None:
    outcome = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/feeds/{name}"), NOW)
    assert outcome.error is None and outcome.items is not None
    assert len(outcome.items) == count and outcome.state.title == title
    assert all(i.title and i.text and i.source == title for i in outcome.items)
    assert sum(i.published is not None for i in outcome.items) >= count - 1


async def test_billion_laughs_served_over_http_is_refused(feed_server: FeedServer, fetcher: Fetcher) -> None:
    outcome = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/feeds/billion_laughs.xml"), NOW)
    assert outcome.items is None and outcome.error is not None and "declares XML entities" in outcome.error
