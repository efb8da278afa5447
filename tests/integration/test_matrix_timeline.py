"""The timeline chart in Matrix, through the real runtime and a real Synapse.

`!news timeline STORY` is answered in the command's thread with an `m.image` whose picture was
uploaded to the homeserver's media repository: the alt text is its `body`, `info` gives w, h,
mimetype and size, and the media the homeserver serves is the PNG of that size. A daily
subscription with `chart` gets the chart under its digest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.chart.png import png_size
from bot.chat.matrix import parse_mxc
from tests.conftest import EVAL_ARTICLES
from tests.integration.test_matrix_e2e import body, bot_config, from_bot, matrix_runtime, relation, room_with
from tests.support.matrix_people import Person
from tests.support.runtime_kit import drop_today
from tests.support.synapse_server import SynapseHarness

pytestmark = pytest.mark.synapse

CHART_WAIT = 60.0  # the drawing process imports matplotlib (and, the first time, builds its font cache)


def is_image(bot_id: str) -> Any:
    return lambda e: e.get("sender") == bot_id and e.get("content", {}).get("msgtype") == "m.image"


async def media(synapse: SynapseHarness, person: Person, mxc: str) -> bytes:
    """The bytes the homeserver serves for `mxc`, through its authenticated media API."""
    parsed = parse_mxc(mxc)
    assert parsed is not None, mxc
    server, media_id = parsed
    url = f"{synapse.server.url}/_matrix/client/v1/media/download/{server}/{media_id}"
    async with aiohttp.ClientSession() as session, session.get(
            url, headers={"Authorization": f"Bearer {person.client.access_token}"}) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.read()


async def test_timeline_is_an_m_image_in_the_commands_thread_with_alt_text_and_its_size(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        rt.core.pipeline.ingest_paths([EVAL_ARTICLES])
        room = await room_with(editor, bot_id)
        command = await editor.say(room, "!news timeline hostage-talks since 3650d")
        image = await editor.wait_for_event(room, is_image(bot_id), timeout=CHART_WAIT)
        content = image["content"]
        assert relation(image)["rel_type"] == "m.thread" and relation(image)["event_id"] == command
        assert body(image).startswith("Timeline chart of Hostage-release talks")
        assert "hostages (hold): 136 (project seed document, 11 Feb), then 130 (newsmax.com, 30 Mar)" in body(image)
        assert content["filename"].startswith("timeline-hostage-talks-") and content["url"].startswith("mxc://")
        png = await media(synapse, editor, content["url"])
        info = content["info"]
        assert info["mimetype"] == "image/png" and info["size"] == len(png)
        assert (info["w"], info["h"]) == png_size(png) and info["w"] == 1080

        await editor.say(room, "!news timeline rafah-offensive")
        quiet = await editor.wait_for_event(room, from_bot(bot_id, "Nothing new on rafah-offensive"), timeout=15)
        assert quiet["content"]["msgtype"] == "m.notice"
        assert "last 30 days, so there is no chart to draw" in body(quiet)


async def test_a_daily_subscription_with_chart_gets_the_chart_under_its_digest(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        room = await room_with(editor, bot_id)
        await editor.say(room, "!news subscribe hostage-talks daily 07:30 Europe/London chart")
        confirm = await editor.wait_for_event(room, from_bot(bot_id, "Subscribed"), timeout=15)
        assert "with the story's timeline chart of the last 30 days" in body(confirm)
        for name in ("001.txt", "004.txt"):  # the day's news arrives (published today)
            drop_today(Path(env["NEWSDESK_SEEDS_DIR"]), name)
        await rt.scan_seeds()
        (sub,) = rt.repo.subscriptions(platform="matrix", channel=room)
        assert sub.chart and sub.describe() == "hostage-talks: daily 07:30 Europe/London chart"
        job = rt.scheduler.get_job(f"digest:{sub.id}")
        assert job is not None
        job.modify(next_run_time=datetime.now(UTC))
        digest = await editor.wait_for_event(room, from_bot(bot_id, "Digest since"), timeout=CHART_WAIT)
        chart = await editor.wait_for_event(room, is_image(bot_id), timeout=CHART_WAIT)
        assert relation(chart)["rel_type"] == "m.thread" and relation(chart)["event_id"] == digest["event_id"]
        assert "developments (" in body(chart) and chart["content"]["info"]["w"] == 1080
