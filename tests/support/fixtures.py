"""Fixtures for tests that fetch over HTTP: the feed server and a fetcher allowed onto loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.ingest.fetch import Fetcher
from bot.ingest.guard import FetchPolicy
from tests.support.feed_server import FeedServer, running_feed_server


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A `FeedServer` on 127.0.0.1 at a random port, stopped after the test."""
    async with running_feed_server() as server:
        yield server


@pytest.fixture
def loopback_policy() -> FetchPolicy:
    """The policy tests use: 127.0.0.1 allowed (as NEWSDESK_FETCH_ALLOW=127.0.0.1 would), short limits."""
    return FetchPolicy(allow=("127.0.0.1",), connect_timeout=2.0, read_timeout=2.0, deadline=4.0)


@pytest.fixture
async def fetcher(loopback_policy: FetchPolicy) -> AsyncIterator[Fetcher]:
    """An open `Fetcher` under `loopback_policy`."""
    async with Fetcher(loopback_policy) as opened:
        yield opened
