"""Daily digest times across DST, flood folding, and retry backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.runtime.flood import fold_until
from bot.runtime.outbox import backoff
from bot.runtime.schedule import next_daily, previous_daily

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_daily_time_keeps_local_wall_clock_across_spring_forward() -> None:
    before = next_daily("08:00", "Europe/London", datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    after = next_daily("08:00", "Europe/London", before)
    assert before.astimezone(UTC) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # already summer time
    assert after.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert (before.hour, after.hour) == (8, 8)


def test_daily_time_keeps_local_wall_clock_across_fall_back_in_new_york() -> None:
    fire = next_daily("07:30", "America/New_York", datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    nxt = next_daily("07:30", "America/New_York", fire)
    assert fire.astimezone(UTC) == datetime(2026, 11, 1, 12, 30, tzinfo=UTC)  # EST from Nov 1
    assert nxt.astimezone(UTC) == datetime(2026, 11, 2, 12, 30, tzinfo=UTC)


def test_a_time_skipped_by_spring_forward_still_fires_that_day_once() -> None:
    fire = next_daily("01:30", "Europe/London", datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert fire.astimezone(UTC).date().isoformat() == "2026-03-29"
    assert next_daily("01:30", "Europe/London", fire).astimezone(UTC).date().isoformat() == "2026-03-30"


def test_next_is_strictly_after_and_previous_is_at_or_before() -> None:
    at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert next_daily("08:00", "UTC", at) == at + timedelta(days=1)
    assert previous_daily("08:00", "UTC", at) == at
    assert previous_daily("08:00", "UTC", at - timedelta(seconds=1)) == at - timedelta(days=1)


def test_posts_go_out_while_the_window_has_room() -> None:
    assert fold_until([], T0, 3, 600) is None
    assert fold_until([T0 - timedelta(seconds=10), T0 - timedelta(seconds=5)], T0, 3, 600) is None


def test_a_full_window_folds_until_the_oldest_post_slides_out() -> None:
    recent = [T0 - timedelta(seconds=300), T0 - timedelta(seconds=200), T0 - timedelta(seconds=100)]
    assert fold_until(recent, T0, 3, 600) == T0 + timedelta(seconds=300)


def test_posts_older_than_the_window_do_not_count() -> None:
    recent = [T0 - timedelta(seconds=700), T0 - timedelta(seconds=650), T0 - timedelta(seconds=10)]
    assert fold_until(recent, T0, 2, 600) is None


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == 300
