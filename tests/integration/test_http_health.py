"""/healthz and /metrics over real HTTP on 127.0.0.1, as a load balancer and Prometheus see them.

A runtime polls real feeds from the feed server, answers a question, and delivers live posts;
its /metrics scrape is parsed with the Prometheus client's own parser. /healthz turns 503 with
the reason when PostgreSQL stops taking connections, when Synapse goes away under the Matrix
adapter, and when the scheduler stops, and back to 200 when they return.
"""

from __future__ import annotations

import asyncio
import math
import re
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from bot.chat.matrix import MatrixAdapter, MatrixConfig
from bot.chat.matrix_state import JsonFileStateStore
from bot.chat.slack import SlackAdapter, SlackConfig
from bot.runtime.app import AdapterStartError, Runtime
from bot.settings import WebPages
from bot.store.repo import now_utc
from tests.support.feed_server import FeedServer
from tests.support.matrix_people import Person, wait_until
from tests.support.runtime_kit import ConsoleChannel, drop_seed, make_core, wait_for
from tests.support.slack_emulator import SlackEmulator, slack_emulator  # noqa: F401  (the fixture)
from tests.support.synapse_server import SynapseHarness

LOOPBACK_ANY_PORT = "127.0.0.1:0"


async def get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.text()


async def health(runtime: Runtime) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of /healthz."""
    async with aiohttp.ClientSession() as session, session.get(f"{runtime.web.url}/healthz") as response:
        return response.status, await response.json()


async def scrape(runtime: Runtime) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of /metrics, keyed by (sample name, labels), parsed by the Prometheus client."""
    status, content_type, body = await get(f"{runtime.web.url}/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(body) for s in family.samples}


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """One sample's value; 0 when the series does not exist yet (a labelled counter never moved)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def http_runtime(env: dict[str, str], channel: ConsoleChannel,
                       feed_server: FeedServer) -> AsyncIterator[Runtime]:
    """A runtime with its HTTP server on a free loopback port, two feeds (one broken) held back until the test
    lets them be polled."""
    env = {**env, "NEWSDESK_HTTP_LISTEN": LOOPBACK_ANY_PORT}
    core = make_core(env, seeds_rescan_seconds=0.2)
    later = now_utc() + timedelta(hours=1)
    for path in ("/feeds/rss2_wire.xml", "/status/500"):
        core.store.upsert_feed(feed_server.base + path, story_ids=("hostage-talks",), fulltext=False)
        core.store.save_feed_state(feed_server.base + path, next_poll=later)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=0.2)
    await rt.start(start_adapters=False)
    yield rt
    await rt.stop()
    core.close()


async def test_healthz_is_200_and_metrics_move_after_a_feed_poll_live_posts_and_an_answer(
        http_runtime: Runtime, channel: ConsoleChannel, feed_server: FeedServer) -> None:
    rt = http_runtime
    assert rt.web.url.startswith("http://127.0.0.1:") and not rt.web.url.endswith(":0")
    await rt.first_scan.wait()
    status, body = await health(rt)
    assert status == 200, body
    assert body["status"] == "ok" and body["role"] == "single" and body["reasons"] == []
    assert body["store"]["ok"] and body["scheduler"]["ok"]
    assert body["adapters"] == {"console": {"connected": True, "detail": "connected"}}

    wire, broken = feed_server.base + "/feeds/rss2_wire.xml", feed_server.base + "/status/500"
    before = await scrape(rt)
    assert value(before, "newsdesk_feed_polls_total", feed=wire) == 0
    assert value(before, "newsdesk_outbox_length") == 0

    assert "Subscribed" in await channel.say(rt, "subscribe hostage-talks")
    for url in (wire, broken):
        rt.core.store.save_feed_state(url, next_poll=now_utc() - timedelta(seconds=1))
    assert await wait_for(lambda: all(row["last_polled"] for row in rt.core.store.feed_rows()), timeout=30)
    assert feed_server.hits["/feeds/rss2_wire.xml"] >= 1 and feed_server.hits["/status/500"] >= 1
    assert await wait_for(lambda: "Truce Talks" in channel.text or "live updates" in channel.text, timeout=30)
    assert await rt.drain(30)
    answer = await channel.say(rt, "who is mediating the hostage talks?")
    assert answer.strip()

    after = await scrape(rt)
    assert value(after, "newsdesk_feed_polls_total", feed=wire) >= 1
    assert value(after, "newsdesk_feed_poll_errors_total", feed=wire) == 0
    assert value(after, "newsdesk_feed_polls_total", feed=broken) >= 1
    assert value(after, "newsdesk_feed_poll_errors_total", feed=broken) == value(
        after, "newsdesk_feed_polls_total", feed=broken)
    assert value(after, "newsdesk_articles_ingested_total", source="seeds") == 0  # the seeds folder is empty
    assert value(after, "newsdesk_articles_ingested_total", source="feed") == rt.core.store.article_count()
    assert value(after, "newsdesk_updates_found_total", source="feed") >= 1
    assert value(after, "newsdesk_ingest_seconds_count", source="feed") >= 1
    assert value(after, "newsdesk_ingest_seconds_sum", source="feed") > 0
    sent = rt.repo.counts().get("sent", 0)
    assert sent >= 1 and value(after, "newsdesk_posts_sent_total", platform="console") == sent
    assert value(after, "newsdesk_posts_failed_total", platform="console") == 0
    waiting = rt.repo.rows(status="pending")  # e.g. a combined post held until its fold window ends
    assert value(after, "newsdesk_outbox_length") == len(waiting)
    assert value(after, "newsdesk_answer_seconds_count") == 2  # the subscribe reply and the answer
    assert 0 < value(after, "newsdesk_answer_seconds_sum") < 60
    assert value(after, "newsdesk_adapter_connected", platform="console") == 1
    assert value(after, "newsdesk_adapter_reconnects_total", platform="console") == 0

    rt.scheduler.shutdown(wait=False)  # the scheduler dies: nothing is polled or sent on schedule any more
    status, body = await health(rt)
    assert status == 503 and body["status"] == "unhealthy"
    assert body["reasons"] == ["scheduler: stopped"]


@pytest.mark.postgres
async def test_healthz_is_503_while_postgresql_refuses_connections_and_200_again_after(
        env: dict[str, str], channel: ConsoleChannel, postgres_server: str, postgres_url: str) -> None:
    env = {**env, "NEWSDESK_HTTP_LISTEN": LOOPBACK_ANY_PORT, "NEWSDESK_DATABASE_URL": postgres_url}
    core = make_core(env, seeds_rescan_seconds=0.2)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=0.2)
    database = postgres_url.rsplit("/", 1)[1]
    admin = create_engine(postgres_server.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    await rt.start(start_adapters=False)
    try:
        status, body = await health(rt)
        assert status == 200, body
        with admin.connect() as conn:  # the database goes away: open connections cut, new ones refused
            conn.execute(text(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false"))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                         {"d": database})
        status, body = await health(rt)
        assert status == 503
        assert body["store"]["ok"] is False and body["reasons"][0].startswith("store: unreachable (")
        assert "not currently accepting connections" in body["reasons"][0]
        assert math.isnan(value(await scrape(rt), "newsdesk_outbox_length"))  # unknown, not 0, and the scrape works
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true"))
        status, body = await health(rt)
        assert status == 200, body
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true"))
        admin.dispose()
        await rt.stop()
        core.close()


@pytest.mark.synapse
async def test_healthz_is_503_while_the_homeserver_is_down_and_the_reconnect_is_counted(
        env: dict[str, str], synapse: SynapseHarness, editor: Person, tmp_path: Path) -> None:
    env = {**env, "NEWSDESK_HTTP_LISTEN": LOOPBACK_ANY_PORT}
    config = MatrixConfig(homeserver=synapse.server.url, user_id=synapse.bot.user_id, password=synapse.bot.password,
                          state_path=str(tmp_path / "matrix-state.json"), sync_timeout_ms=2_000,
                          request_timeout=5.0, max_backoff=0.5, stop_grace=2.0)
    core = make_core(env, seeds_rescan_seconds=0.2)
    rt = Runtime(core, [MatrixAdapter(config, JsonFileStateStore(config.state_path))], feed_tick_seconds=0.2)
    await rt.start()
    try:
        status, body = await health(rt)
        assert status == 200, body
        assert body["adapters"] == {"matrix": {"connected": True, "detail": "connected"}}
        synapse.server.stop()
        try:
            async def down() -> bool:
                return (await health(rt))[0] == 503

            await wait_until(down, timeout=15, what="/healthz to report the homeserver gone")
            status, body = await health(rt)
            assert body["reasons"] == ["adapter matrix: not connected"]
            assert body["store"]["ok"] and body["scheduler"]["ok"]
            assert value(await scrape(rt), "newsdesk_adapter_connected", platform="matrix") == 0
        finally:
            synapse.server.start()

        async def up() -> bool:
            return (await health(rt))[0] == 200

        await wait_until(up, timeout=20, what="/healthz to report the homeserver back")
        samples = await scrape(rt)
        assert value(samples, "newsdesk_adapter_connected", platform="matrix") == 1
        assert value(samples, "newsdesk_adapter_reconnects_total", platform="matrix") == 1
        # and the bot still answers after the reconnect
        room = await editor.create_room(invite=[synapse.bot.user_id])

        async def joined() -> bool:
            return synapse.bot.user_id in await editor.members(room)

        await wait_until(joined, what="the bot to accept the invite")
        await editor.say(room, "!news stories")
        await editor.wait_for_event(room, lambda e: e.get("sender") == synapse.bot.user_id
                                    and "Hostage" in str(e.get("content", {}).get("body", "")))
        assert value(await scrape(rt), "newsdesk_answer_seconds_count") >= 1
    finally:
        await rt.stop()
        core.close()


async def test_a_slack_socket_cut_is_a_counted_reconnect_and_healthz_stays_truthful(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    core = make_core({**env, "NEWSDESK_HTTP_LISTEN": LOOPBACK_ANY_PORT})
    config = SlackConfig(bot_token=slack_emulator.bot_token, app_token=slack_emulator.app_token,
                         api_url=slack_emulator.api_url)
    rt = Runtime(core, [SlackAdapter(config)])
    await rt.start()
    try:
        status, body = await health(rt)
        assert status == 200 and body["adapters"] == {"slack": {"connected": True, "detail": "connected"}}
        assert value(await scrape(rt), "newsdesk_adapter_reconnects_total", platform="slack") == 0
        await slack_emulator.drop_connections()  # a network cut: the SDK opens a new connection by itself
        await slack_emulator.wait_for_connections(2, timeout=20)

        async def reconnected() -> bool:
            samples = await scrape(rt)
            return value(samples, "newsdesk_adapter_reconnects_total", platform="slack") == 1 and value(
                samples, "newsdesk_adapter_connected", platform="slack") == 1

        await wait_until(reconnected, timeout=20, what="the reconnect to be counted")
        status, body = await health(rt)
        assert status == 200, body
    finally:
        await rt.stop()
        core.close()


async def test_an_address_already_in_use_stops_start_with_one_sentence(env: dict[str, str],
                                                                        channel: ConsoleChannel) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        core = make_core({**env, "NEWSDESK_HTTP_LISTEN": f"127.0.0.1:{port}"})
        rt = Runtime(core, [channel.adapter])
        try:
            with pytest.raises(AdapterStartError, match=rf"^HTTP server: cannot listen for HTTP on 127.0.0.1:{port} "):
                await rt.start(start_adapters=False)
        finally:
            await rt.stop()
            core.close()


async def test_the_story_pages_and_their_chart_are_served_by_the_bots_own_http_server(
        env: dict[str, str], channel: ConsoleChannel) -> None:
    core = make_core({**env, "NEWSDESK_HTTP_LISTEN": LOOPBACK_ANY_PORT}, seeds_rescan_seconds=0.2,
                     web_pages=WebPages(enabled=True))
    articles = Path(__file__).resolve().parents[1] / "data" / "eval" / "articles"
    for days_ago, name in ((3, "000_seed.txt"), (2, "001.txt")):  # dated this week: inside the chart's 30 days
        day = (now_utc() - timedelta(days=days_ago)).date().isoformat()
        text = re.sub(r"(?m)^# date: .*$", f"# date: {day}", (articles / name).read_text())
        drop_seed(core.settings.seeds_dir, name, text)
    rt = Runtime(core, [channel.adapter])
    await rt.start(start_adapters=False)
    try:
        await asyncio.wait_for(rt.first_scan.wait(), 60)
        status, content_type, page = await get(f"{rt.web.url}/stories/hostage-talks")
        assert status == 200 and content_type.startswith("text/html") and "Qatar" in page
        assert "/stories/hostage-talks/timeline.png" in page
        async with aiohttp.ClientSession() as session, \
                session.get(f"{rt.web.url}/stories/hostage-talks/timeline.png") as response:
            assert response.status == 200 and (await response.read()).startswith(b"\x89PNG")
    finally:
        await rt.stop()
        core.close()
