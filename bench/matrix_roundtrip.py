"""Matrix round-trip benchmark against a real Synapse on 127.0.0.1.

Measures, over N questions: editor sends `!news ping N` -> the adapter's `on_message` sees it
(receive latency), and the adapter's threaded reply -> the editor's client sees it (answer
latency). Also reports Synapse start-up and a restart. Bounded: N defaults to 50, a 120 s guard,
and Synapse is always stopped.

Run: PYTHONPATH=. /work/venv/bin/python bench/matrix_roundtrip.py [--n 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.chat.matrix import MatrixAdapter, MatrixConfig
from bot.chat.matrix_state import MemoryStateStore
from bot.domain import IncomingMessage, Post
from tests.support.matrix_people import Person, wait_until
from tests.support.synapse_server import SynapseHarness, start_harness


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


async def _run(harness: SynapseHarness, n: int) -> None:
    url = harness.server.url
    config = MatrixConfig(homeserver=url, user_id=harness.bot.user_id, password=harness.bot.password)
    adapter = MatrixAdapter(config, MemoryStateStore())
    sent_at: dict[str, float] = {}
    received: list[float] = []
    answered: dict[str, float] = {}

    async def on_message(message: IncomingMessage) -> None:
        received.append(time.monotonic() - sent_at[message.text])
        event_id = await adapter.reply(message, Post(heading=f"pong {message.text}"))
        answered[event_id] = sent_at[message.text]

    editor = await Person.login(url, harness.editor)
    began = time.monotonic()
    await adapter.start(on_message)
    print(f"adapter login + first sync: {(time.monotonic() - began) * 1000:.0f} ms")
    try:
        room = await editor.create_room(invite=[harness.bot.user_id])

        async def joined() -> bool:
            return harness.bot.user_id in await editor.members(room)

        await wait_until(joined, what="join")
        round_trips: list[float] = []
        for i in range(n):
            text = f"ping {i}"
            sent_at[text] = time.monotonic()
            await editor.say(room, f"!news {text}")
            reply = await editor.wait_for_event(
                room, lambda e: e.get("sender") == harness.bot.user_id and e["type"] == "m.room.message"
            )
            round_trips.append(time.monotonic() - answered.get(reply["event_id"], sent_at[text]))
        print(f"{n} questions: message -> on_message {_ms(received)}")
        print(f"{n} questions: message -> threaded reply seen by the editor {_ms(round_trips)}")
    finally:
        await adapter.stop()
        await editor.close()


def main() -> None:
    """Start Synapse, run the round trips, print the figures, stop Synapse."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        began = time.monotonic()
        harness = start_harness(Path(tmp))
        print(f"Synapse start-up {harness.startup_seconds:.2f} s; with config + 3 users "
              f"{time.monotonic() - began:.2f} s")
        try:
            asyncio.run(asyncio.wait_for(_run(harness, args.n), timeout=120))
            print(f"Synapse restart {harness.server.restart():.2f} s")
        finally:
            harness.server.stop()


if __name__ == "__main__":
    main()
