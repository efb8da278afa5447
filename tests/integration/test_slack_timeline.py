"""`timeline STORY` in Slack: the chart is uploaded the files.uploadV2 way into the command's thread.

Through the real runtime, slack-sdk's `files_upload_v2` and the Slack emulator: the bot asks for
an upload URL (files.getUploadURLExternal), POSTs the PNG there, then shares it with
files.completeUploadExternal in the channel and thread. The emulator keeps the shared file, so
the test downloads what Slack would show and reads its PNG header.
"""

from __future__ import annotations

import json

import aiohttp

from bot.chart.png import png_size
from tests.conftest import EVAL_ARTICLES
from tests.integration.test_slack_e2e import WAIT, all_acked, slack_runtime, slack_text
from tests.support.slack_emulator import (
    CHANNEL,
    EDITOR,
    SlackEmulator,
    slack_emulator,  # noqa: F401  (the fixture)
)

CHART_WAIT = 60.0  # the drawing process imports matplotlib (and, the first time, builds its font cache)


async def test_a_timeline_is_uploaded_as_a_png_into_the_commands_thread_with_alt_text(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        rt.core.pipeline.ingest_paths([EVAL_ARTICLES])
        ts, _ = await slack_emulator.user_says(
            CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> timeline hostage-talks since 3650d")
        done = await slack_emulator.wait_for_call("files.completeUploadExternal", timeout=CHART_WAIT)
        assert done.ok, done.response
        assert done.params["channel_id"] == CHANNEL and done.params["thread_ts"] == ts
        assert "Hostage-release talks: timeline" in done.params["initial_comment"]

        (asked,) = slack_emulator.calls_to("files.getUploadURLExternal")
        (upload,) = slack_emulator.calls_to("files.upload")
        assert asked.ok and upload.status == 200 and upload.params["bytes"] == int(asked.params["length"])
        assert asked.params["filename"].startswith("timeline-hostage-talks-") and asked.params["filename"].endswith(
            ".png")
        alt = asked.params["alt_txt"]
        assert "hostages (hold): 136 (project seed document, 11 Feb), then 130 (newsmax.com, 30 Mar)" in alt
        assert len(alt) <= 1000
        assert [f["id"] for f in json.loads(done.params["files"])] == [asked.response["file_id"]]

        # the picture is in the thread, as Slack would show it, and is the PNG that was drawn
        shared = [m for m in slack_emulator.thread(CHANNEL, ts) if m.get("files")]
        assert len(shared) == 1 and shared[0]["user"] == slack_emulator.bot_user_id
        info = shared[0]["files"][0]
        assert info["mimetype"] == "image/png" and info["alt_txt"] == alt
        async with aiohttp.ClientSession() as session, session.get(
                info["url_private"], headers={"Authorization": f"Bearer {slack_emulator.bot_token}"}) as resp:
            png = await resp.read()
        width, height = png_size(png)
        assert (width, info["original_w"], info["original_h"]) == (1080, 1080, height) and height > 1080
        assert slack_emulator.calls_to("chat.postMessage") == []  # the chart is one message, not two
        await all_acked(slack_emulator)


async def test_a_quiet_story_gets_a_sentence_and_nothing_is_uploaded(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        rt.core.pipeline.ingest_paths([EVAL_ARTICLES])
        ts, _ = await slack_emulator.user_says(
            CHANNEL, EDITOR, f"<@{slack_emulator.bot_user_id}> timeline rafah-offensive since 30d")
        reply = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=WAIT)
        text = slack_text(reply.params)
        assert "Nothing new on rafah-offensive was published in the last 30 days" in text
        assert "its latest development was published on 22 Mar 2024" in text
        assert slack_emulator.calls_to("files.getUploadURLExternal") == []
        await all_acked(slack_emulator)


async def test_the_emulator_refuses_uploads_as_slack_documents(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    auth = {"Authorization": f"Bearer {slack_emulator.bot_token}"}
    api = slack_emulator.api_url
    async with aiohttp.ClientSession() as session:
        async def call(method: str, **params: object) -> dict[str, object]:
            async with session.post(api + method, data={k: str(v) for k, v in params.items()}, headers=auth) as r:
                return await r.json()  # type: ignore[no-any-return]

        assert (await call("files.getUploadURLExternal", filename="a.png"))["error"] == "missing_argument"
        assert (await call("files.getUploadURLExternal", length=3))["error"] == "invalid_arguments"
        assert (await call("files.getUploadURLExternal", filename="a.png", length=3, alt_txt="x" * 1001))[
            "error"] == "alt_txt_too_large"
        ticket = await call("files.getUploadURLExternal", filename="a.png", length=3)
        files = json.dumps([{"id": ticket["file_id"]}])
        # completing before the bytes came: nothing to share
        assert (await call("files.completeUploadExternal", files=files, channel_id=CHANNEL))["error"] == \
            "file_not_found"
        async with session.post(str(ticket["upload_url"]), data=b"abc") as resp:  # the URL is the credential
            assert resp.status == 200 and await resp.text() == "OK - 3"
        assert (await call("files.completeUploadExternal", files=files, channel_id="C0NOPE"))["error"] == \
            "channel_not_found"
        assert (await call("files.completeUploadExternal", files=files, channel_id=CHANNEL,
                           thread_ts="1.000001"))["error"] == "thread_not_found"
        done = await call("files.completeUploadExternal", files=files, channel_id=CHANNEL, initial_comment="hi")
        assert done["ok"] and done["files"] == [{"id": ticket["file_id"], "title": "a.png"}]
        assert slack_emulator.channels[CHANNEL].messages[-1]["text"] == "hi"
        # a file is shared once
        assert (await call("files.completeUploadExternal", files=files, channel_id=CHANNEL))["error"] == \
            "file_not_found"
