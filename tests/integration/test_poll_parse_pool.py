"""Feeds are parsed in the fetcher's own processes, and a parsing process that dies costs no poll."""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from bot.ingest.fetch import Fetcher
from bot.ingest.guard import FetchPolicy
from bot.ingest.poll import FeedState, poll_feed
from tests.support.feed_server import FeedServer

NOW = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)


async def test_feeds_are_parsed_in_other_processes_and_a_killed_one_is_replaced(
    feed_server: FeedServer, loopback_policy: FetchPolicy
) -> None:
    async with Fetcher(loopback_policy, parse_workers=1) as fetcher:
        first = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/feeds/atom_outlet.xml"), NOW)
        assert first.error is None and first.items is not None and len(first.items) == 4
        pool = fetcher.parse_executor()
        assert isinstance(pool, ProcessPoolExecutor)
        workers = [pid for pid in pool._processes if pid != os.getpid()]  # the process that parsed it
        assert workers
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.2)
        second = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/feeds/rss2_wire.xml"), NOW)
        assert second.error is None and second.items is not None and len(second.items) == 9
        third = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/feeds/rdf_agency.xml"), NOW)
        assert third.error is None and third.items is not None
        replacement = fetcher.parse_executor()
        assert replacement is not pool and isinstance(replacement, ProcessPoolExecutor)


async def test_no_parsing_processes_when_asked_for_none(feed_server: FeedServer,
                                                        loopback_policy: FetchPolicy) -> None:
    async with Fetcher(loopback_policy, parse_workers=0) as fetcher:
        outcome = await poll_feed(fetcher, FeedState(url=f"{feed_server.base}/feeds/atom_outlet.xml"), NOW)
        assert outcome.items is not None and len(outcome.items) == 4
        assert fetcher.parse_executor() is None
