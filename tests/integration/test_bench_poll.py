"""The polling benchmark at a small scale: its feed farm answers as outlets do and each cycle is
what it claims to be (all new, all 304, one feed in ten changed), through the bot's real poller."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path

import aiohttp

from bench.feed_farm import FeedFarm, feed_body, item_count
from bench.poll_feeds import bench_store, feed_farm, parse_args


async def test_the_farm_serves_validators_and_answers_304_until_a_feed_publishes() -> None:
    farm = FeedFarm(3, 1)
    await farm.start()
    try:
        url = f"http://127.0.0.1:{farm.ports[0]}/feed/2.xml"
        async with aiohttp.ClientSession() as client:
            async def get(headers: dict[str, str] | None = None) -> tuple[int, bytes, Mapping[str, str]]:
                async with client.get(url, headers=headers or {}) as resp:
                    return resp.status, await resp.read(), resp.headers.copy()

            status, body, headers = await get()
            again, _, _ = await get({"If-None-Match": headers["ETag"]})
            by_date, _, _ = await get({"If-Modified-Since": headers["Last-Modified"]})
            farm.bump([2])
            after, new_body, _ = await get({"If-None-Match": headers["ETag"]})
    finally:
        await farm.stop()
    assert status == 200 and body == feed_body(2, 0)
    assert body.count(b"<entry>") == item_count(2)  # feed 2 is Atom
    assert again == 304 and by_date == 304
    assert after == 200 and new_body == feed_body(2, 1) != body


def test_each_cycle_polls_every_feed_and_ingests_only_what_is_new(tmp_path: Path) -> None:
    args = parse_args(["--feeds", "12", "--hosts", "3", "--latency", "off", "--repeat", "1"])
    with feed_farm(args.feeds, args.hosts) as farm:
        cycles = asyncio.run(bench_store(f"sqlite:///{tmp_path}/poll.db", tmp_path, farm, args))
    by_name = {cycle.name: cycle for cycle in cycles}
    assert [c.name for c in cycles] == ["first", "refetch", "304", "10% changed"]
    first, refetch, unchanged, changed = (by_name[n] for n in ("first", "refetch", "304", "10% changed"))
    assert first.served == {200: 12} and first.outcomes == {"poll.parsed": 12}
    assert first.added == 12 * 2  # the newest two items of each feed (max_items_per_feed=2)
    assert first.baseline is not None and 0 < first.fetch_parse <= first.total
    assert refetch.served == {200: 12} and refetch.added == 0  # parsed again, nothing new to store
    assert unchanged.served == {304: 12} and unchanged.outcomes == {"poll.unchanged": 12} and unchanged.added == 0
    assert changed.served == {200: 1, 304: 11} and changed.added == 2  # one feed published two items
