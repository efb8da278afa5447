"""`import opml` with the OPML file attached in Slack, through the real runtime and the Slack emulator.

The editor uploads a file with a message mentioning the bot, as Slack delivers it (a `file_share`
message and an `app_mention`, both carrying `files`); the bot downloads `url_private` with its
token from the emulator (which refuses any request without it) only once an admin asked.
"""

from __future__ import annotations

import aiohttp

from tests.integration.test_slack_e2e import WAIT, all_acked, slack_runtime, slack_text
from tests.support.runtime_kit import controlled_feed
from tests.support.slack_emulator import (
    ADMIN,
    CHANNEL,
    EDITOR,
    SlackEmulator,
    slack_emulator,  # noqa: F401  (the fixture)
)

FEEDS_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Desk feeds</title></head>
  <body>
    <outline text="Talks wire" title="Talks wire" type="rss" xmlUrl="http://127.0.0.1:9/talks.xml"
             category="hostage-talks"/>
    <outline text="Rafah wire" title="Rafah wire" type="rss" xmlUrl="http://127.0.0.1:9/rafah.xml"
             category="rafah-offensive,hostage-talks"/>
  </body>
</opml>
"""


def mention(emulator: SlackEmulator, text: str) -> str:
    return f"<@{emulator.bot_user_id}> {text}"


async def test_admin_uploads_an_opml_file_with_import_opml_and_its_feeds_are_added_with_a_threaded_confirmation(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        ts, _ = await slack_emulator.user_uploads(CHANNEL, ADMIN, "feeds.opml", FEEDS_OPML,
                                                  mention(slack_emulator, "import opml"))
        confirm = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=WAIT)
        assert confirm.ok and "Imported 2 feed(s)" in slack_text(confirm.params)
        feeds = {r["url"]: r for r in rt.core.store.feed_rows()}
        assert set(feeds) == {"http://127.0.0.1:9/talks.xml", "http://127.0.0.1:9/rafah.xml"}
        assert feeds["http://127.0.0.1:9/rafah.xml"]["title"] == "Rafah wire"
        assert sorted(feeds["http://127.0.0.1:9/rafah.xml"]["stories"]) == ["hostage-talks", "rafah-offensive"]
        downloads = slack_emulator.calls_to("files.download")
        assert [d.status for d in downloads] == [200]  # one download, with the bot token
        assert downloads[0].headers["Authorization"] == f"Bearer {slack_emulator.bot_token}"
        await all_acked(slack_emulator)


async def test_a_non_admins_upload_is_refused_privately_before_the_file_is_downloaded_and_adds_nothing(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        await slack_emulator.user_uploads(CHANNEL, EDITOR, "feeds.opml", FEEDS_OPML,
                                          mention(slack_emulator, "import opml"))
        refusal = await slack_emulator.wait_for_call("chat.postEphemeral", timeout=WAIT)
        assert refusal.params["user"] == EDITOR
        assert "Only admins can use 'import'" in slack_text(refusal.params)
        assert slack_emulator.calls_to("files.download") == []
        assert rt.core.store.feed_rows() == [] and slack_emulator.calls_to("chat.postMessage") == []
        await all_acked(slack_emulator)


async def test_the_file_is_served_only_to_the_bot_token(slack_emulator: SlackEmulator) -> None:  # noqa: F811
    await slack_emulator.user_uploads(CHANNEL, EDITOR, "feeds.opml", FEEDS_OPML, "our feeds")
    (stored,) = slack_emulator.files.values()
    url = stored.info["url_private"]
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"Authorization": "Bearer xoxb-someone-else"},
                        {"Authorization": f"Bearer {slack_emulator.app_token}"}):
            async with session.get(url, headers=headers) as resp:
                assert resp.status == 401
        bot = {"Authorization": f"Bearer {slack_emulator.bot_token}"}
        for link in (url, stored.info["url_private_download"]):
            async with session.get(link, headers=bot) as resp:
                assert resp.status == 200 and await resp.text() == FEEDS_OPML


async def test_a_broken_opml_file_gets_one_clear_sentence_and_adds_nothing(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        ts, _ = await slack_emulator.user_uploads(CHANNEL, ADMIN, "broken.opml", FEEDS_OPML[:200],
                                                  mention(slack_emulator, "import opml"))
        reply = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=WAIT)
        text = slack_text(reply.params)
        assert "The attached file broken.opml is not valid OPML" in text
        assert "Traceback" not in text and "failed on my side" not in text
        assert rt.core.store.feed_rows() == []


async def test_an_upload_slack_describes_only_by_id_is_looked_up_with_files_info_then_imported(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        ts, _ = await slack_emulator.user_uploads(CHANNEL, ADMIN, "feeds.opml", FEEDS_OPML,
                                                  mention(slack_emulator, "import opml"),
                                                  file_access="check_file_info")
        confirm = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=WAIT)
        assert "Imported 2 feed(s)" in slack_text(confirm.params)
        assert [c.ok for c in slack_emulator.calls_to("files.info")] == [True]
        assert len(rt.core.store.feed_rows()) == 2


async def test_a_file_link_to_another_host_is_not_fetched_and_the_token_never_leaves_slack(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with controlled_feed() as elsewhere, slack_runtime(env, slack_emulator) as rt:
        ts, events = slack_emulator.human_message(CHANNEL, ADMIN, mention(slack_emulator, "import opml"))
        crafted = {"id": "F0CRAFTED", "name": "feeds.opml", "mimetype": "text/x-opml", "size": 300,
                   "url_private": elsewhere.url, "url_private_download": elsewhere.url}
        for event in events:
            event["files"] = [crafted]
        for event in events:
            await slack_emulator.push_event(event)
        reply = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=WAIT)
        assert "is not on Slack's file host" in slack_text(reply.params)
        assert elsewhere.hits == 0 and rt.core.store.feed_rows() == []


async def test_a_file_that_is_not_text_is_refused_without_downloading_it(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    async with slack_runtime(env, slack_emulator) as rt:
        ts, _ = await slack_emulator.user_uploads(CHANNEL, ADMIN, "photo.png", b"\x89PNG\r\n\x1a\n",
                                                  mention(slack_emulator, "import opml"))
        reply = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=WAIT)
        assert "photo.png is not a text file" in slack_text(reply.params)
        assert slack_emulator.calls_to("files.download") == [] and rt.core.store.feed_rows() == []


async def test_a_file_slack_says_is_over_a_megabyte_is_refused_without_downloading_it(
        env: dict[str, str], slack_emulator: SlackEmulator) -> None:  # noqa: F811
    big = FEEDS_OPML.replace("</body>", "<!--" + "x" * 1_000_000 + "--></body>")
    async with slack_runtime(env, slack_emulator) as rt:
        ts, _ = await slack_emulator.user_uploads(CHANNEL, ADMIN, "huge.opml", big,
                                                  mention(slack_emulator, "import opml"))
        reply = await slack_emulator.wait_for_call(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=WAIT)
        assert f"huge.opml is {len(big.encode()):,} bytes; I read files of up to 1,000,000 bytes" in slack_text(
            reply.params)
        assert slack_emulator.calls_to("files.download") == [] and rt.core.store.feed_rows() == []
