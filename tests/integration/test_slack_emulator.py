"""The Slack emulator answers like Slack's Web API does: shapes, auth, parameters, limits, faults.

These check the test tool itself with the real slack-sdk client and plain HTTP, so the adapter
tests above it rest on something that behaves as documented.
"""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.slack_emulator import (
    ADMIN,
    CHANNEL,
    EDITOR,
    OUTSIDE_CHANNEL,
    SlackEmulator,
    slack_emulator,  # noqa: F401  (the fixture)
)


def client(emulator: SlackEmulator, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token or emulator.bot_token, base_url=emulator.api_url, retry_handlers=[])


async def test_auth_test_names_the_bot_user_and_team(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    answer = await client(slack_emulator).auth_test()
    assert answer["ok"] is True
    assert (answer["user_id"], answer["team_id"]) == (slack_emulator.bot_user_id, slack_emulator.team_id)


async def test_wrong_or_missing_tokens_are_refused_like_slack(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    with pytest.raises(SlackApiError) as wrong:
        await client(slack_emulator, "xoxb-nope").auth_test()
    assert wrong.value.response.status_code == 200 and wrong.value.response["error"] == "invalid_auth"
    async with (
        aiohttp.ClientSession(trust_env=False) as session,
        session.post(slack_emulator.api_url + "auth.test") as resp,
    ):
        assert (resp.status, await resp.json()) == (200, {"ok": False, "error": "not_authed"})
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await client(slack_emulator).apps_connections_open(app_token=slack_emulator.bot_token)


async def test_parameters_are_accepted_as_json_form_or_query(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    auth = {"Authorization": f"Bearer {slack_emulator.bot_token}"}
    url = slack_emulator.api_url + "chat.postMessage"
    async with aiohttp.ClientSession(trust_env=False) as session:
        async with session.post(url, json={"channel": CHANNEL, "text": "json"}, headers=auth) as resp:
            assert (await resp.json())["ok"] is True
        form = {"channel": CHANNEL, "text": "form", "token": slack_emulator.bot_token}
        async with session.post(url, data=form) as resp:
            assert (await resp.json())["ok"] is True
        async with session.get(url, params={"channel": CHANNEL, "text": "query"}, headers=auth) as resp:
            assert (await resp.json())["ok"] is True
    assert [m["text"] for m in slack_emulator.channels[CHANNEL].messages] == ["json", "form", "query"]
    assert [c.params["text"] for c in slack_emulator.calls_to("chat.postMessage")] == [
        "json",
        "form",
        "query",
    ]


async def test_threads_are_kept_and_read_back_with_conversations_replies(
    slack_emulator: SlackEmulator,  # noqa: F811
) -> None:
    web = client(slack_emulator)
    root, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "root")
    reply = await web.chat_postMessage(channel=CHANNEL, text="in thread", thread_ts=root)
    assert reply["message"]["thread_ts"] == root
    thread = await web.conversations_replies(channel=CHANNEL, ts=root)
    assert [m["text"] for m in thread["messages"]] == ["root", "in thread"]
    with pytest.raises(SlackApiError, match="thread_not_found"):
        await web.chat_postMessage(channel=CHANNEL, text="x", thread_ts="1.000000")


async def test_conversation_and_user_lookups(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    web = client(slack_emulator)
    info = await web.conversations_info(channel=OUTSIDE_CHANNEL)
    assert info["channel"]["is_member"] is False and info["channel"]["name"] == "random"
    user = await web.users_info(user=ADMIN)
    assert user["user"]["is_admin"] is True and user["user"]["is_owner"] is False
    with pytest.raises(SlackApiError, match="user_not_found"):
        await web.users_info(user="U0GHOST")


async def test_block_kit_limits_are_enforced(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    web = client(slack_emulator)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        await web.chat_postMessage(channel=CHANNEL, text="t", blocks=[section] * 51)
    long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        await web.chat_postMessage(channel=CHANNEL, text="t", blocks=[long])
    with pytest.raises(SlackApiError, match="msg_too_long"):
        await web.chat_postMessage(channel=CHANNEL, text="x" * 40001)
    with pytest.raises(SlackApiError, match="no_text"), pytest.warns(UserWarning, match="`text` argument"):
        await web.chat_postMessage(channel=CHANNEL)
    assert slack_emulator.channels[CHANNEL].messages == []


async def test_injected_429_carries_retry_after_and_stores_nothing(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    slack_emulator.rate_limit_next("chat.postMessage", retry_after=12)
    with pytest.raises(SlackApiError) as raised:
        await client(slack_emulator).chat_postMessage(channel=CHANNEL, text="hi")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "12"
    assert raised.value.response["error"] == "ratelimited"
    assert slack_emulator.channels[CHANNEL].messages == []
    await client(slack_emulator).chat_postMessage(channel=CHANNEL, text="hi")  # the fault was one-shot
    assert len(slack_emulator.channels[CHANNEL].messages) == 1


async def test_chat_update_only_edits_the_bots_own_messages(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    web = client(slack_emulator)
    mine = await web.chat_postMessage(channel=CHANNEL, text="v1")
    await web.chat_update(channel=CHANNEL, ts=mine["ts"], text="v2")
    assert slack_emulator.thread(CHANNEL, mine["ts"])[0]["text"] == "v2"
    theirs, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "mine")
    with pytest.raises(SlackApiError, match="cant_update_message"):
        await web.chat_update(channel=CHANNEL, ts=theirs, text="hacked")
    with pytest.raises(SlackApiError, match="message_not_found"):
        await web.chat_update(channel=CHANNEL, ts="1.000001", text="x")


async def test_response_url_takes_five_answers_then_refuses(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    url = slack_emulator.slash_payload(CHANNEL, EDITOR, "help")["response_url"]
    statuses = []
    async with aiohttp.ClientSession(trust_env=False) as session:
        for _ in range(6):
            async with session.post(url, json={"text": "ok", "response_type": "ephemeral"}) as resp:
                statuses.append((resp.status, await resp.text()))
    assert statuses == [(200, "ok")] * 5 + [(404, "used_url")]


async def test_socket_url_is_single_use_and_needs_a_ticket(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    opened = await client(slack_emulator).apps_connections_open(app_token=slack_emulator.app_token)
    assert opened["url"].startswith(f"ws://127.0.0.1:{slack_emulator.port}/")
    async with aiohttp.ClientSession(trust_env=False) as session:
        async with session.ws_connect(opened["url"]) as ws:
            hello = await ws.receive_json(timeout=5)
            assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == slack_emulator.app_id
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(opened["url"])


async def test_metadata_is_kept_and_read_back_only_with_include_all_metadata(
    slack_emulator: SlackEmulator,  # noqa: F811
) -> None:
    web = client(slack_emulator)
    meta = {"event_type": "newsdesk_post", "event_payload": {"key": "k1", "part": 0, "parts": 1}}
    posted = await web.chat_postMessage(channel=CHANNEL, text="tagged", metadata=meta)
    await web.chat_postMessage(channel=CHANNEL, text="in thread", thread_ts=posted["ts"], metadata=meta)
    plain = await web.conversations_history(channel=CHANNEL)
    assert [m["text"] for m in plain["messages"]] == ["tagged"] and "metadata" not in plain["messages"][0]
    full = await web.conversations_history(channel=CHANNEL, include_all_metadata=True)
    assert full["messages"][0]["metadata"] == meta
    replies = await web.conversations_replies(channel=CHANNEL, ts=posted["ts"], include_all_metadata=True)
    assert [m["metadata"]["event_payload"]["key"] for m in replies["messages"]] == ["k1", "k1"]
    with pytest.raises(SlackApiError, match="invalid_metadata_format"):
        await web.chat_postMessage(channel=CHANNEL, text="x", metadata={"event_type": "t"})


async def test_history_is_newest_first_paged_by_cursor_and_bounded_by_oldest(
    slack_emulator: SlackEmulator,  # noqa: F811
) -> None:
    web = client(slack_emulator)
    sent = [(await web.chat_postMessage(channel=CHANNEL, text=f"m{i}"))["ts"] for i in range(5)]
    first = await web.conversations_history(channel=CHANNEL, limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"] and first["has_more"] is True
    second = await web.conversations_history(channel=CHANNEL, limit=2,
                                             cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]
    recent = await web.conversations_history(channel=CHANNEL, oldest=sent[2])
    assert [m["text"] for m in recent["messages"]] == ["m4", "m3"]  # oldest is exclusive
    with pytest.raises(SlackApiError, match="not_in_channel"):
        await web.conversations_history(channel=OUTSIDE_CHANNEL)


async def test_a_held_call_takes_effect_but_is_not_answered(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    web = AsyncWebClient(token=slack_emulator.bot_token, base_url=slack_emulator.api_url, retry_handlers=[],
                         timeout=1)
    slack_emulator.hold_next("chat.postMessage")
    with pytest.raises(TimeoutError):
        await web.chat_postMessage(channel=CHANNEL, text="landed")
    assert [m["text"] for m in slack_emulator.channels[CHANNEL].messages] == ["landed"]
    slack_emulator.release_held()
    assert (await web.chat_postMessage(channel=CHANNEL, text="next"))["ok"] is True
