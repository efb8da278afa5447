"""Oversized posts against real platforms: each post stays within the platform's limits, and a
platform refusing one post's content fails that post only, never the subscription.

Slack: the emulator on 127.0.0.1 (its `msg_too_long` is injected). Matrix: a real Synapse, whose
own `M_TOO_LARGE` is provoked by lifting the renderer's budget for one post.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.chat import render_matrix
from bot.chat.matrix import MatrixAdapter, MatrixConfig
from bot.chat.matrix_state import JsonFileStateStore
from bot.chat.render_slack import MAX_MESSAGES_PER_POST
from bot.chat.slack import SlackAdapter, SlackConfig
from bot.domain import Post
from bot.runtime.app import Runtime
from bot.store.runtime_repo import NewPost
from tests.support.matrix_people import Person, wait_until
from tests.support.runtime_kit import drop_seed, make_core, wait_for
from tests.support.slack_emulator import (
    CHANNEL,
    EDITOR,
    SlackEmulator,
    slack_emulator,  # noqa: F401  (the fixture)
)
from tests.support.synapse_server import SynapseHarness

RUNAWAY = Post("Runaway " * 700_000, ["A line. " * 200_000])  # ~5.6 MB, as a feed item once made


def enqueue(rt: Runtime, key: str, platform: str, channel: str, post: Post, sub_id: int) -> None:
    rt.repo.enqueue([NewPost(key, platform, channel, post, "live", "hostage-talks", subscription_id=sub_id)])
    rt.worker.wake()


def status(rt: Runtime, key: str) -> tuple[str, str | None]:
    row = next(r for r in rt.repo.rows() if r.key == key)
    return row.status, row.error


@pytest.fixture
async def slack_runtime(env: dict[str, str], slack_emulator: SlackEmulator) -> AsyncIterator[Runtime]:  # noqa: F811
    core = make_core(env, seeds_rescan_seconds=0.2, admins={"slack": ()})
    config = SlackConfig(bot_token=slack_emulator.bot_token, app_token=slack_emulator.app_token,
                         api_url=slack_emulator.api_url)
    rt = Runtime(core, [SlackAdapter(config)])
    await rt.start()
    yield rt
    await rt.stop()
    core.close()


def bot_posts(emulator: SlackEmulator) -> list[dict[str, Any]]:
    messages = emulator.channels[CHANNEL].messages
    return [m for m in messages if m.get("user") == emulator.bot_user_id or m.get("bot_id")]


async def test_slack_runaway_post_is_capped_and_a_refused_post_leaves_the_subscription_on(
        slack_runtime: Runtime, slack_emulator: SlackEmulator, env: dict[str, str]) -> None:  # noqa: F811
    await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> subscribe hostage-talks")
    assert await wait_for(lambda: bool(slack_runtime.repo.subscriptions(platform="slack")), timeout=10)
    sub = slack_runtime.repo.subscriptions(platform="slack")[0]

    before = len(slack_emulator.calls_to("chat.postMessage"))
    enqueue(slack_runtime, "runaway", "slack", CHANNEL, RUNAWAY, sub.id)
    assert await wait_for(lambda: status(slack_runtime, "runaway")[0] == "sent", timeout=30)
    parts = slack_emulator.calls_to("chat.postMessage")[before:]
    assert 1 <= len(parts) <= MAX_MESSAGES_PER_POST and all(c.response.get("ok") for c in parts)
    assert "more characters not shown: too long for one message" in str(parts[-1].params.get("text"))

    slack_emulator.fail_next("chat.postMessage", error="msg_too_long")
    enqueue(slack_runtime, "refused", "slack", CHANNEL, Post("Refused by Slack"), sub.id)
    assert await wait_for(lambda: status(slack_runtime, "refused")[0] == "failed", timeout=20)
    assert "msg_too_long" in (status(slack_runtime, "refused")[1] or "")
    assert slack_runtime.repo.subscriptions(platform="slack")[0].enabled

    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")  # the subscription still delivers
    assert await wait_for(lambda: any("Qatar proposes" in str(m) for m in bot_posts(slack_emulator))
                          or any("Qatar proposes" in str(r) for m in bot_posts(slack_emulator)
                                 for r in m.get("replies", [])), timeout=20)


@pytest.fixture
async def matrix_runtime(env: dict[str, str], synapse: SynapseHarness, tmp_path: Path) -> AsyncIterator[Runtime]:
    config = MatrixConfig(homeserver=synapse.server.url, user_id=synapse.bot.user_id, password=synapse.bot.password,
                          state_path=str(tmp_path / "matrix-state.json"), sync_timeout_ms=5_000,
                          request_timeout=10.0, max_backoff=0.5, stop_grace=2.0)
    core = make_core(env, seeds_rescan_seconds=0.2)
    rt = Runtime(core, [MatrixAdapter(config, JsonFileStateStore(config.state_path))])
    await rt.start()
    yield rt
    await rt.stop()
    core.close()


def body(event: dict[str, Any]) -> str:
    return str(event.get("content", {}).get("body", ""))


@pytest.mark.synapse
async def test_matrix_runaway_post_fits_one_event_and_m_too_large_never_disables_the_subscription(
        matrix_runtime: Runtime, editor: Person, synapse: SynapseHarness, env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    bot_id = synapse.bot.user_id
    room = await editor.create_room(invite=[bot_id])

    async def joined() -> bool:
        return bot_id in await editor.members(room)

    await wait_until(joined, what="the bot to accept the invite")
    await editor.say(room, "!news subscribe hostage-talks")
    await editor.wait_for_event(room, lambda e: "Subscribed" in body(e) and e.get("sender") == bot_id)
    sub = matrix_runtime.repo.subscriptions(platform="matrix")[0]

    enqueue(matrix_runtime, "runaway", "matrix", room, RUNAWAY, sub.id)
    event = await editor.wait_for_event(room, lambda e: body(e).startswith("Runaway"), timeout=20)
    assert "more characters not shown: too long for one message" in body(event)

    monkeypatch.setattr(render_matrix, "CONTENT_BUDGET", 10_000_000)  # as if the renderer had no limit
    enqueue(matrix_runtime, "too-large", "matrix", room, Post("Too large", ["x " * 100_000]), sub.id)
    assert await wait_for(lambda: status(matrix_runtime, "too-large")[0] == "failed", timeout=20)
    assert "M_TOO_LARGE" in (status(matrix_runtime, "too-large")[1] or "")
    assert matrix_runtime.repo.subscriptions(platform="matrix")[0].enabled

    monkeypatch.undo()
    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")  # the subscription still delivers
    await editor.wait_for_event(room, lambda e: "Qatar proposes" in body(e), timeout=30)
