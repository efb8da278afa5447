"""The runtime with the real Slack adapter, through the Slack emulator on 127.0.0.1 (real HTTP and websocket)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.chat.slack import SlackAdapter, SlackConfig
from bot.domain import Answer
from bot.runtime.app import Runtime
from tests.support.runtime_kit import controlled_feed, drop_seed, make_core, wait_for
from tests.support.slack_emulator import (
    ADMIN,
    CHANNEL,
    EDITOR,
    SlackEmulator,
    slack_emulator,  # noqa: F401  (the fixture)
)


def posts(emulator: SlackEmulator) -> list[dict]:  # type: ignore[type-arg]
    """Messages the bot posted in #newsdesk."""
    return [m for m in emulator.channels[CHANNEL].messages if m.get("user") == emulator.bot_user_id
            or m.get("bot_id")]


@pytest.fixture
async def slack_runtime(env: dict[str, str], slack_emulator: SlackEmulator) -> AsyncIterator[Runtime]:  # noqa: F811
    asked: list[tuple[str, str | None]] = []

    def ask(question: str, story: str | None) -> Answer:
        # stands in for the answerer (wired by the lead); records the scope the runtime chose
        asked.append((question, story))
        return Answer(question, None, f"(scope: {story})", story, None)

    core = make_core(env, seeds_rescan_seconds=0.2, admins={"slack": ()})
    config = SlackConfig(bot_token=slack_emulator.bot_token, app_token=slack_emulator.app_token,
                         api_url=slack_emulator.api_url)
    rt = Runtime(core, [SlackAdapter(config)], ask=ask)
    rt.asked = asked  # type: ignore[attr-defined]
    await rt.start()
    yield rt
    await rt.stop()
    core.close()


async def test_slack_channel_subscribes_gets_threaded_live_posts_and_questions_in_the_thread_are_scoped(
        slack_runtime: Runtime, slack_emulator: SlackEmulator, env: dict[str, str]) -> None:  # noqa: F811
    bot = f"<@{slack_emulator.bot_user_id}>"
    await slack_emulator.user_says(CHANNEL, EDITOR, f"{bot} subscribe hostage-talks")
    assert await wait_for(lambda: any("Subscribed" in str(m) for m in posts(slack_emulator)), timeout=10)
    # Slack asks us to slow down once: the post waits Retry-After and is then sent exactly once
    slack_emulator.rate_limit_next("chat.postMessage", retry_after=1)
    limited_at = time.monotonic()
    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
    assert await wait_for(lambda: any("Qatar proposes" in str(m) for m in posts(slack_emulator)), timeout=15)
    assert time.monotonic() - limited_at >= 1.0
    parent = next(m for m in posts(slack_emulator) if "live updates" in str(m))
    thread = slack_emulator.thread(CHANNEL, parent["ts"])
    assert len(thread) == 2 and "Qatar proposes" in str(thread[1])
    assert sum("Qatar proposes" in str(m) for m in posts(slack_emulator)) == 1
    # a question in the story's thread goes to the answerer scoped to that story, answered in the thread
    await slack_emulator.user_says(CHANNEL, EDITOR, "how many hostages first?", thread_ts=parent["ts"])
    assert await wait_for(lambda: bool(slack_runtime.asked), timeout=10)  # type: ignore[attr-defined]
    assert slack_runtime.asked[0] == ("how many hostages first?", "hostage-talks")  # type: ignore[attr-defined]
    assert await wait_for(lambda: "(scope: hostage-talks)" in str(slack_emulator.thread(CHANNEL, parent["ts"])))


async def test_slack_room_admin_may_add_a_feed_and_an_editor_may_not(
        slack_runtime: Runtime, slack_emulator: SlackEmulator) -> None:  # noqa: F811
    bot = f"<@{slack_emulator.bot_user_id}>"
    await slack_emulator.user_says(CHANNEL, EDITOR, f"{bot} add feed http://127.0.0.1:9/a.xml hostage-talks")
    # the refusal is for the editor alone: an ephemeral message, nothing posted in the channel
    refusal = await slack_emulator.wait_for_call("chat.postEphemeral", lambda c: "Only admins can use" in str(c.params),
                                                 timeout=10)
    assert refusal.ok and refusal.params["user"] == EDITOR
    assert "Only admins can use" not in str(posts(slack_emulator))
    assert slack_runtime.core.store.feed_rows() == []
    # an admin is heard, but a dead port is not a feed: refused with the reason, nothing stored
    await slack_emulator.user_says(CHANNEL, ADMIN, f"{bot} add feed http://127.0.0.1:9/a.xml hostage-talks")
    assert await wait_for(lambda: "Not added: Could not reach http://127.0.0.1:9/a.xml" in str(posts(slack_emulator)),
                          timeout=10)
    assert slack_runtime.core.store.feed_rows() == []
    async with controlled_feed() as feed:
        feed.items = ["001.txt", "004.txt"]
        await slack_emulator.user_says(CHANNEL, ADMIN, f"{bot} add feed {feed.url} hostage-talks")
        assert await wait_for(lambda: "Added feed Test desk" in str(posts(slack_emulator)), timeout=10)
        reply = str(posts(slack_emulator))
        assert "Israeli delegation returns from Cairo" in reply and "2 item(s)" in reply
        assert [r["url"] for r in slack_runtime.core.store.feed_rows()] == [feed.url]
        await slack_emulator.user_says(CHANNEL, ADMIN, f"{bot} add feed {feed.url}")
        assert await wait_for(lambda: "is already added" in str(posts(slack_emulator)), timeout=10)


async def test_slack_desk_mutes_a_live_story_while_keeping_its_daily_digest(
        slack_runtime: Runtime, slack_emulator: SlackEmulator, env: dict[str, str]) -> None:  # noqa: F811
    bot = f"<@{slack_emulator.bot_user_id}>"

    async def say(text: str, expect: str) -> str:
        await slack_emulator.user_says(CHANNEL, EDITOR, f"{bot} {text}")
        assert await wait_for(lambda: expect in str(posts(slack_emulator)), timeout=10), str(posts(slack_emulator))
        return str(posts(slack_emulator))

    await say("subscribe hostage-talks", "Subscribed")
    await say("subscribe hostage-talks daily 07:00", "Kept: hostage-talks: live")
    await say("mute hostage-talks 30m", "Muted hostage-talks here for 30 minutes")
    await say("subscriptions", "(muted until")
    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
    await slack_runtime.scan_seeds()
    assert not await wait_for(lambda: "Qatar proposes" in str(posts(slack_emulator)), timeout=1.5)
    await say("unmute hostage-talks", "Unmuted hostage-talks")
    assert await wait_for(lambda: "Qatar proposes" in str(posts(slack_emulator)), timeout=10)
    await say("unsubscribe hostage-talks live", "Still here: hostage-talks: daily 07:00")
