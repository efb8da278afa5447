"""Slack adapter round trip through the local emulator: mention -> handler -> threaded reply.

Measures, over Socket Mode on 127.0.0.1 with the unmodified bolt app, the time from an editor's
mention being pushed to the reply being recorded by the emulator's chat.postMessage, and how long
a long post takes to render and send as several messages. Everything stays on loopback.

usage: python -m bench.slack_roundtrip [N]   (default 200 mentions)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable

from bot.chat.slack import SlackAdapter, SlackConfig
from bot.domain import Citation, IncomingMessage, Post
from tests.support.slack_emulator import (
    CHANNEL,
    EDITOR,
    HOSTILE_ENV,
    RecordedCall,
    SlackEmulator,
    standard_workspace,
)


def replied_to(ts: str) -> Callable[[RecordedCall], bool]:
    """A predicate: the recorded call is a reply in the thread of `ts`."""
    return lambda call: call.params.get("thread_ts") == ts


async def run(count: int) -> None:
    for name in HOSTILE_ENV:
        os.environ.pop(name, None)
    emulator = SlackEmulator()
    standard_workspace(emulator)
    await emulator.start()
    adapter = SlackAdapter(
        SlackConfig(
            bot_token=emulator.bot_token,
            app_token=emulator.app_token,
            api_url=emulator.api_url,
            connect_timeout=5,
        )
    )
    citation = Citation("Talks resume", "https://news.example/a", "Wire", None, "Mediators met on Monday.")

    async def answer(message: IncomingMessage) -> None:
        await adapter.reply(message, Post("Answer", [f"You asked: {message.text}"], [citation]))

    try:
        await adapter.start(answer)
        await emulator.wait_for_connections(1)
        latencies = []
        for i in range(count):
            start = time.perf_counter()
            ts, _ = await emulator.user_says(CHANNEL, EDITOR, f"<@{emulator.bot_user_id}> question {i}?")
            await emulator.wait_for_call("chat.postMessage", replied_to(ts), timeout=5)
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        print(
            f"mention -> threaded reply over Socket Mode: n={count} "
            f"median={statistics.median(latencies):.1f} ms p95={latencies[int(0.95 * (count - 1))]:.1f} ms"
        )
        lines = [f"Line {i}: " + "negotiators met in Cairo " * 20 for i in range(400)]
        before = len(emulator.calls_to("chat.postMessage"))
        start = time.perf_counter()
        await adapter.send(CHANNEL, Post("Long digest", lines))
        parts = len(emulator.calls_to("chat.postMessage")) - before
        chars = sum(len(line) for line in lines)
        print(f"long post: {chars} chars -> {parts} messages in {(time.perf_counter() - start) * 1000:.1f} ms")
    finally:
        await adapter.stop()
        await emulator.stop()


def main() -> None:
    """Run the round-trip benchmark and print its figures."""
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))


if __name__ == "__main__":
    main()
