"""The Matrix adapter against a real Synapse, with editors as plain matrix-nio clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.chat.matrix import ENCRYPTED_ROOM_NOTICE, MatrixAdapter, MatrixConfig, MatrixLoginError
from bot.chat.matrix_state import JsonFileStateStore, MemoryStateStore
from bot.chat.port import PermanentDeliveryError, RateLimited, TransientDeliveryError
from bot.domain import Citation, IncomingMessage, Post
from tests.support.http_proxy import ReverseProxy
from tests.support.matrix_people import Person, wait_until
from tests.support.synapse_server import SynapseHarness

pytestmark = pytest.mark.synapse


@dataclass
class BotRun:
    """An adapter plus everything its `on_message` received, in order."""

    adapter: MatrixAdapter
    inbox: asyncio.Queue[IncomingMessage] = field(default_factory=asyncio.Queue)
    seen: list[IncomingMessage] = field(default_factory=list)

    async def start(self) -> None:
        async def on_message(message: IncomingMessage) -> None:
            self.seen.append(message)
            await self.inbox.put(message)

        await self.adapter.start(on_message)

    async def next_message(self, timeout: float = 10.0) -> IncomingMessage:
        return await asyncio.wait_for(self.inbox.get(), timeout)

    async def messages_until(self, text: str, timeout: float = 10.0) -> list[IncomingMessage]:
        """Everything delivered up to and including the message whose text is `text`."""
        got = []
        while True:
            message = await self.next_message(timeout)
            got.append(message)
            if message.text == text:
                return got


@pytest.fixture
def bot_config(synapse: SynapseHarness, tmp_path: Path) -> MatrixConfig:
    return MatrixConfig(
        homeserver=synapse.server.url,
        user_id=synapse.bot.user_id,
        password=synapse.bot.password,
        state_path=str(tmp_path / "matrix-state.json"),
        sync_timeout_ms=10_000,
        request_timeout=10.0,
        max_backoff=0.5,
        stop_grace=2.0,
    )


def make_bot(config: MatrixConfig) -> BotRun:
    return BotRun(MatrixAdapter(config, JsonFileStateStore(config.state_path)))


@pytest.fixture
async def bot(bot_config: MatrixConfig) -> AsyncIterator[BotRun]:
    run = make_bot(bot_config)
    await run.start()
    try:
        yield run
    finally:
        await run.adapter.stop()


async def room_with_bot(editor: Person, bot_id: str, **kwargs: object) -> str:
    room = await editor.create_room(invite=[bot_id], **kwargs)  # type: ignore[arg-type]

    async def joined() -> bool:
        return bot_id in await editor.members(room)

    await wait_until(joined, what="the bot to accept the invite")
    return room


def citation() -> Citation:
    return Citation(
        title="Mediators <Qatar & Egypt> table a new proposal",
        url="https://news.example/qatar-egypt?a=1&b=2",
        source="Example Wire",
        published=datetime(2024, 5, 6, 9, 30, tzinfo=UTC),
        sentence="Qatar and Egypt presented a revised proposal on Monday.",
    )


async def test_invite_is_accepted_and_only_addressed_messages_after_joining_arrive(
    bot: BotRun, editor: Person, synapse: SynapseHarness
) -> None:
    room = await editor.create_room(invite=[])
    await editor.say(room, "!news said before the bot was here")
    await editor.client.room_invite(room, synapse.bot.user_id)

    async def joined() -> bool:
        return synapse.bot.user_id in await editor.members(room)

    await wait_until(joined, what="the bot to join")
    await editor.say(room, "just chatting among ourselves")
    mention_id = await editor.mention(room, synapse.bot.user_id, "newsbot", "what is new on rafah?")
    help_id = await editor.say(room, "!news help")

    got = await bot.messages_until("help")
    assert [m.text for m in got] == ["what is new on rafah?", "help"]
    mention, command = got
    assert (mention.channel, mention.sender, mention.message_id, mention.thread) == (
        room,
        synapse.editor.user_id,
        mention_id,
        None,
    )
    assert (command.platform, command.message_id, command.addressed) == ("matrix", help_id, True)


async def test_reply_is_a_threaded_notice_with_html_and_follow_ups_in_that_thread_arrive(
    bot: BotRun, editor: Person, synapse: SynapseHarness
) -> None:
    room = await room_with_bot(editor, synapse.bot.user_id)
    question_id = await editor.say(room, "!news who mediates?")
    question = await bot.next_message()

    answer = Post(
        heading="Qatar & Egypt mediate", lines=["They tabled a <new> proposal."], citations=[citation()]
    )
    reply_id = await bot.adapter.reply(question, answer)

    seen = await editor.wait_for_event(room, lambda e: e.get("event_id") == reply_id)
    content = seen["content"]
    assert content["msgtype"] == "m.notice"
    assert content["m.relates_to"]["rel_type"] == "m.thread"
    assert content["m.relates_to"]["event_id"] == question_id
    assert content["m.relates_to"]["m.in_reply_to"] == {"event_id": question_id}
    assert content["format"] == "org.matrix.custom.html"
    assert "<strong>Qatar &amp; Egypt mediate</strong>" in content["formatted_body"]
    assert 'href="https://news.example/qatar-egypt?a=1&amp;b=2"' in content["formatted_body"]
    assert "<" not in content["body"].replace("<Qatar", "").replace("<new>", "")
    assert "They tabled a <new> proposal." in content["body"]
    assert "https://news.example/qatar-egypt?a=1&b=2" in content["body"]

    await editor.say_in_thread(room, question_id, "and since when?")
    follow_up = await bot.next_message()
    assert (follow_up.text, follow_up.thread, follow_up.channel) == ("and since when?", question_id, room)

    # A thread the bot never took part in stays private unless the bot is addressed.
    other_root = await editor.say(room, "a note for the desk")
    await editor.say_in_thread(room, other_root, "side discussion")
    await editor.say_in_thread(room, other_root, "!news status")
    got = await bot.messages_until("status")
    assert [(m.text, m.thread) for m in got] == [("status", other_root)]


async def test_send_in_a_thread_and_edit_are_seen_by_the_editor(
    bot: BotRun, editor: Person, synapse: SynapseHarness
) -> None:
    room = await room_with_bot(editor, synapse.bot.user_id)
    root = await bot.adapter.send(room, Post(heading="Digest: hostage talks", lines=["Two new facts."]))
    first = await bot.adapter.send(room, Post(heading="", lines=["Fact one."]), thread=root)
    second = await bot.adapter.send(room, Post(heading="", lines=["Fact two."]), thread=root)
    await bot.adapter.edit(
        room, root, Post(heading="Digest: hostage talks (updated)", lines=["Three facts."])
    )

    events: dict[str, dict[str, Any]] = {}
    while len(events) < 4:
        source = await editor.wait_for_event(
            room, lambda e: e.get("sender") == synapse.bot.user_id and e["type"] == "m.room.message"
        )
        events[source["event_id"]] = source
    assert events[root]["content"]["body"] == "Digest: hostage talks\n\nTwo new facts."
    assert events[first]["content"]["m.relates_to"]["event_id"] == root
    # the fallback reply points at the latest message in the thread
    assert events[second]["content"]["m.relates_to"]["m.in_reply_to"] == {"event_id": first}
    (edit,) = [e for e in events.values() if e["event_id"] not in (root, first, second)]
    assert edit["content"]["m.relates_to"] == {"rel_type": "m.replace", "event_id": root}
    assert edit["content"]["m.new_content"]["body"] == "Digest: hostage talks (updated)\n\nThree facts."


async def test_feed_text_with_at_room_and_user_ids_does_not_ping_anyone(
    bot: BotRun, editor: Person, another: Person, synapse: SynapseHarness
) -> None:
    room = await room_with_bot(editor, synapse.bot.user_id)
    await editor.set_power(room, synapse.bot.user_id, 100)  # enough to ping @room, if it tried
    await editor.client.room_invite(room, synapse.another.user_id)
    await another.client.join(room)
    await editor.sync(timeout_ms=0)
    hostile = Post(
        heading="@room breaking",
        lines=[
            f"Quote from {synapse.editor.user_id}: editor @room, see https://matrix.to/#/{synapse.editor.user_id}"
        ],
    )
    event_id = await bot.adapter.send(room, hostile)
    seen = await editor.wait_for_event(room, lambda e: e.get("event_id") == event_id)
    assert "@room" not in seen["content"]["body"]
    assert synapse.editor.user_id not in seen["content"]["body"]
    assert "@room" not in seen["content"]["formatted_body"]
    assert seen["content"]["m.mentions"] == {}
    assert editor.highlights.get(room, 0) == 0

    # The measurement can see a real mention: another user pinging the editor highlights.
    ping = await another.mention(room, synapse.editor.user_id, "editor", "look")
    await editor.wait_for_event(room, lambda e: e.get("event_id") == ping)
    assert editor.highlights.get(room) == 1


async def test_admin_is_power_level_50_or_more(
    bot: BotRun, editor: Person, another: Person, synapse: SynapseHarness
) -> None:
    room = await room_with_bot(editor, synapse.bot.user_id)
    await editor.client.room_invite(room, synapse.another.user_id)
    await another.client.join(room)
    assert await bot.adapter.is_admin(room, synapse.editor.user_id)  # the room's creator
    assert not await bot.adapter.is_admin(room, synapse.another.user_id)
    await editor.set_power(room, synapse.another.user_id, 49)
    assert not await bot.adapter.is_admin(room, synapse.another.user_id)
    await editor.set_power(room, synapse.another.user_id, 50)
    assert await bot.adapter.is_admin(room, synapse.another.user_id)
    assert not await bot.adapter.is_admin("!nowhere:localhost", synapse.editor.user_id)


async def test_encrypted_room_is_told_once_that_the_bot_cannot_read_it(
    bot: BotRun, editor: Person, synapse: SynapseHarness
) -> None:
    room = await room_with_bot(editor, synapse.bot.user_id, encrypted=True)
    notice = await editor.wait_for_event(
        room, lambda e: e.get("sender") == synapse.bot.user_id and e["type"] == "m.room.message"
    )
    assert notice["content"] == {"msgtype": "m.notice", "body": ENCRYPTED_ROOM_NOTICE, "m.mentions": {}}
    with pytest.raises(PermanentDeliveryError, match="encrypted"):
        await bot.adapter.send(room, Post(heading="digest"))

    # Later messages there are not handed on (the bot could not answer) and the notice is not repeated.
    await editor.say(room, "!news help")
    plain_room = await room_with_bot(editor, synapse.bot.user_id)
    await editor.say(plain_room, "!news ping")
    assert [m.text for m in await bot.messages_until("ping")] == ["ping"]
    events = await editor.sync(timeout_ms=300)
    assert not [e for r, e in events if r == room and e.get("sender") == synapse.bot.user_id]
    state = json.loads(Path(bot.adapter.config.state_path).read_text())
    assert room in state["encrypted_notified"]


async def test_restarted_bot_keeps_its_device_skips_handled_messages_and_gets_missed_ones(
    bot_config: MatrixConfig, editor: Person, synapse: SynapseHarness
) -> None:
    first = make_bot(bot_config)
    await first.start()
    try:
        room = await room_with_bot(editor, synapse.bot.user_id)
        await editor.say(room, "!news before restart")
        before = await first.next_message()
        assert before.text == "before restart"
        await first.adapter.reply(before, Post(heading="noted"))
        device = first.adapter.device_id
    finally:
        await first.adapter.stop()

    missed_id = await editor.say(room, "!news while you were down")
    second = make_bot(bot_config)
    await second.start()
    try:
        assert second.adapter.device_id == device
        await editor.say(room, "!news after restart")
        got = await second.messages_until("after restart")
        assert [m.text for m in got] == ["while you were down", "after restart"]
        assert got[0].message_id == missed_id
        # the thread the bot answered in before the restart still counts as talking to it
        await editor.say_in_thread(room, before.message_id, "one more thing")
        follow_up = await second.next_message()
        assert (follow_up.text, follow_up.thread) == ("one more thing", before.message_id)
    finally:
        await second.adapter.stop()
    assert [m.text for m in second.seen] == ["while you were down", "after restart", "one more thing"]


async def test_a_slow_handler_does_not_hold_up_others_and_is_redone_if_stopped_midway(
    bot_config: MatrixConfig, editor: Person, synapse: SynapseHarness
) -> None:
    config = replace(bot_config, stop_grace=0.2)
    gate = asyncio.Event()
    seen: list[str] = []
    quick_done = asyncio.Event()

    async def on_message(message: IncomingMessage) -> None:
        seen.append(message.text)
        if message.text == "slow":
            await gate.wait()  # never opened: this handler is still busy when the bot stops
        if message.text == "quick":
            quick_done.set()

    first = MatrixAdapter(config, JsonFileStateStore(config.state_path))
    await first.start(on_message)
    try:
        room = await room_with_bot(editor, synapse.bot.user_id)
        await editor.say(room, "!news slow")
        await wait_until(lambda: _true_after("slow" in seen), what="the slow message")
        await editor.say(room, "!news quick")
        await asyncio.wait_for(quick_done.wait(), 10)
    finally:
        await first.stop()
    assert seen == ["slow", "quick"]

    second = make_bot(config)
    await second.start()
    try:
        await editor.say(room, "!news next")
        got = await second.messages_until("next")
        # the interrupted one is handled again; the finished one is not repeated
        assert [m.text for m in got] == ["slow", "next"]
    finally:
        await second.adapter.stop()


async def test_a_backlog_longer_than_one_sync_is_fetched_in_full_after_a_restart(
    bot_config: MatrixConfig, editor: Person, synapse: SynapseHarness
) -> None:
    config = replace(bot_config, timeline_limit=3)
    first = make_bot(config)
    await first.start()
    try:
        room = await room_with_bot(editor, synapse.bot.user_id)
        await editor.say(room, "!news handled already")
        assert (await first.next_message()).text == "handled already"
    finally:
        await first.adapter.stop()

    expected = [f"backlog {n}" for n in range(9)]
    for n, text in enumerate(expected):
        await editor.say(room, f"!news {text}")
        if n % 3 == 0:
            await editor.say(room, "chatter the bot should ignore")
    second = make_bot(config)
    await second.start()
    try:
        got = [await second.next_message() for _ in expected]
        assert sorted(m.text for m in got) == expected
        await editor.say(room, "!news done")
        assert [m.text for m in await second.messages_until("done")] == ["done"]
    finally:
        await second.adapter.stop()


@pytest.mark.parametrize("via_proxy", [False, True], ids=["direct", "behind-a-reverse-proxy"])
async def test_adapter_rides_out_a_synapse_restart(
    via_proxy: bool, bot_config: MatrixConfig, editor: Person, synapse: SynapseHarness
) -> None:
    proxy = ReverseProxy(synapse.server.url)
    config = replace(bot_config, homeserver=await proxy.start()) if via_proxy else bot_config
    bot = make_bot(config)
    await bot.start()
    try:
        room = await room_with_bot(editor, synapse.bot.user_id)
        synapse.server.stop()
        try:
            with pytest.raises(TransientDeliveryError) as caught:
                await bot.adapter.send(room, Post(heading="during the outage"))
            if via_proxy:
                assert "502" in str(caught.value) or proxy.bad_gateways > 0
            await wait_until(lambda: _true_after(bot.adapter.sync_failures > 0), what="a failed sync")
        finally:
            synapse.server.start()
        await editor.say(room, "!news are you back?")
        back = await bot.next_message(timeout=15)
        assert back.text == "are you back?"
        event_id = await bot.adapter.send(room, Post(heading="back online"))
        seen = await editor.wait_for_event(room, lambda e: e.get("event_id") == event_id)
        assert seen["content"]["body"] == "back online"
        assert bot.inbox.empty()
    finally:
        await bot.adapter.stop()
        await proxy.stop()


async def _true_after(value: bool) -> bool:
    return value


async def test_sending_where_the_bot_is_not_a_member_is_a_permanent_failure(
    bot: BotRun, editor: Person
) -> None:
    room = await editor.create_room(invite=[])
    with pytest.raises(PermanentDeliveryError):
        await bot.adapter.send(room, Post(heading="hello"))


async def test_rate_limit_surfaces_as_rate_limited_with_the_servers_delay(
    synapse: SynapseHarness, editor: Person, tmp_path: Path
) -> None:
    limited = synapse.server.register("limitedbot")
    admin = synapse.server.register("ratelimitadmin", admin=True)
    boss = await Person.login(synapse.server.url, admin)
    try:
        await boss.admin_post(
            f"/_synapse/admin/v1/users/{limited.user_id}/override_ratelimit",
            {"messages_per_second": 1, "burst_count": 1},
        )
    finally:
        await boss.close()
    config = MatrixConfig(
        homeserver=synapse.server.url,
        user_id=limited.user_id,
        password=limited.password,
        state_path=str(tmp_path / "limited.json"),
        request_timeout=10.0,
    )
    run = make_bot(config)
    await run.start()
    try:
        room = await room_with_bot(editor, limited.user_id)
        with pytest.raises(RateLimited) as caught:
            for n in range(5):
                await run.adapter.send(room, Post(heading=f"burst {n}"))
        assert 0 < caught.value.retry_after <= 2
    finally:
        await run.adapter.stop()


async def test_room_upgrades_are_followed_and_leave_works(
    bot: BotRun, editor: Person, synapse: SynapseHarness
) -> None:
    bot_id = synapse.bot.user_id
    public = await room_with_bot(editor, bot_id, public=True)
    private = await room_with_bot(editor, bot_id)
    new_public = await editor.upgrade_room(public, "12")
    new_private = await editor.upgrade_room(private, "12")
    # a private room's replacement needs an invite (Element sends one when upgrading)
    await editor.client.room_invite(new_private, bot_id)

    async def bot_in_new_rooms() -> bool:
        return bot_id in await editor.members(new_public) and bot_id in await editor.members(new_private)

    await wait_until(bot_in_new_rooms, what="the bot to follow the upgrades")
    for old, new in ((public, new_public), (private, new_private)):
        event_id = await bot.adapter.send(old, Post(heading="after the upgrade"))
        seen = await editor.get_event(new, event_id)
        assert seen["content"]["body"] == "after the upgrade"

    await bot.adapter.leave(new_public)
    assert bot_id not in await editor.members(new_public)


async def test_access_token_login_uses_that_tokens_device_and_a_revoked_token_is_refused(
    bot_config: MatrixConfig, editor: Person, synapse: SynapseHarness, tmp_path: Path
) -> None:
    ops = await Person.login(synapse.server.url, synapse.bot)  # an operator minting a token
    token, device = ops.client.access_token, ops.client.device_id
    config = replace(bot_config, password=None, access_token=token, state_path=str(tmp_path / "tok.json"))
    run = make_bot(config)
    await run.start()
    try:
        assert run.adapter.device_id == device
        room = await room_with_bot(editor, synapse.bot.user_id)
        await editor.say(room, "!news token ok?")
        assert (await run.next_message()).text == "token ok?"
    finally:
        await run.adapter.stop()

    await ops.client.logout()
    await ops.close()
    revoked = MatrixAdapter(replace(config, state_path=str(tmp_path / "tok2.json")), MemoryStateStore())
    with pytest.raises(MatrixLoginError):
        await revoked.start(lambda message: asyncio.sleep(0))
    await revoked.stop()


async def test_invites_from_people_not_allowed_are_declined(
    bot_config: MatrixConfig, editor: Person, another: Person, synapse: SynapseHarness
) -> None:
    run = make_bot(replace(bot_config, allowed_inviters=(synapse.editor.user_id,)))
    await run.start()
    try:
        refused = await another.create_room(invite=[synapse.bot.user_id])
        accepted = await room_with_bot(editor, synapse.bot.user_id)
        assert accepted

        async def declined() -> bool:
            events = await another.sync(timeout_ms=200)
            return any(
                r == refused
                and e.get("state_key") == synapse.bot.user_id
                and e.get("content", {}).get("membership") == "leave"
                for r, e in events
            )

        await wait_until(declined, what="the invite to be declined")
    finally:
        await run.adapter.stop()
