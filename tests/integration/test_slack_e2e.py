"""Issue 6 end to end: the bot living in Slack channels, through the real runtime and the Slack emulator.

The runtime (scheduler, outbox, router, real answerer over a real SQLite store with eval articles
ingested) runs with the real Slack adapter (unmodified slack-bolt, Socket Mode or HTTP) pointed at
the emulator on 127.0.0.1 only through configuration. One test drives `newsdesk-bot run` as a
process configured by SLACK_* variables alone, and kills it while Slack holds a post.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.chat.slack import SlackAdapter, SlackConfig
from bot.runtime.app import Runtime
from bot.store import open_store
from bot.store.runtime_repo import RuntimeRepo
from tests.conftest import REPO
from tests.support.runtime_kit import (
    ARTICLES,
    controlled_feed,
    drop_seed,
    drop_today,
    make_core,
    shipped_config,
    wait_for,
)
from tests.support.slack_emulator import (
    CHANNEL,
    EDITOR,
    OWNER,
    SlackEmulator,
    User,
    block_kit_problem,
    pings,
    slack_emulator,  # noqa: F401  (the fixture)
)

WAIT = 15.0
NEWSMAX = "https://www.newsmax.com/world/globaltalk/israel-talks-egypt/2024/03/30/id/1159220/"
CONFIGURED_ADMIN = "U0CONFADM"


def slack_text(params: dict[str, Any]) -> str:
    """The fallback text and every text object of a message, as Slack would parse them."""
    parts = [str(params.get("text", ""))]
    for block in params.get("blocks") or []:
        if block.get("type") in ("section", "header"):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            parts.append(element.get("text", ""))
    return "\n".join(parts)


def bot_messages(emulator: SlackEmulator, channel: str = CHANNEL) -> list[dict[str, Any]]:
    """What the bot has posted in a channel (top level and threads), oldest first."""
    return [m for m in emulator.channels[channel].messages if m.get("bot_id")]


def with_text(emulator: SlackEmulator, needle: str) -> list[dict[str, Any]]:
    """The bot's messages in #newsdesk whose text contains `needle`."""
    return [m for m in bot_messages(emulator) if needle in slack_text(m)]


async def all_acked(emulator: SlackEmulator) -> None:
    """Every envelope Slack pushed was acked (none left for Slack to redeliver)."""
    for envelope_id in list(emulator.envelopes):
        await emulator.wait_for_ack(envelope_id, WAIT)


@asynccontextmanager
async def slack_runtime(env: dict[str, str], emulator: SlackEmulator, **config: Any) -> AsyncIterator[Runtime]:
    """The whole runtime with the real answerer and the Slack adapter pointed at the emulator."""
    core = make_core(env, seeds_rescan_seconds=0.2, admins={"slack": (CONFIGURED_ADMIN,)})
    values: dict[str, Any] = {"bot_token": emulator.bot_token, "app_token": emulator.app_token,
                              "api_url": emulator.api_url, "connect_timeout": WAIT}
    values.update(config)
    rt = Runtime(core, [SlackAdapter(SlackConfig(**values))])
    await rt.start()
    try:
        await asyncio.wait_for(rt.first_scan.wait(), WAIT)
        yield rt
    finally:
        await rt.stop()
        core.close()


def seed_mediator_articles(env: dict[str, str]) -> None:
    """The seed report and a later article that both name Qatar and Egypt as the mediators."""
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    drop_seed(seeds, "000_seed.txt")
    drop_seed(seeds, "008.txt")


async def subscribe_live(emulator: SlackEmulator, story: str = "hostage-talks") -> str:
    """An editor subscribes #newsdesk to a story by mentioning the bot; returns the mention's ts."""
    ts, _ = await emulator.user_says(CHANNEL, EDITOR, f"<@{emulator.bot_user_id}> subscribe {story}")
    await emulator.wait_for_call("chat.postMessage", lambda c: c.params.get("thread_ts") == ts
                                 and "Subscribed to" in slack_text(c.params), timeout=WAIT)
    return ts


# --------------------------------------------------------------------------------- questions


async def test_mention_is_answered_in_its_thread_with_block_kit_naming_qatar_and_egypt_and_a_linked_source(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    seed_mediator_articles(env)
    async with slack_runtime(env, slack_emulator):
        bot = f"<@{slack_emulator.bot_user_id}>"
        ts, _ = await slack_emulator.user_says(CHANNEL, EDITOR, f"{bot} who are the mediators?")
        call = await slack_emulator.wait_for_call("chat.postMessage", lambda c: c.params.get("thread_ts") == ts,
                                                  timeout=WAIT)
        assert call.ok
        blocks = call.params["blocks"]
        assert blocks and block_kit_problem(blocks) is None
        answer = slack_text(call.params)
        assert "Qatar" in answer and "Egypt" in answer
        # the supporting sentence and its source, as a link Slack renders (no preview unfurled)
        assert "mediating" in answer
        assert any(b["type"] == "context" and f"<{NEWSMAX}|" in json.dumps(b) for b in blocks)
        assert call.params["unfurl_links"] is False and call.params["unfurl_media"] is False
        thread = slack_emulator.thread(CHANNEL, ts)
        assert [m["ts"] for m in thread][0] == ts and len(thread) == 2  # the question, then one answer
        await all_acked(slack_emulator)


# --------------------------------------------------------------------------------- slash command + digest


async def test_slash_command_subscribes_a_daily_digest_that_fires_threaded_and_waits_out_a_429_posting_once(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        command = "subscribe hostage-talks daily 08:00 Europe/London"
        envelope = await slack_emulator.slash_command(CHANNEL, EDITOR, command)
        await slack_emulator.wait_for_ack(envelope, WAIT)
        confirm = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: "daily at 08:00 Europe/London" in slack_text(c.params), timeout=WAIT)
        assert confirm.ok and confirm.params["channel"] == CHANNEL and "thread_ts" not in confirm.params
        [sub] = rt.repo.subscriptions(platform="slack")
        assert (sub.channel, sub.story, sub.mode, sub.daily_at, sub.timezone) == (
            CHANNEL, "hostage-talks", "daily", "08:00", "Europe/London")
        job = rt.scheduler.get_job(f"digest:{sub.id}")
        assert job is not None
        local = job.next_run_time.astimezone(ZoneInfo("Europe/London"))
        assert (local.hour, local.minute) == (8, 0)

        # other commands of the router answer through the same slash command
        for text, expected in (("subscriptions", "hostage-talks: daily 08:00 Europe/London"),
                               ("stories", "hostage-talks"), ("frobnicate", "I don't know the command 'frobnicate'")):
            envelope = await slack_emulator.slash_command(CHANNEL, EDITOR, text)
            await slack_emulator.wait_for_ack(envelope, WAIT)
            await slack_emulator.wait_for_call("chat.postMessage", lambda c, e=expected: e in slack_text(c.params),
                                               timeout=WAIT)

        # news arrives, then the digest time comes (moved to now instead of waiting for 08:00)
        seeds = Path(env["NEWSDESK_SEEDS_DIR"])
        drop_today(seeds, "001.txt")  # published today: a digest windows by publication time
        drop_today(seeds, "004.txt")
        await rt.scan_seeds()
        slack_emulator.rate_limit_next("chat.postMessage", retry_after=1, skip=1)  # the digest's reply is refused once
        job.modify(next_run_time=datetime.now(UTC))

        def details() -> list[dict[str, Any]]:
            parents = with_text(slack_emulator, "Digest since")
            return slack_emulator.thread(CHANNEL, parents[0]["ts"])[1:] if parents else []

        assert await wait_for(lambda: bool(details()), timeout=WAIT)
        assert await rt.drain(WAIT)
        [parent] = with_text(slack_emulator, "Digest since")
        assert parent.get("thread_ts", parent["ts"]) == parent["ts"]  # top level, heading its thread
        [reply] = details()
        assert "Hostage-release talks" in slack_text(reply) and "news-usa.today" in slack_text(reply)
        # Slack's Retry-After was honoured and nothing was doubled
        posted = slack_emulator.calls_to("chat.postMessage")
        [limited] = [c for c in posted if c.status == 429]
        [sent_reply] = [c for c in posted if c.ok and c.params.get("thread_ts") == parent["ts"]]
        assert sent_reply.at - limited.at >= 0.9
        assert sum(slack_text(m) == slack_text(reply) for m in bot_messages(slack_emulator)) == 1
        assert {r.status for r in rt.repo.rows(platform="slack")} == {"sent"}
        await all_acked(slack_emulator)


# --------------------------------------------------------------------------------- live updates + escaping


async def test_live_update_is_threaded_under_the_days_post_and_a_broadcast_mention_in_the_feed_pings_nobody(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        await subscribe_live(slack_emulator)
        raw = (ARTICLES / "001.txt").read_text(encoding="utf-8")
        hostile = raw.replace("# title: Qatar proposes", "# title: <!channel> @here Qatar proposes").replace(
            "Negotiators from Qatar", "<!channel> <!here|here> @everyone Negotiators from Qatar", 1)
        drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001_alert.txt", hostile)
        assert await wait_for(lambda: bool(with_text(slack_emulator, "Qatar proposes")), timeout=WAIT)
        assert await rt.drain(WAIT)
        [parent] = with_text(slack_emulator, "live updates")
        [live] = with_text(slack_emulator, "Qatar proposes")
        assert live["thread_ts"] == parent["ts"] and parent.get("thread_ts", parent["ts"]) == parent["ts"]
        # the feed's text is shown as written, but nothing the bot posted can notify the channel
        assert "&lt;!channel&gt;" in slack_text(live)
        for call in slack_emulator.calls_to("chat.postMessage"):
            assert pings(slack_text(call.params)) == [], slack_text(call.params)
            assert block_kit_problem(call.params["blocks"]) is None
        await all_acked(slack_emulator)


# --------------------------------------------------------------------------------- admin


async def test_non_admin_slash_command_is_refused_privately_and_changes_nothing_while_admins_may(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    slack_emulator.add_user(User(CONFIGURED_ADMIN, "chief"))  # no Slack role, but listed in [admins]
    slack_emulator.channels[CHANNEL].members.add(CONFIGURED_ADMIN)
    async with slack_runtime(env, slack_emulator) as rt:
        command = "add feed http://127.0.0.1:9/a.xml hostage-talks"
        envelope = await slack_emulator.slash_command(CHANNEL, EDITOR, command)
        await slack_emulator.wait_for_ack(envelope, WAIT)
        refusal = await slack_emulator.wait_for_call("response_url", timeout=WAIT)
        assert refusal.status == 200 and refusal.params["response_type"] == "ephemeral"
        assert "Only admins can use 'add'" in slack_text(refusal.params)
        assert refusal.params["user"] == EDITOR  # the response_url belongs to the editor's command
        assert [c.params["user"] for c in slack_emulator.calls_to("users.info")] == [EDITOR]  # Slack role checked
        assert slack_emulator.calls_to("chat.postMessage") == [] and rt.core.store.feed_rows() == []

        async with controlled_feed() as owner_feed, controlled_feed() as chief_feed:
            owner_feed.items, chief_feed.items = ["001.txt"], ["004.txt"]
            for user, url in ((OWNER, owner_feed.url), (CONFIGURED_ADMIN, chief_feed.url)):
                envelope = await slack_emulator.slash_command(CHANNEL, user, f"add feed {url} hostage-talks")
                await slack_emulator.wait_for_ack(envelope, WAIT)
                await slack_emulator.wait_for_call("chat.postMessage", lambda c, u=url: f"Added feed Test desk ({u})"
                                                   in slack_text(c.params), timeout=WAIT)
            assert sorted(r["url"] for r in rt.core.store.feed_rows()) == sorted([owner_feed.url, chief_feed.url])
        await all_acked(slack_emulator)


# --------------------------------------------------------------------------------- connection


async def test_socket_cut_while_news_and_a_question_arrive_loses_nothing_and_doubles_nothing(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    seed_mediator_articles(env)
    async with slack_runtime(env, slack_emulator) as rt:
        await subscribe_live(slack_emulator)
        # the connection drops and Slack makes the client wait a second before it may reconnect
        slack_emulator.rate_limit_next("apps.connections.open", retry_after=1)
        await slack_emulator.drop_connections()
        assert await wait_for(lambda: slack_emulator.connected == 0, timeout=WAIT)
        question, envelopes = await slack_emulator.user_says(
            CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> who are the mediators?")
        assert all(slack_emulator.envelopes[e].sent_on is None for e in envelopes)  # nobody to send them to
        drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
        await rt.scan_seeds()  # posts are queued meanwhile (and go out over the Web API)
        await slack_emulator.wait_for_connections(2, timeout=WAIT)
        answer = await slack_emulator.wait_for_call("chat.postMessage", lambda c: c.params.get("thread_ts") == question,
                                                    timeout=WAIT)
        assert "Qatar" in slack_text(answer.params) and "Egypt" in slack_text(answer.params)
        assert await rt.drain(WAIT)
        await all_acked(slack_emulator)
        assert len(slack_emulator.thread(CHANNEL, question)) == 2  # answered once
        assert len(with_text(slack_emulator, "live updates")) == 1
        assert len(with_text(slack_emulator, "Qatar proposes")) == 1
        assert {r.status for r in rt.repo.rows(platform="slack")} == {"sent"}


async def test_signed_http_event_is_answered_and_a_badly_signed_one_is_refused_with_nothing_posted(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    seed_mediator_articles(env)
    async with slack_runtime(env, slack_emulator, mode="http", app_token="", http_port=0,
                             signing_secret=slack_emulator.signing_secret) as rt:
        adapter = rt.ports["slack"]
        assert isinstance(adapter, SlackAdapter) and adapter.http_url
        bot = f"<@{slack_emulator.bot_user_id}>"

        forged_ts, [forged, _] = slack_emulator.human_message(CHANNEL, EDITOR, f"{bot} who are the mediators? (forged)")
        body = json.dumps(slack_emulator.event_callback(forged)).encode()
        status, _ = await slack_emulator.deliver_http(adapter.http_url, body, "application/json",
                                                      headers=slack_emulator.sign(body, secret="not-the-secret"))
        assert status == 401

        ts, [event, _] = slack_emulator.human_message(CHANNEL, EDITOR, f"{bot} who are the mediators?")
        body = json.dumps(slack_emulator.event_callback(event)).encode()
        status, _ = await slack_emulator.deliver_http(adapter.http_url, body, "application/json",
                                                      headers=slack_emulator.sign(body))
        assert status == 200
        answer = await slack_emulator.wait_for_call("chat.postMessage", lambda c: c.params.get("thread_ts") == ts,
                                                    timeout=WAIT)
        assert "Qatar" in slack_text(answer.params) and "Egypt" in slack_text(answer.params)
        # the signed event was handled after the forged one, and the forged one got nothing
        assert [c.params.get("thread_ts") for c in slack_emulator.calls_to("chat.postMessage")] == [ts]
        assert slack_emulator.thread(CHANNEL, forged_ts)[1:] == []


# --------------------------------------------------------------------------------- exactly once


async def test_a_post_slack_accepted_but_never_confirmed_is_found_by_its_key_and_not_posted_again(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator, request_timeout=1) as rt:
        await subscribe_live(slack_emulator)
        slack_emulator.hold_next("chat.postMessage")  # the day's thread post lands, its answer never comes
        drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
        assert await wait_for(lambda: bool(with_text(slack_emulator, "Qatar proposes")), timeout=WAIT)
        assert await rt.drain(WAIT)
        [parent] = with_text(slack_emulator, "live updates")
        [live] = with_text(slack_emulator, "Qatar proposes")
        assert live["thread_ts"] == parent["ts"]
        # the retry asked Slack for the key first (metadata included) and took the existing message
        lookups = slack_emulator.calls_to("conversations.history")
        assert lookups and lookups[0].params["include_all_metadata"] in (True, "true", "1")
        assert parent["metadata"]["event_payload"]["key"].startswith("thread:slack:")
        row = rt.repo.row(parent["metadata"]["event_payload"]["key"])
        assert row is not None and row.status == "sent" and row.message_id == parent["ts"] and row.attempts == 2
        assert len(slack_emulator.calls_to("chat.postMessage")) == 3  # confirmation, day's post, live post


def slack_env(env: dict[str, str], emulator: SlackEmulator, config_dir: Path) -> dict[str, str]:
    """The process environment: the test store, a quick seeds rescan, and Slack by SLACK_* alone."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MATRIX_"))}
    full.update(env)
    full.update({"PYTHONPATH": str(REPO), "NEWSDESK_CONFIG_DIR": str(config_dir),
                 "SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_APP_TOKEN": emulator.app_token,
                 "SLACK_API_URL": emulator.api_url})
    return full


def quick_config(tmp_path: Path) -> Path:
    """The shipped config with the seeds folder rescanned twice a second."""
    return shipped_config(tmp_path, {"bot.toml": lambda t: "\n".join(
        "seeds_rescan_seconds = 0.5" if line.startswith("seeds_rescan_seconds") else line for line in t.splitlines())})


async def test_newsdesk_bot_run_connects_with_slack_tokens_alone_and_a_kill_mid_post_leaves_exactly_one_message(
        env: dict[str, str], slack_emulator: SlackEmulator, tmp_path: Path) -> None:  # noqa: F811
    full = slack_env(env, slack_emulator, quick_config(tmp_path))
    log1, log2 = tmp_path / "run1.log", tmp_path / "run2.log"

    async def run(log: Path) -> asyncio.subprocess.Process:
        with log.open("w") as err:
            return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=REPO, env=full,
                                                        stdin=asyncio.subprocess.DEVNULL,
                                                        stdout=asyncio.subprocess.DEVNULL, stderr=err)

    def logs() -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()}" for p in (log1, log2) if p.exists())

    try:
        await crash_then_restart(env, slack_emulator, run, log1, log2)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{logs()}") from exc


async def crash_then_restart(env: dict[str, str], slack_emulator: SlackEmulator, run: Any, log1: Path,  # noqa: F811
                             log2: Path) -> None:
    """Run 1 subscribes and dies while Slack holds the day's post; run 2 must not post it again."""
    first = await run(log1)
    try:
        await slack_emulator.wait_for_connections(1, timeout=40)
        opened = slack_emulator.calls_to("apps.connections.open")[0]
        assert opened.headers["Authorization"] == f"Bearer {slack_emulator.app_token}"
        await subscribe_live(slack_emulator)
        slack_emulator.hold_next("chat.postMessage")
        drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
        held = await slack_emulator.wait_for_call("chat.postMessage", lambda c: "live updates" in slack_text(c.params),
                                                  timeout=WAIT)
        first.kill()  # Slack has the post; the bot dies before it hears back
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    store = open_store(env["NEWSDESK_DATABASE_URL"])
    repo = RuntimeRepo(store.engine)
    key = held.params["metadata"]["event_payload"]["key"]
    assert repo.row(key).status == "sending"  # type: ignore[union-attr]
    slack_emulator.release_held()

    second = await run(log2)
    try:
        await slack_emulator.wait_for_connections(2, timeout=40)
        assert await wait_for(lambda: bool(with_text(slack_emulator, "Qatar proposes")), timeout=WAIT)
        [parent] = with_text(slack_emulator, "live updates")
        [live] = with_text(slack_emulator, "Qatar proposes")
        assert live["thread_ts"] == parent["ts"] == held.response["ts"]
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    finally:
        if second.returncode is None:
            second.kill()
            await second.wait()
    log = log2.read_text()
    assert "event=outbox_requeued" in log and "event=outbox_already_sent" in log and "Traceback" not in log, log
    row = repo.row(key)
    assert row is not None and row.status == "sent" and row.message_id == parent["ts"]
    assert {r.status for r in repo.rows(platform="slack")} == {"sent"}
    assert len(bot_messages(slack_emulator)) == 3  # confirmation, the day's post, the live post
    store.close()
