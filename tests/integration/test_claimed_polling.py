"""Workers polling their claimed feeds on a real PostgreSQL, over real HTTP on 127.0.0.1: what a
poll cycle costs the database (statements per batch, not per feed) and that two workers polling
at once still poll each feed exactly once."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from bot.ingest.fetch import Fetcher
from bot.runtime.core import Core, build_core
from bot.runtime.feeds import fetch_policy, poll_claimed_feeds
from bot.settings import load_settings
from bot.store.cluster import FeedLeases
from bot.store.repo import now_utc
from bot.store.schema import feeds
from tests.support.feed_server import FeedServer

pytestmark = pytest.mark.postgres

FEEDS = 60
CLAIMED = re.compile(r"event=feeds_claimed count=(\d+) worker=(\S+)")


@pytest.fixture
def pg_core(env: dict[str, str], postgres_url: str) -> Iterator[Core]:
    """A core on a fresh PostgreSQL database (the shipped stories, loopback allowed)."""
    built = build_core(load_settings({**env, "NEWSDESK_DATABASE_URL": postgres_url}))
    yield built
    built.close()


def _add_feeds(core: Core, server: FeedServer, count: int) -> list[str]:
    urls = [f"{server.base}/bench/{i}" for i in range(count)]
    for url in urls:
        core.store.upsert_feed(url, defined_in="cli", interval_seconds=600, fulltext=False)
    return urls


def _make_all_due(core: Core) -> None:
    with core.store.engine.begin() as conn:
        conn.execute(update(feeds).values(next_poll=None))


@contextmanager
def statements_sent(core: Core) -> Iterator[list[str]]:
    """The first word of every statement the store's engine sends in the block (an executemany counts once)."""
    sent: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    event.listen(core.store.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(core.store.engine, "before_cursor_execute", note)


async def test_a_304_cycle_costs_statements_per_batch_not_per_feed(pg_core: Core, feed_server: FeedServer) -> None:
    urls = _add_feeds(pg_core, feed_server, FEEDS)
    leases = FeedLeases(pg_core.store.engine, "w1", lease_seconds=60)
    async with Fetcher(fetch_policy(pg_core)) as fetcher:
        first = await poll_claimed_feeds(pg_core, fetcher, leases, now_utc, batch=10)
        assert not first.failures
        _make_all_due(pg_core)
        feed_server.hits.clear()
        started = now_utc()
        with statements_sent(pg_core) as sent:
            await poll_claimed_feeds(pg_core, fetcher, leases, now_utc, batch=10)
    assert sum(feed_server.hits[f"/bench/{i}"] for i in range(FEEDS)) == FEEDS  # each feed asked once, 304
    rows = {row["url"]: row for row in pg_core.store.feed_rows()}
    for url in urls:  # every poll recorded, every lease given back, the next poll scheduled
        row = rows[url]
        assert row["last_status"] == "ok, unchanged" and row["lease_owner"] is None, row
        assert row["last_polled"] >= started and row["next_poll"] > started
    # each claim is one UPDATE ... RETURNING, each batch's record one (pipelined) UPDATE; the old
    # path sent a claim of four statements per batch plus a save and a release per feed (>= 120)
    assert len(sent) < FEEDS // 2 and set(sent) == {"UPDATE"}, sent


async def test_two_workers_polling_at_once_poll_each_feed_exactly_once(pg_core: Core, feed_server: FeedServer,
                                                                       postgres_url: str, env: dict[str, str],
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    other = build_core(load_settings({**env, "NEWSDESK_DATABASE_URL": postgres_url}))  # a second worker's store
    try:
        _add_feeds(pg_core, feed_server, FEEDS)
        mine = FeedLeases(pg_core.store.engine, "w1", lease_seconds=60)
        theirs = FeedLeases(other.store.engine, "w2", lease_seconds=60)
        async with Fetcher(fetch_policy(pg_core)) as fetcher:
            await poll_claimed_feeds(pg_core, fetcher, mine, now_utc, batch=10)  # first fetch and ingest
            _make_all_due(pg_core)
            feed_server.hits.clear()
            caplog.clear()
            with caplog.at_level(logging.INFO, logger="bot.runtime.feeds"):
                await asyncio.gather(poll_claimed_feeds(pg_core, fetcher, mine, now_utc, batch=5),
                                     poll_claimed_feeds(other, fetcher, theirs, now_utc, batch=5))
    finally:
        other.close()
    assert all(feed_server.hits[f"/bench/{i}"] == 1 for i in range(FEEDS)), feed_server.hits
    claimed = {"w1": 0, "w2": 0}
    for record in caplog.records:
        if (found := CLAIMED.search(record.getMessage())) is not None:
            claimed[found[2]] += int(found[1])
    assert claimed["w1"] and claimed["w2"] and sum(claimed.values()) == FEEDS  # both took a share, none twice
    later = now_utc() + timedelta(minutes=5)
    assert all(row["lease_owner"] is None and row["next_poll"] > later for row in pg_core.store.feed_rows())
