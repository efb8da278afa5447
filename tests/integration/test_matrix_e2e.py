"""Issue 5 end to end: the bot lives in Matrix rooms, through the real runtime and a real Synapse.

The editor (and the other people) are plain matrix-nio clients, as a person's chat client would
be. One test drives the real `newsdesk-bot run` process configured only by MATRIX_* variables; the
others run the in-process `Runtime` with the real Matrix adapter, store, answerer and scheduler.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from bot.chat.matrix import MatrixAdapter, MatrixConfig
from bot.chat.matrix_state import JsonFileStateStore
from bot.chat.port import ChatPort, TransientDeliveryError
from bot.domain import IncomingMessage, Post
from bot.runtime.app import Runtime
from bot.store.repo import now_utc
from tests.conftest import REPO
from tests.support.matrix_people import Person, wait_until
from tests.support.runtime_kit import ARTICLES, controlled_feed, drop_seed, drop_today, make_core, wait_for
from tests.support.synapse_server import MatrixUser, SynapseHarness

pytestmark = pytest.mark.synapse

HTML = "org.matrix.custom.html"


# ---- helpers -------------------------------------------------------------------------------


def bot_config(synapse: SynapseHarness, tmp_path: Path, user: MatrixUser | None = None) -> MatrixConfig:
    user = user or synapse.bot
    return MatrixConfig(homeserver=synapse.server.url, user_id=user.user_id, password=user.password,
                        state_path=str(tmp_path / f"matrix-state-{user.localpart}.json"), sync_timeout_ms=5_000,
                        request_timeout=10.0, max_backoff=0.5, stop_grace=2.0)


@asynccontextmanager
async def matrix_runtime(env: dict[str, str], config: MatrixConfig, **settings: Any) -> AsyncIterator[Runtime]:
    """The runtime with the real Matrix adapter (and room upgrades wired), started and stopped."""
    core = make_core(env, **{"seeds_rescan_seconds": 0.2, **settings})
    holder: list[Runtime] = []

    async def replaced(old: str, new: str) -> None:
        await holder[0].room_replaced(old, new)

    rt = Runtime(core, [MatrixAdapter(config, JsonFileStateStore(config.state_path), on_room_replaced=replaced)],
                 feed_tick_seconds=0.3)
    holder.append(rt)
    await rt.start()
    try:
        yield rt
    finally:
        await rt.stop()
        core.close()


async def room_with(editor: Person, user_id: str) -> str:
    """A new private room of the editor's with `user_id` invited and joined."""
    room = await editor.create_room(invite=[user_id])

    async def joined() -> bool:
        return user_id in await editor.members(room)

    await wait_until(joined, timeout=15, what=f"{user_id} to accept the invite")
    return room


async def history(person: Person, room: str) -> list[dict[str, Any]]:
    """Every m.room.message event in `room`, oldest first, as the homeserver has it."""
    client = person.client
    path = f"/_matrix/client/v3/rooms/{quote(room)}/messages?dir=b&limit=500"
    resp = await client.send("GET", path, None, {"Authorization": f"Bearer {client.access_token}"})
    body = await resp.json()
    assert resp.status == 200, body
    return [e for e in reversed(body["chunk"]) if e.get("type") == "m.room.message"]


def body(event: dict[str, Any]) -> str:
    return str(event.get("content", {}).get("body", ""))


def relation(event: dict[str, Any]) -> dict[str, Any]:
    return dict(event.get("content", {}).get("m.relates_to") or {})


def from_bot(bot_id: str, text: str = "") -> Any:
    return lambda e: e.get("sender") == bot_id and e.get("type") == "m.room.message" and text in body(e)


def assert_html_notice(event: dict[str, Any]) -> None:
    """A bot message: an m.notice with HTML and a plain body free of markup."""
    content = event["content"]
    assert content["msgtype"] == "m.notice"
    assert content["format"] == HTML and content["formatted_body"].startswith("<p>")
    assert "<p>" not in content["body"] and "<a " not in content["body"] and "<br>" not in content["body"]


# ---- `newsdesk-bot run` as a process, configured by MATRIX_* only --------------------------


class BotProcess:
    """`python -m bot run` with the test environment; its log goes to a file."""

    def __init__(self, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
        self.cwd = cwd
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.offset = 0

    def start(self) -> None:
        self.offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err, env=self.env, cwd=self.cwd)

    def text(self) -> str:
        """What this run has logged so far."""
        return self.log.read_text(errors="replace")[self.offset:]

    async def wait_logged(self, marker: str, timeout: float = 30) -> None:
        def seen() -> bool:
            assert self.proc is not None and self.proc.poll() is None, f"the bot exited:\n{self.text()[-3000:]}"
            return marker in self.text()

        assert await wait_for(seen, timeout=timeout, step=0.1), f"no {marker!r} in the log:\n{self.text()[-3000:]}"

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


async def test_run_with_only_matrix_variables_joins_answers_with_a_citation_posts_live_and_restarts_without_replay(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    # the desk's archive is in the watched seeds folder; 002 arrives later, while the bot runs
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    for article in sorted(ARTICLES.glob("*.txt")):
        if article.name != "002.txt":
            drop_seed(seeds, article.name)
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    (config / "bot.toml").write_text('timezone = "UTC"\n[polling]\nseeds_rescan_seconds = 0.5\n')
    matrix_env = {"MATRIX_HOMESERVER": synapse.server.url, "MATRIX_USER_ID": bot_id,
                  "MATRIX_PASSWORD": synapse.bot.password}
    bot = BotProcess({**env, "NEWSDESK_CONFIG_DIR": str(config), **matrix_env}, tmp_path, tmp_path / "bot.log")
    bot.start()
    try:
        await bot.wait_logged("event=runtime_started")
        assert "platforms=matrix " in bot.text()  # Matrix alone: no console, no other setting needed
        await bot.wait_logged("event=seeds_scanned added=8")  # the archive is in the store

        # invite -> join
        room = await room_with(editor, bot_id)

        # a question -> a threaded HTML answer naming the mediators, with its source
        question = await editor.say(room, "!news who are the mediators?")
        answer = await editor.wait_for_event(room, from_bot(bot_id), timeout=20)
        assert relation(answer)["rel_type"] == "m.thread" and relation(answer)["event_id"] == question
        assert_html_notice(answer)
        assert "Qatar" in body(answer).split("\n")[0] and "Egypt" in body(answer).split("\n")[0]
        html = answer["content"]["formatted_body"]
        assert "Sources:" in body(answer) and '<a href="https://' in html and "<blockquote>" in html

        # subscribe -> a new article in the watched folder -> live update threaded under the story's parent
        await editor.say(room, "!news subscribe hostage-talks")
        await editor.wait_for_event(room, from_bot(bot_id, "Subscribed"), timeout=15)
        drop_seed(seeds, "002.txt")
        parent = await editor.wait_for_event(room, from_bot(bot_id, "live updates"), timeout=20)
        live = await editor.wait_for_event(room, from_bot(bot_id, "Hamas official says"), timeout=20)
        assert "rel_type" not in relation(parent)
        assert relation(live)["rel_type"] == "m.thread" and relation(live)["event_id"] == parent["event_id"]
        assert_html_notice(live)
        await bot.wait_logged("event=outbox_sent key=live:")
        assert bot.stop() == 0
        first_log = bot.text()
        assert "Traceback" not in first_log and "event=runtime_stopped" in first_log
        state = json.loads((Path(env["NEWSDESK_DATA_DIR"]) / "matrix-state.json").read_text())
        assert state["device_id"] and state["next_batch"]  # kept in the bot's data folder by default

        # restart: same device, nothing answered or posted again, new messages answered once
        bot.start()
        await bot.wait_logged("event=runtime_started")
        assert f"device={state['device_id']}" in bot.text()
        again = await editor.say(room, "!news how many hostages remain in Gaza according to the seed report?")
        second = await editor.wait_for_event(room, from_bot(bot_id), timeout=20)
        assert relation(second)["event_id"] == again and "136" in body(second)
        await asyncio.sleep(1.0)  # room for a replay to show itself, if there were one
        assert bot.text().count("event=message platform=matrix") == 1
        events = await history(editor, room)
        answers = [e for e in events if e["sender"] == bot_id and relation(e).get("event_id") == question]
        assert len(answers) == 1
        assert sum("Hamas official says" in body(e) for e in events) == 1
        assert sum("live updates" in body(e) for e in events) == 1
        assert bot.stop() == 0
        assert "Traceback" not in bot.text()
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait()


# ---- the in-process runtime ----------------------------------------------------------------


async def test_a_scheduled_daily_digest_is_posted_in_the_room_with_its_stories_threaded_under_it(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        room = await room_with(editor, bot_id)
        await editor.say(room, "!news subscribe hostage-talks daily 07:30 America/New_York")
        confirm = await editor.wait_for_event(room, from_bot(bot_id, "Subscribed"), timeout=15)
        assert "daily at 07:30 America/New_York" in body(confirm)
        for name in ("001.txt", "004.txt"):  # the day's news arrives (published today)
            drop_today(Path(env["NEWSDESK_SEEDS_DIR"]), name)
        await rt.scan_seeds()  # (waits for a periodic scan already under way)
        sub = rt.repo.subscriptions(platform="matrix", channel=room)[0]
        job = rt.scheduler.get_job(f"digest:{sub.id}")
        assert job is not None
        job.modify(next_run_time=datetime.now(UTC))  # the clock reaches 07:30 New York time
        digest = await editor.wait_for_event(room, from_bot(bot_id, "Digest since"), timeout=15)
        story = await editor.wait_for_event(room, from_bot(bot_id, "Hostage-release talks"), timeout=15)
        assert "rel_type" not in relation(digest)
        assert relation(story)["rel_type"] == "m.thread" and relation(story)["event_id"] == digest["event_id"]
        for event in (digest, story):
            assert_html_notice(event)
        assert "allisrael.com" in story["content"]["formatted_body"]  # 004's source, cited with a link
        # the same day's digest again (a duplicate trigger, a restart catch-up) posts nothing more
        await rt.run_digest(sub.id)
        assert await rt.drain(10)
        assert sum("Digest since" in body(e) for e in await history(editor, room)) == 1


async def test_posts_queued_while_synapse_is_down_are_delivered_once_after_it_is_back(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        room = await room_with(editor, bot_id)
        await editor.say(room, "!news subscribe hostage-talks")
        await editor.wait_for_event(room, from_bot(bot_id, "Subscribed"), timeout=15)
        synapse.server.stop()
        try:
            drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")

            def queued_and_failing() -> bool:
                rows = rt.repo.rows(platform="matrix")
                return bool(rows) and all(r.status == "pending" for r in rows) and any(r.attempts for r in rows)

            assert await wait_for(queued_and_failing, timeout=15), rt.repo.rows()
        finally:
            synapse.server.start()

        def all_sent() -> bool:
            rows = rt.repo.rows(platform="matrix")
            return bool(rows) and all(r.status == "sent" for r in rows)

        assert await wait_for(all_sent, timeout=30), rt.repo.rows()
        live = await editor.wait_for_event(room, from_bot(bot_id, "Qatar proposes six-week war pause"), timeout=15)
        parent = [e for e in await history(editor, room) if "live updates" in body(e)]
        assert len(parent) == 1 and relation(live)["event_id"] == parent[0]["event_id"]
        events = await history(editor, room)
        assert sum("Qatar proposes six-week war pause" in body(e) for e in events) == 1
        # Synapse keeps transaction ids across a restart: resending a sent row afterwards changes nothing
        synapse.server.restart()
        row = next(r for r in rt.repo.rows(platform="matrix") if r.kind == "live")
        resent = await resend(rt.ports["matrix"], room, row.post, parent[0]["event_id"], row.key)
        assert resent == row.message_id
        assert len(await history(editor, room)) == len(events)


async def resend(port: ChatPort, room: str, post: Post, thread: str, key: str) -> str:
    """`port.send`, retried while the connection to a just-restarted homeserver is re-established."""
    for _ in range(10):
        try:
            return await port.send(room, post, thread=thread, key=key)
        except TransientDeliveryError:
            await asyncio.sleep(0.3)
    raise AssertionError("the homeserver did not come back")


async def test_a_member_below_power_50_not_listed_as_admin_is_refused_and_nothing_changes(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    chief_user = synapse.server.register("deskchief")
    chief = await Person.login(synapse.server.url, chief_user)
    another = await Person.login(synapse.server.url, synapse.another)
    try:
        async with matrix_runtime(env, bot_config(synapse, tmp_path),
                                  admins={"matrix": (chief_user.user_id,)}) as rt:
            room = await room_with(editor, bot_id)
            for person in (another, chief):
                await editor.client.room_invite(room, person.user.user_id)
                await person.client.join(room)
            feeds_before = rt.core.store.feed_rows()

            await another.say(room, "!news add feed http://127.0.0.1:9/refused.xml hostage-talks")
            refused = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
            assert body(refused).startswith("Only admins can use 'add'")
            assert rt.core.store.feed_rows() == feeds_before

            # a configured admin (power level 0) and a member raised to power level 50 may
            await chief.say(room, "!news add feed http://127.0.0.1:9/chief.xml hostage-talks")
            added = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
            # heard (an admin), and refused with the reason: nothing listens on port 9
            assert body(added).startswith("Not added: Could not reach http://127.0.0.1:9/chief.xml")
            await editor.set_power(room, synapse.another.user_id, 50)
            await another.say(room, "!news remove feed http://127.0.0.1:9/chief.xml")
            removed = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
            assert body(removed).startswith("No feed with the URL")
            assert rt.core.store.feed_rows() == feeds_before
    finally:
        await chief.close()
        await another.close()


async def test_a_revised_article_edits_the_earlier_live_post_with_an_m_replace(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with controlled_feed() as feed, matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        room = await room_with(editor, bot_id)
        await editor.say(room, "!news subscribe hostage-talks")
        await editor.wait_for_event(room, from_bot(bot_id, "Subscribed"), timeout=15)
        feed.items = ["001.txt"]
        await editor.say(room, f"!news add feed {feed.url} hostage-talks")  # the room's creator is an admin
        await editor.wait_for_event(room, from_bot(bot_id, "Added feed"), timeout=15)
        live = await editor.wait_for_event(room, from_bot(bot_id, "Qatar proposes six-week war pause"), timeout=20)

        feed.items = [("001.txt", "Qatar's prime minister said a reply from Hamas was expected within 48 hours.")]
        rt.core.store.save_feed_state(feed.url, next_poll=now_utc() - timedelta(seconds=1))
        edit = await editor.wait_for_event(room, lambda e: relation(e).get("rel_type") == "m.replace", timeout=20)
        assert edit["sender"] == bot_id and relation(edit)["event_id"] == live["event_id"]
        new = edit["content"]["m.new_content"]
        assert new["msgtype"] == "m.notice" and new["format"] == HTML
        assert "within 48 hours" in new["body"] and "Qatar proposes six-week war pause" in new["body"]
        assert body(edit).startswith("* ")
        # the original event is unchanged and the homeserver links the edit to it
        original = await editor.get_event(room, live["event_id"])
        assert "within 48 hours" not in body(original)
        replaced = (original.get("unsigned") or {}).get("m.relations", {}).get("m.replace", {})
        assert replaced.get("event_id") == edit["event_id"]
        assert sum("Qatar proposes six-week war pause" in body(e) and not body(e).startswith(("* ", "Added feed"))
                   for e in await history(editor, room)) == 1  # the add-feed reply lists the newest items too


async def test_a_rate_limited_bot_gets_every_post_out_once_by_waiting_as_synapse_asks(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    limited = synapse.server.register("slowbot")
    boss = await Person.login(synapse.server.url, synapse.server.register("slowbotadmin", admin=True))
    try:
        await boss.admin_post(f"/_synapse/admin/v1/users/{limited.user_id}/override_ratelimit",
                              {"messages_per_second": 1, "burst_count": 1})
    finally:
        await boss.close()
    caplog.set_level(logging.INFO, logger="bot.runtime.outbox")
    async with matrix_runtime(env, bot_config(synapse, tmp_path, limited), live_posts_per_window=10) as rt:
        room = await room_with(editor, limited.user_id)
        await editor.say(room, "!news subscribe hostage-talks")
        await editor.wait_for_event(room, from_bot(limited.user_id, "Subscribed"), timeout=15)
        for name in ("001.txt", "002.txt", "004.txt"):
            drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), name)

        def all_sent() -> bool:
            rows = rt.repo.rows(platform="matrix")
            return len(rows) >= 4 and all(r.status == "sent" for r in rows)

        assert await wait_for(all_sent, timeout=30), rt.repo.rows()
        assert "event=outbox_rate_limited" in caplog.text  # Synapse said M_LIMIT_EXCEEDED at least once
        events = [e for e in await history(editor, room) if e["sender"] == limited.user_id]
        ids = {r.message_id for r in rt.repo.rows(platform="matrix")}
        assert ids <= {e["event_id"] for e in events}
        for heading in ("Qatar proposes six-week war pause", "Hamas official says", "Israeli delegation returns"):
            assert sum(heading in body(e) for e in events) == 1, heading


# ---- exactly once: the outbox key is the transaction id ------------------------------------


async def test_a_post_reply_or_edit_repeated_after_a_crash_lands_once_in_the_room(
        synapse: SynapseHarness, editor: Person, tmp_path: Path) -> None:
    config = bot_config(synapse, tmp_path)
    post = Post("Exactly once, please", ["one line"])
    revised = Post("Exactly once, please", ["one line", "Revised: a second line"])
    first = MatrixAdapter(config, JsonFileStateStore(config.state_path))
    await first.start(lambda message: asyncio.sleep(0))
    try:
        room = await room_with(editor, synapse.bot.user_id)
        question_id = await editor.say(room, "!news who are the mediators?")
        question = IncomingMessage("matrix", room, synapse.editor.user_id, "who are the mediators?", question_id,
                                   None, True)
        sent = await first.send(room, post, key="live:test:1")
        answered = await first.reply(question, Post("Qatar and Egypt."))
        await first.edit(room, sent, revised)
    finally:
        await first.stop()  # the process dies before the outbox (or the sync token) recorded any of it

    # the next run (same device, from the state file) does the same work again
    second = MatrixAdapter(config, JsonFileStateStore(config.state_path))
    await second.start(lambda message: asyncio.sleep(0))
    try:
        assert second.device_id == first.device_id
        again = await second.send(room, post, key="live:test:1")
        answered_again = await second.reply(question, Post("Qatar and Egypt."))
        await second.edit(room, sent, revised)
        # different keys, a different answer and a different edit are new events
        other = await second.send(room, post, key="live:test:2")
        unkeyed = await second.send(room, post)
        await second.edit(room, sent, Post("Exactly once, please", ["a third version"]))
    finally:
        await second.stop()
    assert again == sent and answered_again == answered
    events = await history(editor, room)
    assert [e["event_id"] for e in events if body(e).startswith("Exactly once")] == [sent, other, unkeyed]
    assert [e["event_id"] for e in events if body(e).startswith("Qatar and Egypt")] == [answered]
    edits = [e for e in events if relation(e).get("rel_type") == "m.replace"]
    assert [e["content"]["m.new_content"]["body"].split("\n")[-1] for e in edits] == [
        "Revised: a second line", "a third version"]


async def test_leave_on_an_admins_request_drops_the_rooms_subscriptions_and_leaves_a_non_admin_cannot(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    another = await Person.login(synapse.server.url, synapse.another)
    try:
        async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
            room = await room_with(editor, bot_id)
            await editor.client.room_invite(room, synapse.another.user_id)
            await another.client.join(room)
            await editor.say(room, "!news subscribe hostage-talks")
            await editor.wait_for_event(room, from_bot(bot_id, "Subscribed"), timeout=15)

            await another.say(room, "!news leave")
            refused = await editor.wait_for_event(room, from_bot(bot_id, "Only admins"), timeout=15)
            assert "leave" in body(refused)
            assert bot_id in await editor.members(room)

            await editor.say(room, "!news leave")  # the room's creator is an admin
            goodbye = await editor.wait_for_event(room, from_bot(bot_id, "Leaving this room"), timeout=15)
            assert "Dropped 1 subscription" in body(goodbye)

            async def gone() -> bool:
                return bot_id not in await editor.members(room)

            await wait_until(gone, timeout=15, what="the bot to leave the room")
            assert rt.repo.subscriptions("matrix", room) == []
    finally:
        await another.close()
