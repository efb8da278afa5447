"""How /healthz judges the scheduler: running with a recent feed tick, or stopped, paused, stalled."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime.health import STALE_GRACE_SECONDS, scheduler_check
from bot.web.health import Check, Health


async def test_a_running_scheduler_is_alive_until_its_feed_tick_goes_stale() -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    assert scheduler_check(scheduler, None, 15) == Check(False, "stopped")
    scheduler.start()
    try:
        assert scheduler_check(scheduler, None, 15).ok  # just started: the first tick is on its way
        assert scheduler_check(scheduler, 1000.0, 15, now=1010.0) == Check(True, "running, last feed tick 10.0 s ago")
        limit = 3 * 15 + STALE_GRACE_SECONDS
        assert scheduler_check(scheduler, 1000.0, 15, now=1000.0 + limit).ok
        stalled = scheduler_check(scheduler, 1000.0, 15, now=1001.0 + limit)
        assert not stalled.ok and stalled.detail == f"stalled: no feed tick for {limit + 1:.0f} s (expected every 15 s)"
        scheduler.pause()
        assert scheduler_check(scheduler, 1000.0, 15, now=1001.0) == Check(False, "paused")
    finally:
        scheduler.shutdown(wait=False)


def test_health_is_ok_only_when_every_part_is_and_names_each_failing_part() -> None:
    good = Check(True, "fine")
    healthy = Health("single", good, good, {"slack": good, "matrix": good})
    assert healthy.ok and healthy.reasons() == [] and healthy.as_json()["status"] == "ok"
    sick = Health("follower", Check(False, "unreachable (x)"), good,
                  {"slack": good, "matrix": Check(False, "not connected")})
    assert not sick.ok
    assert sick.reasons() == ["store: unreachable (x)", "adapter matrix: not connected"]
    body = sick.as_json()
    assert body["status"] == "unhealthy" and body["role"] == "follower"
    assert body["adapters"]["matrix"] == {"connected": False, "detail": "not connected"}
