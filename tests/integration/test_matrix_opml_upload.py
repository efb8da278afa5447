"""`import opml` with the OPML file attached in Matrix, through the real runtime and a real Synapse.

The editor (the room's creator, so an admin) uploads the file to the homeserver's media
repository as a client does and sends an `m.file` event, then says `!news import opml` (or uses
that command as the file's caption). The bot downloads the file through the authenticated media
API with its own token.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from nio import UploadResponse

from tests.integration.test_matrix_e2e import body, bot_config, from_bot, matrix_runtime, room_with
from tests.integration.test_slack_opml_upload import FEEDS_OPML
from tests.support.matrix_people import Person
from tests.support.synapse_server import SynapseHarness

pytestmark = pytest.mark.synapse

FEED_URLS = {"http://127.0.0.1:9/talks.xml", "http://127.0.0.1:9/rafah.xml"}


async def send_file(person: Person, room: str, name: str, data: bytes, caption: str | None = None,
                    mimetype: str = "text/x-opml") -> str:
    """Upload `data` to the media repository and send it as an m.file (with `caption` as its body)."""
    resp, _ = await person.client.upload(io.BytesIO(data), content_type=mimetype, filename=name,
                                         filesize=len(data))
    assert isinstance(resp, UploadResponse), resp
    return await person.say(room, caption or name, msgtype="m.file", filename=name, url=resp.content_uri,
                            info={"mimetype": mimetype, "size": len(data)})


async def test_editor_uploads_an_opml_file_then_says_import_opml_and_its_feeds_are_added(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        room = await room_with(editor, bot_id)
        await send_file(editor, room, "feeds.opml", FEEDS_OPML.encode())
        command = await editor.say(room, "!news import opml")
        reply = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
        assert body(reply).startswith("Imported 2 feed(s)")
        assert reply["content"]["m.relates_to"]["event_id"] == command  # answered in the command's thread
        feeds = {r["url"]: r for r in rt.core.store.feed_rows()}
        assert set(feeds) == FEED_URLS
        assert sorted(feeds["http://127.0.0.1:9/rafah.xml"]["stories"]) == ["hostage-talks", "rafah-offensive"]


async def test_an_opml_file_captioned_with_the_command_is_imported(
        synapse: SynapseHarness, editor: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        room = await room_with(editor, bot_id)
        await send_file(editor, room, "feeds.opml", FEEDS_OPML.encode(), caption="!news import opml")
        reply = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
        assert body(reply).startswith("Imported 2 feed(s)")
        assert {r["url"] for r in rt.core.store.feed_rows()} == FEED_URLS


async def test_a_broken_file_gets_one_sentence_and_a_non_admins_file_is_refused_and_not_lent_to_others(
        synapse: SynapseHarness, editor: Person, another: Person, env: dict[str, str], tmp_path: Path) -> None:
    bot_id = synapse.bot.user_id
    async with matrix_runtime(env, bot_config(synapse, tmp_path)) as rt:
        room = await room_with(editor, bot_id)
        await editor.client.room_invite(room, another.user.user_id)
        await another.client.join(room)

        await send_file(another, room, "feeds.opml", FEEDS_OPML.encode())
        await another.say(room, "!news import opml")
        refused = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
        assert body(refused).startswith("Only admins can use 'import'")
        assert rt.core.store.feed_rows() == []

        # the other member's file is theirs: the editor's command does not pick it up
        await editor.say(room, "!news import opml")
        nothing = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
        assert body(nothing).startswith("Paste the OPML after 'import opml' (or attach the file).")

        await send_file(editor, room, "broken.opml", FEEDS_OPML[:200].encode())
        await editor.say(room, "!news import opml")
        broken = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
        assert body(broken).startswith("The attached file broken.opml is not valid OPML")

        await send_file(editor, room, "notes.png", b"\x89PNG\r\n\x1a\n", mimetype="image/png")
        await editor.say(room, "!news import opml")
        not_text = await editor.wait_for_event(room, from_bot(bot_id), timeout=15)
        assert body(not_text).startswith("The attached file notes.png is not a text file")
        assert rt.core.store.feed_rows() == []
