"""The Slack adapter driven end to end through the local Slack emulator with an unmodified bolt app.

Everything goes over real HTTP and websocket connections on 127.0.0.1: the emulator plays Slack
(Web API, Socket Mode, response_url, signed HTTP delivery); the adapter runs the real slack-bolt
AsyncApp and Socket Mode client pointed at it through SLACK_API_URL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from bot.chat.port import PermanentDeliveryError, RateLimited, TransientDeliveryError
from bot.chat.slack import SlackAdapter, SlackConfig, SlackStartError
from bot.domain import Citation, IncomingMessage, Post
from tests.support.slack_emulator import (
    ACK_DEADLINE,
    ADMIN,
    ARCHIVED_CHANNEL,
    CHANNEL,
    EDITOR,
    OUTSIDE_CHANNEL,
    OWNER,
    SlackEmulator,
    block_kit_problem,
    pings,
    slack_emulator,  # noqa: F401  (the fixture)
)

WAIT = 5.0
Handler = Callable[[IncomingMessage], Awaitable[None]]


class Inbox:
    """What the adapter hands to the runtime, plus an optional reaction (a stand-in router)."""

    def __init__(self) -> None:
        self.messages: list[IncomingMessage] = []
        self.queue: asyncio.Queue[IncomingMessage] = asyncio.Queue()
        self.react: Handler | None = None

    async def __call__(self, message: IncomingMessage) -> None:
        self.messages.append(message)
        await self.queue.put(message)
        if self.react is not None:
            await self.react(message)

    async def next(self) -> IncomingMessage:
        return await asyncio.wait_for(self.queue.get(), WAIT)


def config_for(emulator: SlackEmulator, **overrides: object) -> SlackConfig:
    values: dict[str, object] = {
        "bot_token": emulator.bot_token,
        "app_token": emulator.app_token,
        "api_url": emulator.api_url,
        "connect_timeout": WAIT,
    }
    values.update(overrides)
    return SlackConfig(**values)  # type: ignore[arg-type]


async def all_acked(emulator: SlackEmulator) -> None:
    """Every envelope pushed to the app was acked (an unacked one means an unrouted event), in time."""
    for envelope_id in list(emulator.envelopes):
        await emulator.wait_for_ack(envelope_id, WAIT)
        seconds = emulator.envelopes[envelope_id].ack_seconds
        assert seconds is not None and seconds < ACK_DEADLINE


@pytest.fixture
async def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
async def adapter(slack_emulator: SlackEmulator, inbox: Inbox) -> AsyncIterator[SlackAdapter]:  # noqa: F811
    """A started Socket Mode adapter; on teardown, checks that every envelope was acked."""
    slack = SlackAdapter(config_for(slack_emulator))
    await slack.start(inbox)
    await slack_emulator.wait_for_connections(1)
    try:
        yield slack
        await all_acked(slack_emulator)
    finally:
        await slack.stop()


def citation(title: str = "Talks resume in Cairo", url: str = "https://news.example/a?id=1&lang=en") -> Citation:
    return Citation(
        title=title,
        url=url,
        source="Example News",
        published=datetime(2024, 5, 6, 9, 30, tzinfo=UTC),
        sentence="Mediators from Qatar & Egypt met both sides on Monday.",
    )


def all_text(params: dict) -> str:
    """The fallback text and every text object of a recorded message, as Slack would parse them."""
    parts = [str(params.get("text", ""))]
    for block in params.get("blocks") or []:
        if block.get("type") == "section":
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            parts.append(element.get("text", ""))
    return "\n".join(parts)


# --------------------------------------------------------------------------------- incoming


async def test_mention_reaches_handler_with_channel_thread_and_sender(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    ts, envelopes = await slack_emulator.user_says(
        CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> what is new on rafah &amp; hostages?"
    )
    assert len(envelopes) == 2  # Slack sends app_mention and message for the same post
    message = await inbox.next()
    assert message == IncomingMessage(
        platform="slack",
        channel=CHANNEL,
        sender=EDITOR,
        text="what is new on rafah & hostages?",
        message_id=ts,
        thread=None,
        addressed=True,
    )
    # A follow-up in the thread (no mention) arrives too, with the thread it belongs to.
    reply_ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "and in Egypt?", thread_ts=ts)
    follow_up = await inbox.next()
    assert (follow_up.thread, follow_up.message_id, follow_up.addressed) == (ts, reply_ts, False)
    assert follow_up.text == "and in Egypt?"
    assert [m.message_id for m in inbox.messages] == [ts, reply_ts]  # the mention was not delivered twice


async def test_mention_inside_a_thread_carries_the_thread(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    root, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "morning all")
    ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> sources?", thread_ts=root)
    message = await inbox.next()
    assert (message.message_id, message.thread, message.addressed, message.text) == (
        ts,
        root,
        True,
        "sources?",
    )


async def test_mention_in_a_thread_is_delivered_once_and_addressed_whichever_event_comes_first(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    root, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "morning all")
    ts, _ = await slack_emulator.user_says(
        CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> sources?", thread_ts=root, message_first=True
    )
    marker_ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "thanks", thread_ts=root)
    await all_acked(slack_emulator)
    received = [await inbox.next(), await inbox.next()]
    assert {m.message_id: m.addressed for m in received} == {ts: True, marker_ts: False}
    assert len(inbox.messages) == 2


async def test_top_level_chatter_bot_posts_and_edits_are_not_handed_over(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    root, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "lunch anyone?")  # not in a thread
    bot_ts = await adapter.send(CHANNEL, Post("Digest"), thread=root)  # the emulator echoes it back
    await slack_emulator.push_event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": CHANNEL,
            "hidden": True,
            "ts": "1700000000.000100",
            "event_ts": "1700000000.000100",
            "message": {"type": "message", "user": EDITOR, "text": "edited", "ts": root, "thread_ts": root},
        }
    )
    await slack_emulator.push_event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0OTHER",
            "channel": CHANNEL,
            "text": "another bot",
            "ts": "1700000000.000200",
            "thread_ts": root,
            "event_ts": "1700000000.000200",
        }
    )
    marker_ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, "marker", thread_ts=root)
    await all_acked(slack_emulator)
    marker = await inbox.next()
    assert marker.message_id == marker_ts
    assert [m.message_id for m in inbox.messages] == [marker_ts]
    assert bot_ts


async def test_member_joined_channel_is_acked_and_logged(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.chat.slack")
    envelope = await slack_emulator.member_joins(CHANNEL, "U0NEWCOMER", inviter=ADMIN)
    assert await slack_emulator.wait_for_ack(envelope, WAIT) is None
    deadline = time.monotonic() + WAIT
    while not any("slack.member_joined" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "member_joined_channel was not logged"
        await asyncio.sleep(0.02)
    line = next(r.getMessage() for r in caplog.records if "slack.member_joined" in r.getMessage())
    assert f"channel={CHANNEL}" in line and "user=U0NEWCOMER" in line
    assert inbox.messages == []


# --------------------------------------------------------------------------------- replies


async def test_reply_posts_block_kit_in_the_thread_with_escaped_text_and_a_linked_citation(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    async def answer(message: IncomingMessage) -> None:
        post = Post(
            heading="Rafah & the <crossing>",
            lines=["Talks resume <today> in Cairo & Doha."],
            citations=[citation(title="Talks | resume > Cairo")],
        )
        await adapter.reply(message, post)

    inbox.react = answer
    ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> latest?")
    call = await slack_emulator.wait_for_call("chat.postMessage", lambda c: c.ok, timeout=WAIT)
    params = call.params
    assert params["thread_ts"] == ts and params["channel"] == CHANNEL
    assert params["unfurl_links"] is False and params["unfurl_media"] is False
    assert block_kit_problem(params["blocks"]) is None
    sections = [b["text"]["text"] for b in params["blocks"] if b["type"] == "section"]
    assert "*Rafah &amp; the &lt;crossing&gt;*" in sections[0]
    assert "Talks resume &lt;today&gt; in Cairo &amp; Doha." in "\n".join(sections)
    contexts = [el["text"] for b in params["blocks"] if b["type"] == "context" for el in b["elements"]]
    assert contexts[0].startswith("<https://news.example/a?id=1&amp;lang=en|Talks | resume &gt; Cairo>")
    assert "Example News" in contexts[0] and "2024-05-06" in contexts[0]
    assert any("Qatar &amp; Egypt" in c for c in contexts)
    assert "Rafah &amp; the &lt;crossing&gt;" in params["text"]  # plain fallback for notifications
    assert [m["ts"] for m in slack_emulator.thread(CHANNEL, ts)] == [ts, call.response["ts"]]


async def test_private_reply_is_ephemeral_to_the_sender_in_the_thread(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> admin stuff")
    message = await inbox.next()
    result = await adapter.reply(message, Post("Not allowed", ["Only admins can do that."]), private=True)
    call = await slack_emulator.wait_for_call("chat.postEphemeral", timeout=WAIT)
    assert call.ok and result == call.response["message_ts"]
    assert (call.params["user"], call.params["channel"], call.params["thread_ts"]) == (EDITOR, CHANNEL, ts)
    assert slack_emulator.calls_to("chat.postMessage") == []


async def test_broadcast_mentions_in_post_text_cannot_ping_anyone(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
) -> None:
    hostile = "<!channel> <!here> <!everyone> <@U0EDITOR> <!subteam^S123|@desk> @channel @here @Everyone"
    post = Post(heading="<!here> breaking", lines=[hostile], citations=[citation(title="<!channel> @here")])
    await adapter.send(CHANNEL, post)
    call = await slack_emulator.wait_for_call("chat.postMessage", timeout=WAIT)
    text = all_text(call.params)
    assert pings(text) == []
    for word in ("@channel", "@here", "@Everyone", "@everyone"):
        assert word not in text  # bare broadcast words carry an invisible joiner after the @
    assert "&lt;!channel&gt;" in text and "&lt;@U0EDITOR&gt;" in text  # still shown, as text
    assert all(el.get("verbatim") for b in call.params["blocks"] for el in [b.get("text", {})] if el)


async def test_long_post_is_split_into_messages_within_slack_limits_without_losing_text(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
) -> None:
    lines = [f"Line {i:03d}: " + ("negotiators & mediators " * 40).strip() for i in range(120)]
    lines.append("x" * 7000)  # one unbreakable run longer than a section
    post = Post(heading="Overnight digest", lines=lines, citations=[citation() for _ in range(60)])
    first = await adapter.send(CHANNEL, post)
    calls = slack_emulator.calls_to("chat.postMessage")
    assert len(calls) > 1 and all(c.ok for c in calls)
    assert first == calls[0].response["ts"]
    for call in calls:
        assert block_kit_problem(call.params["blocks"]) is None
        assert len(call.params["blocks"]) <= 50
        assert len(call.params["text"]) <= 40000
    for call in calls[1:]:
        assert call.params["thread_ts"] == first  # continuations follow in the first message's thread
    sections = "\n".join(b["text"]["text"] for c in calls for b in c.params["blocks"] if b["type"] == "section")
    position = 0
    for line in lines[:-1]:
        found = sections.find(line.replace("&", "&amp;"), position)
        assert found >= position, f"missing or out of order: {line[:20]}"
        position = found
    assert sections.replace("\n", "").count("x" * 100) == 70  # all 7,000 x's, split across sections
    contexts = [b for c in calls for b in c.params["blocks"] if b["type"] == "context"]
    assert sum(1 for b in contexts if b["elements"][0]["text"].startswith("<https://news.example")) == 60


async def test_edit_replaces_the_message_in_place(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
) -> None:
    ts = await adapter.send(CHANNEL, Post("Live: Rafah", ["09:00 crossing closed"]))
    await adapter.edit(CHANNEL, ts, Post("Live: Rafah", ["09:00 crossing closed", "10:15 crossing reopened"]))
    stored = slack_emulator.thread(CHANNEL, ts)[0]
    assert "10:15 crossing reopened" in stored["text"] and "edited" in stored
    assert len(slack_emulator.channels[CHANNEL].messages) == 1


# --------------------------------------------------------------------------------- slash command


async def test_slash_command_is_acked_handled_and_answered_in_channel_or_privately(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    envelope = await slack_emulator.slash_command(CHANNEL, EDITOR, "what's new on hostage-talks")
    assert await slack_emulator.wait_for_ack(envelope, WAIT) is None  # an empty ack, at once
    message = await inbox.next()
    assert (message.channel, message.sender, message.addressed, message.thread) == (
        CHANNEL,
        EDITOR,
        True,
        None,
    )
    assert message.text == "what's new on hostage-talks"

    ts = await adapter.reply(message, Post("Hostage talks", ["Nothing new since 09:00."]))
    public = await slack_emulator.wait_for_call("chat.postMessage", timeout=WAIT)
    assert public.params["channel"] == CHANNEL and "thread_ts" not in public.params
    assert ts == public.response["ts"]

    await adapter.reply(message, Post("Usage", ["/news <question>"]), private=True)
    private = await slack_emulator.wait_for_call("response_url", timeout=WAIT)
    assert private.status == 200 and private.params["response_type"] == "ephemeral"
    assert private.params["user"] == EDITOR and "/news &lt;question&gt;" in all_text(private.params)


async def test_slash_command_is_acked_before_a_slow_handler_finishes(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    release = asyncio.Event()

    async def slow(message: IncomingMessage) -> None:
        await release.wait()  # e.g. answering a question from the store
        await adapter.reply(message, Post("Answer", ["Done."]))

    inbox.react = slow
    envelope = await slack_emulator.slash_command(CHANNEL, EDITOR, "who mediates?")
    await slack_emulator.wait_for_ack(envelope, WAIT)
    seconds = slack_emulator.envelopes[envelope].ack_seconds
    assert seconds is not None and seconds < ACK_DEADLINE
    await inbox.next()  # the handler has the message and is still working
    assert slack_emulator.calls_to("chat.postMessage") == []
    release.set()
    await slack_emulator.wait_for_call("chat.postMessage", lambda c: c.ok, timeout=WAIT)


async def test_slash_command_in_a_channel_without_the_bot_is_answered_through_response_url(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    await slack_emulator.slash_command(OUTSIDE_CHANNEL, EDITOR, "status")
    message = await inbox.next()
    await adapter.reply(message, Post("Status", ["Tracking 2 stories."]))
    refused = await slack_emulator.wait_for_call("chat.postMessage", timeout=WAIT)
    assert refused.response["error"] == "not_in_channel"
    answered = await slack_emulator.wait_for_call("response_url", timeout=WAIT)
    assert answered.status == 200 and answered.params["response_type"] == "in_channel"
    assert answered.params["channel"] == OUTSIDE_CHANNEL


async def test_private_answer_to_a_slash_command_survives_an_expired_response_url(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    await slack_emulator.slash_command(CHANNEL, EDITOR, "bogus")
    message = await inbox.next()
    assert message.message_id.startswith("command:")
    slack_emulator.expire_response_urls()
    ts = await adapter.reply(message, Post("Usage", ["/news help"]), private=True)
    expired = await slack_emulator.wait_for_call("response_url", timeout=WAIT)
    assert expired.status == 404
    call = await slack_emulator.wait_for_call("chat.postEphemeral", timeout=WAIT)
    assert call.ok and ts == call.response["message_ts"]
    assert (call.params["user"], call.params["channel"]) == (EDITOR, CHANNEL)
    assert "thread_ts" not in call.params


# --------------------------------------------------------------------------------- errors


async def test_http_429_raises_rate_limited_with_retry_after_and_posts_nothing_twice(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
) -> None:
    slack_emulator.rate_limit_next("chat.postMessage", retry_after=7)
    with pytest.raises(RateLimited) as raised:
        await adapter.send(CHANNEL, Post("Digest", ["one"]))
    assert raised.value.retry_after == 7
    assert len(slack_emulator.calls_to("chat.postMessage")) == 1  # the SDK did not retry behind our back
    assert slack_emulator.channels[CHANNEL].messages == []
    await adapter.send(CHANNEL, Post("Digest", ["one"]))  # the caller's retry, after waiting
    assert len(slack_emulator.channels[CHANNEL].messages) == 1


async def test_a_split_post_interrupted_by_a_rate_limit_resumes_without_reposting_parts(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
) -> None:
    post = Post("Overnight digest", [f"Line {i}: " + "talks " * 400 for i in range(40)])
    slack_emulator.rate_limit_next("chat.postMessage", retry_after=2, skip=1)  # part 2 is refused
    with pytest.raises(RateLimited):
        await adapter.send(CHANNEL, post)
    stored = slack_emulator.channels[CHANNEL].messages
    assert len(stored) == 1
    first = await adapter.send(CHANNEL, post)  # the caller's retry of the same post
    assert first == stored[0]["ts"]
    texts = [m["text"] for m in stored]
    assert len(texts) == len(set(texts)) > 2  # every part exactly once
    assert all(m.get("thread_ts") == first for m in stored[1:])


async def test_every_part_carries_the_outbox_key_and_a_fresh_adapter_finds_the_post_instead_of_reposting(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
) -> None:
    post = Post("Overnight digest", [f"Line {i}: " + "talks " * 400 for i in range(40)])
    slack_emulator.fail_next("chat.postMessage", error="internal_error", status=500, skip=2)  # part 3 fails
    with pytest.raises(TransientDeliveryError):
        await adapter.send(CHANNEL, post, key="digest:k1")
    stored = slack_emulator.channels[CHANNEL].messages
    assert [m["metadata"]["event_payload"]["part"] for m in stored] == [0, 1]
    assert {m["metadata"]["event_payload"]["key"] for m in stored} == {"digest:k1"}
    parts = stored[0]["metadata"]["event_payload"]["parts"]
    assert parts == 3
    # after a restart (a new adapter, nothing remembered) the outbox asks before retrying
    fresh = SlackAdapter(config_for(slack_emulator))
    await fresh.start(Inbox())
    try:
        assert await fresh.find_sent(CHANNEL, None, "digest:k1") is None  # incomplete: send the rest
        first = await fresh.send(CHANNEL, post, key="digest:k1")
        assert first == stored[0]["ts"] and len(stored) == parts
        assert [m["metadata"]["event_payload"]["part"] for m in stored] == list(range(parts))
        assert all(m["thread_ts"] == first for m in stored[1:])
        assert await fresh.find_sent(CHANNEL, None, "digest:k1") == first  # complete: nothing to send
        assert await fresh.find_sent(CHANNEL, None, "digest:other") is None
        # a key inside a thread is looked up in that thread
        reply = await fresh.send(CHANNEL, Post("In the thread"), thread=first, key="digest:k1:1")
        assert await fresh.find_sent(CHANNEL, first, "digest:k1:1") == reply
        # without the history scope the key cannot be checked: the caller sends (at least once)
        slack_emulator.fail_next("conversations.history", error="missing_scope")
        assert await fresh.find_sent(CHANNEL, None, "digest:k1") is None
    finally:
        await fresh.stop()


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("C0NOSUCHCHAN", "channel_not_found"),
        (OUTSIDE_CHANNEL, "not_in_channel"),
        (ARCHIVED_CHANNEL, "is_archived"),
    ],
)
async def test_unusable_channels_raise_permanent_delivery_errors(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    channel: str,
    error: str,
) -> None:
    with pytest.raises(PermanentDeliveryError, match=error):
        await adapter.send(channel, Post("Digest", ["one"]))
    assert slack_emulator.calls_to("chat.postMessage")[-1].response["error"] == error


@pytest.mark.parametrize(
    ("status", "error", "body", "content_type"),
    [
        (200, "ratelimited", None, ""),
        (500, "internal_error", None, ""),
        (503, "x", None, ""),
        (502, "", "<html>502 Bad Gateway</html>", "text/html"),
        (200, "", '{"ok": tru', "application/json"),
    ],
)
async def test_server_trouble_raises_transient_delivery_errors(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    status: int,
    error: str,
    body: str | None,
    content_type: str,
) -> None:
    slack_emulator.fail_next(
        "chat.postMessage", error=error, status=status, body=body, content_type=content_type or "text/html"
    )
    with pytest.raises(TransientDeliveryError):
        await adapter.send(CHANNEL, Post("Digest", ["one"]))


async def test_is_admin_follows_slack_admin_and_owner_flags(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
) -> None:
    assert await adapter.is_admin(CHANNEL, ADMIN) is True
    assert await adapter.is_admin(CHANNEL, OWNER) is True
    assert await adapter.is_admin(CHANNEL, EDITOR) is False
    assert await adapter.is_admin(CHANNEL, "U0NOBODY") is False
    assert {c.params["user"] for c in slack_emulator.calls_to("users.info")} == {
        ADMIN,
        OWNER,
        EDITOR,
        "U0NOBODY",
    }


# --------------------------------------------------------------------------------- connection


async def test_socket_disconnect_reconnects_and_no_event_is_lost(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    await slack_emulator.disconnect()
    during, _ = await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> during")
    await slack_emulator.wait_for_connections(2, timeout=WAIT)
    assert len(slack_emulator.calls_to("apps.connections.open")) == 2
    after, _ = await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> after")
    received = {(await inbox.next()).message_id, (await inbox.next()).message_id}
    assert received == {during, after}
    assert len(inbox.messages) == 2  # and nothing twice


async def test_an_event_slack_delivers_again_is_handled_once(
    slack_emulator: SlackEmulator,  # noqa: F811
    adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    ts, envelopes = await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> once")
    await all_acked(slack_emulator)
    assert (await inbox.next()).message_id == ts
    for envelope in envelopes:
        await slack_emulator.redeliver(envelope)  # retry_attempt 1, as after a late ack
    await all_acked(slack_emulator)
    marker_ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> next")
    assert (await inbox.next()).message_id == marker_ts
    assert [m.message_id for m in inbox.messages] == [ts, marker_ts]


async def test_start_fails_clearly_on_a_rejected_bot_token(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    slack = SlackAdapter(config_for(slack_emulator, bot_token="xoxb-wrong"))
    with pytest.raises(SlackStartError, match="invalid_auth"):
        await slack.start(Inbox())
    await slack.stop()


async def test_start_gives_up_on_a_rejected_app_token_within_the_time_limit(
    slack_emulator: SlackEmulator,  # noqa: F811
) -> None:
    slack = SlackAdapter(config_for(slack_emulator, app_token="xapp-wrong", connect_timeout=1.0))
    with pytest.raises(SlackStartError, match="Socket Mode"):
        await slack.start(Inbox())
    await slack.stop()
    assert slack_emulator.calls_to("apps.connections.open")[0].response["error"] == "invalid_auth"


# --------------------------------------------------------------------------------- HTTP mode


@pytest.fixture
async def http_adapter(slack_emulator: SlackEmulator, inbox: Inbox) -> AsyncIterator[SlackAdapter]:  # noqa: F811
    slack = SlackAdapter(
        config_for(slack_emulator, mode="http", signing_secret=slack_emulator.signing_secret, http_port=0)
    )
    await slack.start(inbox)
    try:
        yield slack
    finally:
        await slack.stop()


def mention_body(emulator: SlackEmulator, text: str) -> bytes:
    ts = f"{int(time.time())}.000777"
    event = {
        "type": "app_mention",
        "user": EDITOR,
        "text": text,
        "ts": ts,
        "channel": CHANNEL,
        "event_ts": ts,
    }
    return json.dumps(emulator.event_callback(event)).encode()


async def test_http_mode_accepts_a_signed_event_and_refuses_bad_signatures(
    slack_emulator: SlackEmulator,  # noqa: F811
    http_adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    assert http_adapter.http_url is not None
    url = http_adapter.http_url
    body = mention_body(slack_emulator, f"<@{slack_emulator.bot_user_id}> any news?")
    calls_before = len(slack_emulator.calls)

    now = int(time.time())
    bad = {
        "tampered": slack_emulator.sign(body.replace(b"any news", b"any newz")),
        "wrong secret": slack_emulator.sign(body, secret="not-the-secret"),
        "stale": slack_emulator.sign(body, timestamp=now - 600),
        "missing": {},
    }
    for name, headers in bad.items():
        status, _ = await slack_emulator.deliver_http(url, body, "application/json", headers=headers)
        assert status == 401, name
    assert inbox.messages == [] and len(slack_emulator.calls) == calls_before  # no Web API call

    status, _ = await slack_emulator.deliver_http(url, body, "application/json", headers=slack_emulator.sign(body))
    assert status == 200
    message = await inbox.next()
    assert (message.channel, message.sender, message.text, message.addressed) == (
        CHANNEL,
        EDITOR,
        "any news?",
        True,
    )


async def test_http_mode_answers_url_verification_and_slash_commands(
    slack_emulator: SlackEmulator,  # noqa: F811
    http_adapter: SlackAdapter,
    inbox: Inbox,
) -> None:
    assert http_adapter.http_url is not None
    challenge = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"}).encode()
    status, text = await slack_emulator.deliver_http(
        http_adapter.http_url, challenge, "application/json", headers=slack_emulator.sign(challenge)
    )
    assert status == 200 and "c-123" in text

    form = urlencode(slack_emulator.slash_payload(CHANNEL, EDITOR, "help")).encode()
    status, _ = await slack_emulator.deliver_http(
        http_adapter.http_url, form, "application/x-www-form-urlencoded", headers=slack_emulator.sign(form)
    )
    assert status == 200
    message = await inbox.next()
    assert (message.text, message.addressed, message.channel) == ("help", True, CHANNEL)
