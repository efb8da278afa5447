"""The Matrix adapter never trusts a sync position that may belong to another homeserver database.

Against a real Synapse: a saved state whose access token is refused, or which was saved for another
homeserver or another user, is discarded (and the log says so) before logging in again, so the bot
still sees the invites sent to it. The stale sync position is one from "the future" of this
homeserver's streams, as after its database was replaced by an older or a fresh one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.chat.matrix import MatrixAdapter, MatrixConfig
from bot.chat.matrix_state import JsonFileStateStore, MatrixState
from bot.domain import IncomingMessage
from tests.support.matrix_people import Person, wait_until
from tests.support.synapse_server import SynapseHarness

pytestmark = pytest.mark.synapse


@pytest.fixture
def config(synapse: SynapseHarness, tmp_path: Path) -> MatrixConfig:
    return MatrixConfig(homeserver=synapse.server.url, user_id=synapse.bot.user_id, password=synapse.bot.password,
                        state_path=str(tmp_path / "matrix-state.json"), sync_timeout_ms=2_000,
                        request_timeout=10.0, max_backoff=0.5, stop_grace=2.0)


async def real_state(config: MatrixConfig) -> MatrixState:
    """The state a bot saves after a normal start and first sync."""
    adapter = MatrixAdapter(config, JsonFileStateStore(config.state_path))
    inbox: asyncio.Queue[IncomingMessage] = asyncio.Queue()
    await adapter.start(inbox.put)
    await adapter.stop()
    saved = JsonFileStateStore(config.state_path).load()
    assert saved is not None and saved.next_batch and saved.access_token
    return saved


def from_the_future(token: str) -> str:
    """A sync token well ahead of every stream of this homeserver (as from a replaced database)."""
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1_000_000), token)


@pytest.fixture
async def started() -> AsyncIterator[list[MatrixAdapter]]:
    adapters: list[MatrixAdapter] = []
    yield adapters
    for adapter in adapters:
        await adapter.stop()


async def start_and_expect_invite(config: MatrixConfig, editor: Person, bot_id: str,
                                  started: list[MatrixAdapter]) -> None:
    adapter = MatrixAdapter(config, JsonFileStateStore(config.state_path))
    started.append(adapter)
    await adapter.start(asyncio.Queue().put)
    room = await editor.create_room(invite=[bot_id])

    async def joined() -> bool:
        return bot_id in await editor.members(room)

    await wait_until(joined, timeout=15, what="the bot to accept the invite")


async def test_a_refused_saved_token_discards_the_saved_sync_position_and_invites_are_seen(
        config: MatrixConfig, editor: Person, synapse: SynapseHarness, started: list[MatrixAdapter],
        caplog: pytest.LogCaptureFixture) -> None:
    saved = await real_state(config)
    saved.access_token = "syt_revoked_or_from_another_database"
    saved.next_batch = from_the_future(saved.next_batch)
    JsonFileStateStore(config.state_path).save(saved)
    with caplog.at_level(logging.INFO, logger="bot.chat.matrix"):
        await start_and_expect_invite(config, editor, synapse.bot.user_id, started)
    assert "matrix.sync_state_discarded" in caplog.text and "access token was refused" in caplog.text
    assert json.loads(Path(config.state_path).read_text())["next_batch"] != saved.next_batch


@pytest.mark.parametrize("other", ["homeserver", "user"])
async def test_state_saved_for_another_homeserver_or_user_is_discarded_and_logged(
        config: MatrixConfig, editor: Person, synapse: SynapseHarness, started: list[MatrixAdapter],
        caplog: pytest.LogCaptureFixture, other: str) -> None:
    saved = await real_state(config)
    saved.next_batch = from_the_future(saved.next_batch)  # the token is still valid here: only the origin differs
    if other == "homeserver":
        saved.homeserver = "https://matrix.old-server.example"
    else:
        saved.user_id = "@someone-else:localhost"
    JsonFileStateStore(config.state_path).save(saved)
    with caplog.at_level(logging.INFO, logger="bot.chat.matrix"):
        await start_and_expect_invite(replace(config), editor, synapse.bot.user_id, started)
    assert "matrix.state_discarded" in caplog.text and f"saved for another {other}" in caplog.text
    kept = json.loads(Path(config.state_path).read_text())
    assert kept["user_id"] == synapse.bot.user_id and kept["homeserver"] == synapse.server.url
