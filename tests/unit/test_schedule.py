"""When the next poll happens: backoff after failures, feed hints after successes."""

from __future__ import annotations

from bot.ingest.fetch import parse_max_age
from bot.ingest.poll import MAX_BACKOFF_SECONDS, backoff_seconds, next_interval_seconds


def test_backoff_doubles_with_each_failure_and_is_capped_at_six_hours() -> None:
    delays = [backoff_seconds(300, n) for n in range(1, 9)]
    assert delays[:4] == [600, 1200, 2400, 4800]
    assert delays == sorted(delays)
    assert max(delays) == MAX_BACKOFF_SECONDS == 6 * 3600
    assert backoff_seconds(300, 1000) == MAX_BACKOFF_SECONDS


def test_feed_ttl_and_max_age_push_the_next_poll_later_but_never_sooner() -> None:
    assert next_interval_seconds(300) == 300
    assert next_interval_seconds(300, ttl_minutes=15) == 900
    assert next_interval_seconds(300, max_age=1800) == 1800
    assert next_interval_seconds(300, ttl_minutes=15, max_age=60) == 900
    assert next_interval_seconds(900, ttl_minutes=1, max_age=30) == 900  # never below the interval
    assert next_interval_seconds(300, ttl_minutes=7 * 24 * 60) == 2 * 3600  # a week's ttl is capped


def test_max_age_is_read_from_cache_control() -> None:
    assert parse_max_age("public, max-age=600") == 600
    assert parse_max_age("max-age=\"120\", must-revalidate") == 120
    assert parse_max_age("s-maxage=30") is None
    assert parse_max_age("no-cache, max-age=600") is None
    assert parse_max_age(None) is None
