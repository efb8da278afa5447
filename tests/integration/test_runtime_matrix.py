"""The runtime with the real Matrix adapter against a real Synapse; the editor is a plain matrix-nio client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.chat.matrix import MatrixAdapter, MatrixConfig
from bot.chat.matrix_state import JsonFileStateStore
from bot.runtime.app import Runtime
from tests.support.matrix_people import Person, wait_until
from tests.support.runtime_kit import drop_seed, make_core
from tests.support.synapse_server import SynapseHarness

pytestmark = pytest.mark.synapse


@pytest.fixture
async def matrix_runtime(env: dict[str, str], synapse: SynapseHarness, tmp_path: Path) -> AsyncIterator[Runtime]:
    config = MatrixConfig(homeserver=synapse.server.url, user_id=synapse.bot.user_id, password=synapse.bot.password,
                          state_path=str(tmp_path / "matrix-state.json"), sync_timeout_ms=5_000,
                          request_timeout=10.0, max_backoff=0.5, stop_grace=2.0)
    core = make_core(env, seeds_rescan_seconds=0.2)
    holder: list[Runtime] = []

    async def replaced(old: str, new: str) -> None:
        await holder[0].room_replaced(old, new)

    rt = Runtime(core, [MatrixAdapter(config, JsonFileStateStore(config.state_path), on_room_replaced=replaced)])
    holder.append(rt)
    await rt.start()
    yield rt
    await rt.stop()
    core.close()


def body(event: dict[str, Any]) -> str:
    return str(event.get("content", {}).get("body", ""))


async def test_matrix_room_subscribes_and_gets_live_updates_in_a_thread_that_follows_a_room_upgrade(
        matrix_runtime: Runtime, editor: Person, synapse: SynapseHarness, env: dict[str, str]) -> None:
    bot_id = synapse.bot.user_id
    room = await editor.create_room(invite=[bot_id])

    async def joined() -> bool:
        return bot_id in await editor.members(room)

    await wait_until(joined, what="the bot to accept the invite")
    await editor.say(room, "!news subscribe hostage-talks")
    await editor.wait_for_event(room, lambda e: "Subscribed" in body(e) and e.get("sender") == bot_id)
    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
    parent = await editor.wait_for_event(room, lambda e: "live updates" in body(e), timeout=20)
    reply = await editor.wait_for_event(room, lambda e: "Qatar proposes" in body(e), timeout=20)
    relation = reply["content"].get("m.relates_to") or {}
    assert relation.get("rel_type") == "m.thread" and relation.get("event_id") == parent["event_id"]
    assert reply["type"] == "m.room.message" and reply["content"]["msgtype"] == "m.notice"  # no pings

    new_room = await editor.upgrade_room(room, "12")

    async def moved() -> bool:
        subs = matrix_runtime.repo.subscriptions(platform="matrix")
        return bool(subs) and subs[0].channel == new_room

    await wait_until(moved, timeout=20, what="the subscription to follow the room upgrade")
