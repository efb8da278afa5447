"""The runtime's health, as /healthz reports it: store, scheduler, role and each chat adapter.

The store is asked a cheap query (SELECT 1) with a time limit; the scheduler counts as alive when
it runs and its feed-poll tick started or finished recently (a stuck or stopped scheduler goes
stale); each adapter reports whether it is connected to its platform now.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from apscheduler.schedulers.base import STATE_PAUSED, STATE_STOPPED, BaseScheduler
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.chat.port import ChatPort
from bot.redact import redact_text
from bot.web.health import Check, Health

STORE_TIMEOUT_SECONDS = 3.0
STALE_GRACE_SECONDS = 30.0  # beyond three ticks: a poll of many feeds may hold the tick this long


def _select_one(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


async def store_check(engine: Engine, timeout: float = STORE_TIMEOUT_SECONDS) -> Check:
    """Whether the store answers a trivial query within `timeout` seconds."""
    began = time.perf_counter()
    try:
        await asyncio.wait_for(asyncio.to_thread(_select_one, engine), timeout=timeout)
    except TimeoutError:
        return Check(False, f"unreachable (no answer within {timeout:g} s)")
    except Exception as exc:  # noqa: BLE001 - any driver error means the same to an operator
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return Check(False, f"unreachable ({redact_text(first_line)[:200]})")
    return Check(True, f"answered in {1000 * (time.perf_counter() - began):.0f} ms")


def scheduler_check(scheduler: BaseScheduler, last_tick: float | None, tick_seconds: float,
                    now: float | None = None) -> Check:
    """Whether the scheduler runs and its feed tick (monotonic time `last_tick`) is recent."""
    if scheduler.state == STATE_STOPPED:
        return Check(False, "stopped")
    if scheduler.state == STATE_PAUSED:
        return Check(False, "paused")
    if last_tick is None:
        return Check(True, "running, first feed tick pending")
    age = (time.monotonic() if now is None else now) - last_tick
    stale_after = 3 * tick_seconds + STALE_GRACE_SECONDS
    if age > stale_after:
        return Check(False, f"stalled: no feed tick for {age:.0f} s (expected every {tick_seconds:g} s)")
    return Check(True, f"running, last feed tick {age:.1f} s ago")


async def runtime_health(engine: Engine, scheduler: BaseScheduler, last_tick: float | None, tick_seconds: float,
                         role: str, ports: Mapping[str, ChatPort]) -> Health:
    """Gather every check into the report /healthz serves."""
    adapters = {name: Check(True, "connected") if port.connected else Check(False, "not connected")
                for name, port in ports.items()}
    return Health(role=role, store=await store_check(engine),
                  scheduler=scheduler_check(scheduler, last_tick, tick_seconds), adapters=adapters)
