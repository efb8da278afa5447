"""One poll of one feed: fetch conditionally, skip unchanged bodies, parse, schedule the next poll.

The lead's store persists `FeedState`; `poll_feed` takes the current state and returns the next
one, so this module keeps no state of its own. Failures never raise: they come back as
``PollOutcome.error`` with ``error_count`` raised and the next poll pushed back exponentially.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import RawArticle
from bot.ingest.errors import FeedError, FetchError, HTTPStatusError
from bot.ingest.feeds import ParsedFeed, parse_feed_async
from bot.ingest.fetch import Fetcher, FetchResult, redact
from bot.ingest.fulltext import MIN_CHARS, FulltextBudget, complete_items, newest_first

__all__ = ["MAX_BACKOFF_SECONDS", "MAX_HINT_SECONDS", "FeedState", "PollOutcome", "backoff_seconds",
           "next_interval_seconds", "poll_feed"]

log = logging.getLogger("bot.ingest.poll")

MAX_BACKOFF_SECONDS = 6 * 3600
MAX_HINT_SECONDS = 2 * 3600


@dataclass(frozen=True)
class FeedState:
    """What the bot remembers about a feed between polls (persisted by the store)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_status: int | None = None
    error_count: int = 0
    last_error: str | None = None
    last_polled: datetime | None = None
    next_poll: datetime | None = None
    interval_seconds: int = 900
    title: str | None = None
    fulltext: bool = False


@dataclass(frozen=True)
class PollOutcome:
    """The state to store next, and the items found (None when the feed had not changed or failed).

    ``error`` is set on failure; ``warning`` when the feed was read only in part (e.g. cut off).
    """

    state: FeedState
    items: list[RawArticle] | None
    error: str | None = None
    warning: str | None = None

    @property
    def changed(self) -> bool:
        """True when the feed had a new body that parsed."""
        return self.items is not None


def backoff_seconds(interval: int, failures: int, cap: int = MAX_BACKOFF_SECONDS) -> int:
    """Delay before retrying a feed that failed ``failures`` times in a row: doubles each time, capped."""
    if failures <= 0:
        return max(1, interval)
    return int(min(cap, max(1, interval) * 2 ** min(failures, 30)))


def next_interval_seconds(
    interval: int, ttl_minutes: int | None = None, max_age: int | None = None, cap: int = MAX_HINT_SECONDS
) -> int:
    """Delay before the next poll after a success.

    The feed's ``ttl`` and the response's Cache-Control ``max-age`` ask us to come back later;
    we do, up to ``cap``, but never sooner than the configured interval.
    """
    hints = [h for h in ((ttl_minutes or 0) * 60, max_age or 0) if h > 0]
    hinted = min(max(hints), cap) if hints else 0
    return max(interval, hinted)


async def poll_feed(
    fetcher: Fetcher,
    state: FeedState,
    now: datetime,
    *,
    min_chars: int = MIN_CHARS,
    executor: Executor | None = None,
    max_items: int | None = None,
    budget: FulltextBudget | None = None,
) -> PollOutcome:
    """Poll one feed once and return its next state and new items; never raises for feed trouble.

    A 304, or a 200 whose body hashes the same as last time, yields ``items=None`` without
    parsing. With ``state.fulltext`` short items get their article page's text (`complete_items`).
    ``executor`` is used for parsing and extraction (default: the fetcher's parsing processes for
    parsing, the loop's thread pool for extraction). At most
    ``max_items`` items are kept, the newest (the rest are left for good: they are the oldest),
    and full-text fetches draw on ``budget``, shared by the feeds of one poll round.
    """
    try:
        result = await fetcher.fetch(state.url, etag=state.etag, last_modified=state.last_modified)
    except FetchError as exc:
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        return _failed(state, now, str(exc), status, retry_after)
    etag = result.etag or (state.etag if result.not_modified else None)
    last_modified = result.last_modified or (state.last_modified if result.not_modified else None)
    base = dataclasses.replace(
        state, etag=etag, last_modified=last_modified, last_status=result.status, error_count=0,
        last_error=None, last_polled=now,
    )
    if result.not_modified or result.body is None:
        return _unchanged(base, now, result.max_age, "not_modified")
    body_hash = hashlib.sha256(result.body).hexdigest()
    if body_hash == state.body_hash:
        return _unchanged(base, now, result.max_age, "same_body")
    try:
        parsed = await _parse(fetcher, result, state, executor)
    except FeedError as exc:
        return _failed(state, now, str(exc), result.status, None)
    items = parsed.items
    if max_items is not None and len(items) > max_items:
        keep = set(newest_first(items)[:max_items])
        log.info("poll.items_capped url=%s items=%d kept=%d", redact(state.url), len(items), max_items)
        items = [item for index, item in enumerate(items) if index in keep]
    if state.fulltext:
        items = await complete_items(fetcher, items, min_chars, executor=executor, budget=budget)
    delay = next_interval_seconds(state.interval_seconds, parsed.ttl, result.max_age)
    new_state = dataclasses.replace(
        base, body_hash=body_hash, title=state.title or parsed.title,
        next_poll=now + timedelta(seconds=delay),
    )
    log.info("poll.parsed url=%s items=%d next_in=%ds", redact(state.url), len(items), delay)
    return PollOutcome(new_state, items, warning=parsed.warning)


async def _parse(fetcher: Fetcher, result: FetchResult, state: FeedState, executor: Executor | None) -> ParsedFeed:
    """Parse a fetched body off the event loop; if the fetcher's pool broke (a worker died), parse
    in a thread this time and let the fetcher start a new pool for the next feed."""
    assert result.body is not None
    pool = executor if executor is not None else fetcher.parse_executor()
    try:
        return await parse_feed_async(result.body, result.final_url, source=state.title,
                                      content_type=result.content_type, origin=state.url, executor=pool)
    except BrokenProcessPool:
        if pool is None or executor is not None:
            raise
        log.warning("event=parse_pool_broken url=%s", redact(state.url))
        fetcher.drop_parse_executor(pool)
        return await parse_feed_async(result.body, result.final_url, source=state.title,
                                      content_type=result.content_type, origin=state.url)


def _unchanged(base: FeedState, now: datetime, max_age: int | None, why: str) -> PollOutcome:
    delay = next_interval_seconds(base.interval_seconds, None, max_age)
    log.info("poll.unchanged url=%s why=%s next_in=%ds", redact(base.url), why, delay)
    return PollOutcome(dataclasses.replace(base, next_poll=now + timedelta(seconds=delay)), None)


def _failed(
    state: FeedState, now: datetime, error: str, status: int | None, retry_after: float | None
) -> PollOutcome:
    failures = state.error_count + 1
    delay = backoff_seconds(state.interval_seconds, failures)
    if retry_after:
        delay = int(min(MAX_BACKOFF_SECONDS, max(delay, retry_after)))
    new_state = dataclasses.replace(
        state, error_count=failures, last_error=error, last_status=status, last_polled=now,
        next_poll=now + timedelta(seconds=delay),
    )
    log.info("poll.failed url=%s failures=%d next_in=%ds error=%r", redact(state.url), failures, delay, error)
    return PollOutcome(new_state, None, error)
