"""Polling the stored feeds and ingesting what they carry, for the scheduler and `newsdesk-bot ingest URL`.

Polling state lives in the store's `feeds` table; `bot.ingest.poll.poll_feed` turns one state
into the next. Parsing happens off the event loop and ingest runs in a worker thread, so chat
keeps answering while feeds are read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.ingest.fetch import Fetcher
from bot.ingest.guard import FetchPolicy
from bot.ingest.pipeline import IngestReport
from bot.ingest.poll import FeedState, poll_feed
from bot.runtime.core import Core

log = logging.getLogger("bot.runtime.feeds")


def fetch_policy(core: Core) -> FetchPolicy:
    """The fetch limits for this bot: the allow-list from settings (NEWSDESK_FETCH_ALLOW)."""
    return FetchPolicy(allow=core.settings.fetch_allow)


def _state(row: dict[str, Any]) -> FeedState:
    status = row.get("last_status")
    return FeedState(
        url=row["url"], etag=row.get("etag"), last_modified=row.get("last_modified"), body_hash=row.get("body_hash"),
        last_status=int(status) if isinstance(status, str) and status.isdigit() else None,
        error_count=row.get("error_count") or 0, last_error=row.get("last_error"), last_polled=row.get("last_polled"),
        next_poll=row.get("next_poll"), interval_seconds=row.get("interval_seconds") or 900,
        title=row.get("title") or None, fulltext=bool(row.get("fulltext")))


def _save(core: Core, state: FeedState, items: int | None, error: str | None) -> None:
    values: dict[str, Any] = {
        "etag": state.etag, "last_modified": state.last_modified, "body_hash": state.body_hash,
        "last_status": ("error" if error else str(state.last_status or "ok")), "error_count": state.error_count,
        "last_error": state.last_error, "last_polled": state.last_polled, "next_poll": state.next_poll,
    }
    if items is not None:
        values["items_seen"] = items
    core.store.save_feed_state(state.url, **values)


async def poll_one(core: Core, fetcher: Fetcher, row: dict[str, Any], now: datetime,
                   lock: asyncio.Lock | None = None) -> IngestReport:
    """Poll one stored feed, save its new state and ingest its items (if the feed changed)."""
    outcome = await poll_feed(fetcher, _state(row), now)
    report = IngestReport()
    if outcome.items:
        raws = outcome.items
        if lock is not None:
            async with lock:
                report = await asyncio.to_thread(core.pipeline.ingest, raws)
        else:
            report = await asyncio.to_thread(core.pipeline.ingest, raws)
    if outcome.error:
        report.failures.append(f"{row['url']}: {outcome.error}")
    await asyncio.to_thread(_save, core, outcome.state, len(outcome.items) if outcome.items is not None else None,
                            outcome.error)
    log.info("event=feed_polled url=%s changed=%s error=%r added=%d updates=%d", row["url"], outcome.changed,
             outcome.error, report.added, len(report.updates))
    return report


async def poll_due_feeds(core: Core, fetcher: Fetcher, now: datetime, lock: asyncio.Lock | None = None) -> IngestReport:
    """Poll every stored feed whose next poll time has come (respecting each feed's interval and backoff)."""
    rows = await asyncio.to_thread(core.store.feed_rows)
    due = [r for r in rows if r["next_poll"] is None or r["next_poll"] <= now]
    report = IngestReport()
    results = await asyncio.gather(*(poll_one(core, fetcher, r, now, lock) for r in due))
    for r in results:
        report.merge(r)
    return report


async def ingest_feed_urls(core: Core, urls: Sequence[str]) -> IngestReport:
    """Fetch and ingest the given feed URLs once (they are remembered as feeds, polled from then on)."""
    report = IngestReport()
    known = {r["url"]: r for r in core.store.feed_rows()}
    async with Fetcher(fetch_policy(core)) as fetcher:
        for url in urls:
            if url not in known:
                core.store.upsert_feed(url, interval_seconds=core.settings.default_poll_seconds, defined_in="cli")
                known = {r["url"]: r for r in core.store.feed_rows()}
            row = dict(known[url])
            row["next_poll"] = None
            report.merge(await poll_one(core, fetcher, row, datetime.now(UTC)))
    return report
