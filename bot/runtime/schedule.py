"""When daily digests fire: local wall-clock times in IANA zones, DST-correct.

The scheduler uses the same cron trigger, so what `subscriptions` shows is what will happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_SECOND = timedelta(seconds=1)


def daily_trigger(daily_at: str, timezone: str) -> CronTrigger:
    """A trigger firing every day at `daily_at` (HH:MM) local time in `timezone`."""
    hour, minute = (int(part) for part in daily_at.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(timezone))


def next_daily(daily_at: str, timezone: str, after: datetime) -> datetime:
    """The first firing time strictly after `after` (aware, in the local zone).

    On the night clocks go forward, a wall time that does not exist fires one gap later (01:30
    becomes 02:30 summer time); in autumn an ambiguous time fires once.
    """
    trigger = daily_trigger(daily_at, timezone)
    fire = trigger.get_next_fire_time(None, after + _SECOND if after.microsecond == 0 else after)
    if fire is None:  # a cron trigger without an end date always has a next time
        raise ValueError(f"no next time for {daily_at} {timezone}")
    return fire


def previous_daily(daily_at: str, timezone: str, before: datetime) -> datetime:
    """The latest firing time at or before `before` (to catch up on a digest missed while down)."""
    probe = next_daily(daily_at, timezone, before - timedelta(days=2))
    last = probe
    while probe <= before:
        last = probe
        probe = next_daily(daily_at, timezone, probe)
    return last
