"""A big feed is parsed off the event loop, so other polls keep running meanwhile."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from bot.ingest.errors import NotAFeed
from bot.ingest.feeds import ParsedFeed, parse_feed_async
from tests.support.synthetic import big_rss

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"


async def _max_loop_gap_while(task: asyncio.Future[ParsedFeed]) -> float:
    """Largest delay seen by a 10 ms ticker while ``task`` runs."""
    worst = 0.0
    while not task.done():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        worst = max(worst, time.perf_counter() - before - 0.01)
    return worst


async def test_parsing_a_big_feed_in_a_thread_leaves_the_loop_responsive() -> None:
    body = big_rss(1000)
    started = time.perf_counter()
    task = asyncio.ensure_future(parse_feed_async(body, "https://wire.example/rss"))
    gap = await _max_loop_gap_while(task)
    parsed = await task
    took = time.perf_counter() - started
    assert len(parsed.items) == 1000
    assert took > 0.15  # the parse takes a while ...
    # ... yet the loop never stalled for more than part of it (inline, the stall is all of it);
    # relative to the parse time so that a loaded machine slows both alike (the GIL is shared, so
    # on a busy 2-core machine single stalls reach about a quarter of the parse)
    assert gap < max(0.1, took / 2)


async def test_parsing_in_a_process_pool_returns_items_and_errors() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        parsed = await parse_feed_async((FEEDS / "atom_outlet.xml").read_bytes(), "https://o.example/a",
                                        executor=pool)
        assert [i.guid for i in parsed.items][:1] == ["tag:outlet.example,2024:001"]
        with pytest.raises(NotAFeed, match="HTML web page"):
            await parse_feed_async((FEEDS / "not_a_feed.html").read_bytes(), "https://o.example/",
                                   executor=pool)
