"""Fetching over real HTTP from the feed server on 127.0.0.1: limits, redirects and the URL guard."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from bot.ingest.errors import (
    BlockedURL,
    ConnectionFailed,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from bot.ingest.fetch import Fetcher
from bot.ingest.guard import FetchPolicy
from tests.support.dns_table import HostsTable
from tests.support.feed_server import FeedServer


async def test_conditional_get_gets_304_with_the_etag_and_with_last_modified(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = f"{feed_server.base}/feeds/rss2_wire.xml"
    first = await fetcher.fetch(url)
    assert first.status == 200 and first.body and b"Wire desk" in first.body
    assert first.etag and first.last_modified and not first.not_modified
    assert first.content_type == "application/rss+xml"
    by_etag = await fetcher.fetch(url, etag=first.etag)
    by_date = await fetcher.fetch(url, last_modified=first.last_modified)
    for again in (by_etag, by_date):
        assert again.status == 304 and again.not_modified and again.body is None


async def test_gzip_body_is_decoded(feed_server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(f"{feed_server.base}/gzip/atom_outlet.xml")
    assert result.body is not None and result.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


async def test_gzip_bomb_is_cut_off_at_the_size_cap(feed_server: FeedServer) -> None:
    async with Fetcher(FetchPolicy(allow=("127.0.0.1",), max_bytes=1_000_000)) as fetcher:
        with pytest.raises(TooLarge, match="1,000,000-byte limit"):
            await fetcher.fetch(f"{feed_server.base}/gzip-bomb")


async def test_server_error_raises_http_status_error_with_the_status(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.fetch(f"{feed_server.base}/status/500")
    assert caught.value.status == 500
    assert str(caught.value).endswith("answered HTTP 500 Internal Server Error.")


async def test_a_server_that_never_answers_times_out(feed_server: FeedServer) -> None:
    policy = FetchPolicy(allow=("127.0.0.1",), read_timeout=0.5, deadline=3.0)
    async with Fetcher(policy) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="/hang sent nothing for 0.5 seconds"):
            await fetcher.fetch(f"{feed_server.base}/hang")
    assert time.monotonic() - started < 2.0


async def test_fifty_megabyte_body_is_cut_off_quickly(feed_server: FeedServer, fetcher: Fetcher) -> None:
    started = time.monotonic()
    with pytest.raises(TooLarge, match="more than the 10,485,760-byte limit"):
        await fetcher.fetch(f"{feed_server.base}/huge")
    assert time.monotonic() - started < 3.0


async def test_declared_oversize_body_is_refused_before_reading(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    started = time.monotonic()
    with pytest.raises(TooLarge, match="declares a 52,428,800-byte body"):
        await fetcher.fetch(f"{feed_server.base}/huge-declared")
    assert time.monotonic() - started < 1.0


async def test_slow_drip_is_cut_off_by_the_overall_deadline(feed_server: FeedServer) -> None:
    # Each byte arrives well within the 2 s read timeout, so only the 2.5 s deadline can stop it.
    policy = FetchPolicy(allow=("127.0.0.1",), read_timeout=2.0, deadline=2.5)
    async with Fetcher(policy) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="within 2.5 seconds"):
            await fetcher.fetch(f"{feed_server.base}/drip")
        elapsed = time.monotonic() - started
    assert 2.4 < elapsed < 3.5


@pytest.mark.parametrize(
    ("path", "address", "reason"),
    [("/redirect/private", "10.0.0.1", "private"), ("/redirect/metadata", "169.254.169.254", "link-local")],
)
async def test_redirect_to_a_private_address_is_refused_before_connecting(
    feed_server: FeedServer, fetcher: Fetcher, path: str, address: str, reason: str
) -> None:
    with pytest.raises(BlockedURL) as caught:
        await fetcher.fetch(feed_server.base + path)
    assert f"{address} is a {reason} address and is not in NEWSDESK_FETCH_ALLOW" in str(caught.value)
    assert feed_server.hits[path] == 1


async def test_redirect_to_a_file_url_is_refused(feed_server: FeedServer, fetcher: Fetcher) -> None:
    with pytest.raises(BlockedURL, match="only http and https URLs are fetched, not file"):
        await fetcher.fetch(f"{feed_server.base}/redirect/file")


async def test_closed_port_is_a_connection_failure(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionFailed, match=f"Could not reach http://127.0.0.1:{port}/feed"):
        await fetcher.fetch(f"http://127.0.0.1:{port}/feed")


async def test_private_url_is_refused_without_any_request(fetcher: Fetcher) -> None:
    with pytest.raises(BlockedURL, match="10.0.0.1 is a private address"):
        await fetcher.fetch("http://10.0.0.1/feed.xml")


async def test_loopback_is_refused_before_connecting_unless_allowed(feed_server: FeedServer) -> None:
    url = f"{feed_server.base}/feeds/rss2_wire.xml"
    async with Fetcher(FetchPolicy()) as strict:
        with pytest.raises(BlockedURL, match="127.0.0.1 is a loopback address"):
            await strict.fetch(url)
    assert feed_server.hits["/feeds/rss2_wire.xml"] == 0
    async with Fetcher(FetchPolicy(allow=("127.0.0.1",))) as allowed:
        assert (await allowed.fetch(url)).status == 200
    assert feed_server.hits["/feeds/rss2_wire.xml"] == 1


async def test_host_name_resolving_to_loopback_is_refused_and_the_checked_address_is_the_one_used(
    feed_server: FeedServer,
) -> None:
    port = feed_server.base.rsplit(":", 1)[1]
    url = f"http://feeds.test:{port}/feeds/atom_outlet.xml"
    table = HostsTable({"feeds.test": "127.0.0.1"})
    async with Fetcher(FetchPolicy(), resolver=table) as strict:
        with pytest.raises(BlockedURL, match="feeds.test: it resolves to 127.0.0.1, a loopback address"):
            await strict.fetch(url)
    assert feed_server.hits["/feeds/atom_outlet.xml"] == 0
    async with Fetcher(FetchPolicy(allow=("127.0.0.1",)), resolver=table) as allowed:
        result = await allowed.fetch(url)
    assert result.body is not None and b"Outlet world news" in result.body


async def test_real_system_resolver_refuses_localhost(feed_server: FeedServer) -> None:
    port = feed_server.base.rsplit(":", 1)[1]
    async with Fetcher(FetchPolicy()) as strict:
        with pytest.raises(BlockedURL, match="localhost: it resolves to"):
            await strict.fetch(f"http://localhost:{port}/feeds/rdf_agency.xml")
    assert feed_server.hits["/feeds/rdf_agency.xml"] == 0


async def test_relative_redirect_is_followed(feed_server: FeedServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(f"{feed_server.base}/redirect/feed")
    assert result.final_url == f"{feed_server.base}/feeds/rss2_wire.xml" and result.redirects == 1


async def test_endless_redirects_stop_at_the_cap(feed_server: FeedServer, fetcher: Fetcher) -> None:
    with pytest.raises(TooManyRedirects, match="more than 5 times"):
        await fetcher.fetch(f"{feed_server.base}/redirect/loop/0")
    assert sum(n for p, n in feed_server.hits.items() if p.startswith("/redirect/loop/")) == 6


async def test_no_more_than_two_requests_per_host_at_once(feed_server: FeedServer, fetcher: Fetcher) -> None:
    started = time.monotonic()
    results = await asyncio.gather(*(fetcher.fetch(f"{feed_server.base}/slow/{i}") for i in range(5)))
    assert all(r.status == 200 for r in results)
    assert feed_server.max_in_flight == 2
    assert time.monotonic() - started >= 0.85  # three rounds of 0.3 s
