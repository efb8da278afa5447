"""Sharing work on one real PostgreSQL: feed-poll leases, the leader lock and the cluster-wide lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.store import Store, open_store
from bot.store.cluster import FeedLeases, LeaderLock, SessionLock
from bot.store.repo import now_utc
from bot.store.schema import feeds

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_url: str) -> Iterator[Store]:
    opened = open_store(postgres_url)
    for i in range(6):
        opened.upsert_feed(f"http://127.0.0.1:9/feed{i}.xml", defined_in="cli", interval_seconds=60)
    yield opened
    opened.close()


def test_two_claimers_split_the_due_feeds_and_never_share_one(store: Store) -> None:
    a = FeedLeases(store.engine, "a", lease_seconds=30)
    b = FeedLeases(store.engine, "b", lease_seconds=30)
    now = now_utc()
    got_a = {r["url"] for r in a.claim_due(now, limit=4, share=1)}
    got_b = {r["url"] for r in b.claim_due(now, limit=4, share=1)}
    assert len(got_a) == 4 and len(got_b) == 2 and not got_a & got_b
    assert b.claim_due(now) == [] and a.claim_due(now) == []  # everything due is held
    # a poll saves the next poll time, then gives the feed back: nobody finds it due any more
    url = sorted(got_a)[0]
    store.save_feed_state(url, next_poll=now + timedelta(minutes=1))
    a.release(url)
    assert b.claim_due(now) == []
    assert b.claim_due(now + timedelta(minutes=2)) and True  # due again a minute later, for anyone free


def test_a_few_due_feeds_are_spread_over_workers_not_taken_by_the_first(store: Store) -> None:
    workers = [FeedLeases(store.engine, f"w{i}", lease_seconds=30) for i in range(4)]
    now = now_utc()
    taken = [len(w.claim_due(now, limit=25)) for w in workers]
    assert taken == [2, 1, 1, 1]  # a quarter of what is due (rounded up), never more than the batch
    assert len(workers[0].claim_due(now, limit=25)) == 1  # the last one
    assert workers[1].claim_due(now, limit=25) == []


def test_a_claim_in_progress_is_skipped_not_waited_for(store: Store) -> None:
    a = FeedLeases(store.engine, "a", lease_seconds=30)
    with store.engine.connect() as holder:  # another worker is in the middle of claiming two rows
        trans = holder.begin()
        held = list(holder.execute(select(feeds.c.url).order_by(feeds.c.url).limit(2).with_for_update()).scalars())
        started = time.monotonic()
        got = {r["url"] for r in a.claim_due(now_utc(), limit=10, share=1)}
        assert time.monotonic() - started < 2  # SKIP LOCKED: no waiting on the other claim
        assert len(got) == 4 and not got & set(held)
        trans.rollback()


def test_a_dead_workers_claim_expires_and_a_live_one_is_renewed(store: Store) -> None:
    dead = FeedLeases(store.engine, "dead", lease_seconds=1)
    alive = FeedLeases(store.engine, "alive", lease_seconds=1)
    other = FeedLeases(store.engine, "other", lease_seconds=1)
    now = now_utc()
    assert len(dead.claim_due(now, limit=3, share=1)) == 3
    assert len(alive.claim_due(now, limit=3, share=1)) == 3
    for _ in range(3):  # "alive" keeps renewing while "dead" has stopped
        time.sleep(0.5)
        assert alive.renew() == 3
    taken = other.claim_due(now_utc(), limit=10, share=1)
    assert len(taken) == 3  # exactly the dead worker's three feeds
    with store.engine.connect() as conn:
        owners = dict(conn.execute(select(feeds.c.url, feeds.c.lease_owner)).all())
    assert sorted(owners.values()) == ["alive"] * 3 + ["other"] * 3
    assert dead.renew() == 0  # its claims are gone: a late renew takes nothing back


def test_the_leader_lock_has_one_holder_and_passes_on_when_its_connection_dies(store: Store) -> None:
    first, second = LeaderLock(store.engine), LeaderLock(store.engine)
    try:
        assert first.try_acquire() and not second.try_acquire()
        assert first.still_held()
        with store.engine.connect() as conn:  # the leader's connection is cut (as when its process is killed)
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_locks "
                              "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"))
        deadline = time.monotonic() + 5
        while not second.try_acquire() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert second.held
        assert not first.still_held()  # the old leader finds out at its next check
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def test_the_cluster_lock_excludes_other_processes_connections(postgres_url: str, store: Store) -> None:
    other = open_store(postgres_url)  # another worker: its own engine and pool
    mine, theirs = SessionLock(store.engine, "t"), SessionLock(other.engine, "t")
    inside: list[str] = []
    overlap = threading.Event()

    def work(lock: SessionLock, name: str) -> None:
        for _ in range(5):
            with lock.held():
                inside.append(name)
                if len(inside) > 1:
                    overlap.set()
                time.sleep(0.02)
                inside.remove(name)

    threads = [threading.Thread(target=work, args=(mine, "a")), threading.Thread(target=work, args=(theirs, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    mine.close()
    theirs.close()
    other.close()
    assert not overlap.is_set()
