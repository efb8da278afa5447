"""Delivery through the chat port's contract: rate limits honoured, retries, permanent failures, feed alerts."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

from bot.chat.port import MessageHandler, PermanentDeliveryError, RateLimited, TransientDeliveryError
from bot.domain import IncomingMessage, Post
from bot.runtime.app import Runtime
from bot.store.repo import now_utc
from tests.support.runtime_kit import ConsoleChannel, controlled_feed, drop_seed, make_core, wait_for


class RecordingPort:
    """A chat platform that keeps what it was sent and fails the ways `ChatPort` says platforms fail.

    `failures` is a queue of exceptions raised by the next sends, one each.
    """

    platform = "recorder"

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.failures = list(failures or [])
        self.sent: list[tuple[float, str, Post, str | None]] = []
        self.attempts: list[float] = []

    async def start(self, on_message: MessageHandler) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        self.attempts.append(time.monotonic())
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((time.monotonic(), channel, post, thread))
        return f"r{len(self.sent)}"

    async def reply(self, to: IncomingMessage, post: Post, private: bool = False) -> str:
        return await self.send(to.channel, post, to.message_id)

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        return None

    async def is_admin(self, channel: str, user: str) -> bool:
        return False


def msg(text: str) -> IncomingMessage:
    return IncomingMessage("recorder", "C1", "U1", text, "m1", None, True)


async def test_rate_limit_retry_after_is_honoured_and_the_post_is_sent_once(env: dict[str, str]) -> None:
    port = RecordingPort([RateLimited(1.0)])
    core = make_core(env)
    rt = Runtime(core, [port])
    await rt.start(start_adapters=False)
    try:
        rt.repo.subscribe("recorder", "C1", "hostage-talks", "live", None, "UTC")
        drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
        await rt.scan_seeds()
        assert await wait_for(lambda: len(port.attempts) >= 1, timeout=5)
        waiting = [r for r in rt.repo.rows(status="pending")]
        assert waiting and "rate limited" in (waiting[0].error or "")
        assert await wait_for(lambda: len(port.sent) == 2, timeout=8)  # thread parent, then the article
        first_try, retry = port.attempts[0], port.attempts[1]
        assert retry - first_try >= 0.95
        parent_id = "r1"
        assert port.sent[1][3] == parent_id  # the article is threaded under the parent
        assert len({p.heading for _, _, p, _ in port.sent}) == 2
        # the port has the post a moment before the outbox records it as sent
        assert await wait_for(lambda: [r.status for r in rt.repo.rows()] == ["sent", "sent"], timeout=5)
    finally:
        await rt.stop()
        core.close()


async def test_transient_errors_are_retried_and_a_permanent_one_disables_the_subscription(
        env: dict[str, str]) -> None:
    port = RecordingPort([TransientDeliveryError("timeout"), PermanentDeliveryError("channel_not_found")])
    core = make_core(env)
    rt = Runtime(core, [port])
    await rt.start(start_adapters=False)
    try:
        sub = rt.repo.subscribe("recorder", "C1", "hostage-talks", "live", None, "UTC")
        drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
        await rt.scan_seeds()
        assert await wait_for(lambda: bool(rt.repo.rows(status="failed")), timeout=8)
        failed = rt.repo.rows(status="failed")
        assert "channel_not_found" in (failed[0].error or "")
        assert len(port.attempts) >= 2  # the timeout was retried
        again = rt.repo.subscription(sub.id)
        assert again is not None and not again.enabled and "channel_not_found" in (again.disabled_reason or "")
        # the reply waiting for that parent fails too, with why
        assert await wait_for(lambda: len(rt.repo.rows(status="failed")) == 2, timeout=5)
        await rt.handle(port, msg("status"))
        status = port.sent[-1][2]
        assert any("failed:" in line and "channel_not_found" in line for line in status.lines)
        await rt.handle(port, msg("subscriptions"))
        assert "disabled: channel_not_found" in " ".join(port.sent[-1][2].lines)
    finally:
        await rt.stop()
        core.close()


async def test_failing_feed_is_announced_once_and_its_recovery_once(env: dict[str, str]) -> None:
    channel = ConsoleChannel()
    core = make_core(env, feed_failure_alert_after=2)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=3600)
    await rt.start(start_adapters=False)
    try:
        async with controlled_feed() as feed:
            assert "Added feed Test desk" in await channel.say(rt, f"add feed {feed.url} hostage-talks")  # empty
            await channel.say(rt, "subscribe hostage-talks")
            feed.items = ["001.txt"]
            feed.status = 500

            async def poll() -> None:
                rt.core.store.save_feed_state(feed.url, next_poll=now_utc() - timedelta(seconds=1))
                await rt.poll_feeds()
                assert await rt.drain(5)

            for _ in range(4):
                await poll()
            assert channel.text.count("Heads-up: the feed") == 1
            line = next(x for x in channel.text.splitlines() if "Heads-up" in x)
            assert "failed 2 polls in a row" in line and "500" in line
            status = await channel.say(rt, "status")
            assert "1 failing" in status
            feed.status = 200
            await poll()
            await poll()
            assert channel.text.count("is working again") == 1
            assert "Qatar proposes six-week war pause" in channel.text
    finally:
        await rt.stop()
        core.close()


async def test_non_admin_add_feed_is_refused_and_nothing_changes(env: dict[str, str]) -> None:
    channel = ConsoleChannel()
    core = make_core(env, admins={})
    rt = Runtime(core, [channel.adapter])
    before = core.store.feed_rows()
    reply = await channel.say(rt, "add feed http://127.0.0.1:9/feed.xml hostage-talks")
    assert reply.startswith("Only admins can use 'add'")
    assert core.store.feed_rows() == before
    assert "Only admins" in await channel.say(rt, 'track border "Border" terms: border')
    assert [s.id for s in core.store.list_stories()] == ["hostage-talks", "rafah-offensive"]
    core.close()


async def test_admin_tracks_a_story_from_chat_and_stored_articles_are_filed_at_once(env: dict[str, str]) -> None:
    channel = ConsoleChannel()
    core = make_core(env)
    rt = Runtime(core, [channel.adapter])
    await rt.start(start_adapters=False)
    try:
        for name in ("001.txt", "003.txt", "004.txt"):
            drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), name)
        await rt.scan_seeds()
        reply = await channel.say(
            rt, 'track mediators "Mediators" terms: Qatar, Qatari, Egypt, Egyptian, Cairo, Doha, mediat* '
                'exclude: football')
        assert "Now tracking mediators" in reply
        matched = int(re.search(r"(\d+) stored article\(s\) already match it", reply).group(1))  # type: ignore[union-attr]
        assert matched >= 1
        stories = await channel.say(rt, "stories")
        assert f"mediators - Mediators: {matched} article(s)" in stories and "(defined in chat)" in stories
        assert "(defined in config)" in stories
        assert "is defined in config/stories.toml" in await channel.say(rt, "untrack hostage-talks")
        assert "Stopped tracking mediators" in await channel.say(rt, "untrack mediators")
        malformed = await channel.say(rt, "track nothing here")
        assert malformed.startswith("I need a story id") and "Usage: track STORY" in malformed
    finally:
        await rt.stop()
        core.close()


async def test_opml_round_trip(env: dict[str, str]) -> None:
    channel = ConsoleChannel()
    core = make_core(env)
    rt = Runtime(core, [channel.adapter])
    opml = ('<opml version="2.0"><body><outline text="Wire" xmlUrl="http://127.0.0.1:9/wire.xml" '
            'category="hostage-talks"/><outline text="Other" xmlUrl="http://127.0.0.1:9/other.xml"/></body></opml>')
    reply = await channel.say(rt, f"import opml {opml}")
    assert reply.startswith("Imported 2 feed(s).")
    exported = await channel.say(rt, "export opml")
    assert 'xmlUrl="http://127.0.0.1:9/wire.xml" category="hostage-talks"' in exported
    assert "not valid OPML" in await channel.say(rt, "import opml <opml><body>")
    core.close()
