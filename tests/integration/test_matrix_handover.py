"""The Matrix session passes from one worker to the next through the store (real Synapse, real PostgreSQL).

Two adapters stand for two workers (each its own engine on the same database): the second one,
started after the first has gone, logs in as the same device, picks up the sync position where
the first left it (the message sent in between arrives, the one handled before is not replayed)
and a post the first one already sent under an outbox key is recognised, not posted again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.chat.matrix import MatrixAdapter, MatrixConfig
from bot.chat.matrix_state import DatabaseStateStore
from bot.domain import IncomingMessage, Post
from bot.store import open_store
from bot.store.runtime_repo import RuntimeRepo
from tests.support.matrix_people import Person, wait_until
from tests.support.synapse_server import SynapseHarness

pytestmark = [pytest.mark.synapse, pytest.mark.postgres]


async def test_the_next_leader_resumes_the_matrix_session_from_the_store(
        postgres_url: str, synapse: SynapseHarness, editor: Person, tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    local_file = tmp_path / "matrix-state.json"
    config = MatrixConfig(homeserver=synapse.server.url, user_id=bot_id, password=synapse.bot.password,
                          state_path=str(local_file), sync_timeout_ms=2_000, request_timeout=10.0,
                          max_backoff=0.5, stop_grace=2.0)
    first_store, second_store = open_store(postgres_url), open_store(postgres_url)
    first_state = DatabaseStateStore(RuntimeRepo(first_store.engine), bot_id)
    second_state = DatabaseStateStore(RuntimeRepo(second_store.engine), bot_id)
    first = MatrixAdapter(config, first_state)
    second = MatrixAdapter(config, second_state)
    try:
        inbox: asyncio.Queue[IncomingMessage] = asyncio.Queue()
        await first.start(inbox.put)
        room = await editor.create_room(invite=[bot_id])

        async def joined() -> bool:
            return bot_id in await editor.members(room)

        await wait_until(joined, timeout=15, what="the bot to join")
        await editor.mention(room, bot_id, "newsdesk", "who are the mediators?")
        handled = await asyncio.wait_for(inbox.get(), 15)
        assert "mediators" in handled.text
        sent = await first.send(room, Post("Posted once", ["a live update"]), key="live:matrix:handover:1")
        await first.stop()  # the leader is gone; what it handled and its device are in the store
        saved = first_state.load()
        assert saved is not None and saved.device_id and saved.next_batch

        await editor.mention(room, bot_id, "newsdesk", "what did Qatar propose?")  # while nobody leads
        inbox2: asyncio.Queue[IncomingMessage] = asyncio.Queue()
        await second.start(inbox2.put)
        resumed = await asyncio.wait_for(inbox2.get(), 15)
        assert "Qatar" in resumed.text  # the message sent in between arrives ...
        await asyncio.sleep(2.5)  # ... a full sync later, nothing else has
        assert inbox2.empty(), inbox2.get_nowait().text  # the question handled before is not replayed
        after = second_state.load()
        assert after is not None and after.device_id == saved.device_id  # the same device, no new login
        # the outbox retrying the first leader's post under the same key: the homeserver recognises it
        again = await second.send(room, Post("Posted once", ["a live update"]), key="live:matrix:handover:1")
        assert again == sent
        assert not local_file.exists()  # nothing was kept in a local file
    finally:
        await second.stop()
        first_store.close()
        second_store.close()
