"""Downloading attached files against real HTTP servers on 127.0.0.1: the capped reader (answers
that do not say, or overstate, their size) and the Slack adapter's redirect rule (the bot token
never leaves the allowed host)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.chat.attachments import read_capped
from bot.chat.slack import SlackAdapter, SlackConfig
from bot.domain import AttachmentError

LIMIT = 100_000


@pytest.fixture
async def server() -> AsyncIterator[str]:
    async def stream(request: web.Request) -> web.StreamResponse:
        size = int(request.match_info["size"])
        resp = web.StreamResponse()  # chunked: no Content-Length to check up front
        resp.content_type = "text/xml"
        await resp.prepare(request)
        sent = 0
        while sent < size:
            chunk = min(16_384, size - sent)
            await resp.write(b"a" * chunk)
            sent += chunk
        await resp.write_eof()
        return resp

    async def declared(request: web.Request) -> web.Response:
        return web.Response(body=b"a" * (LIMIT + 1), content_type="text/xml")

    app = web.Application()
    app.router.add_get("/stream/{size}", stream)
    app.router.add_get("/declared", declared)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_a_chunked_answer_under_the_cap_is_read_whole(server: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{server}/stream/{LIMIT}") as resp:
        assert await read_capped(resp, "f.opml", LIMIT) == b"a" * LIMIT


async def test_a_chunked_answer_over_the_cap_is_cut_off_with_a_sentence(server: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{server}/stream/{LIMIT * 5}") as resp:
        with pytest.raises(AttachmentError, match=r"f.opml is over 100,000 bytes"):
            await read_capped(resp, "f.opml", LIMIT)


async def test_a_declared_length_over_the_cap_is_refused_before_reading(server: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{server}/declared") as resp:
        with pytest.raises(AttachmentError, match=r"f.opml is 100,001 bytes"):
            await read_capped(resp, "f.opml", LIMIT)


async def test_slack_downloads_follow_redirects_on_the_api_host_but_never_carry_the_token_elsewhere() -> None:
    elsewhere_hits: list[str] = []

    async def elsewhere(request: web.Request) -> web.Response:
        elsewhere_hits.append(request.headers.get("Authorization", ""))
        return web.Response(text="<opml/>", content_type="text/xml")

    other = web.Application()
    other.router.add_get("/f.opml", elsewhere)
    other_runner = web.AppRunner(other, access_log=None)
    await other_runner.setup()
    await web.TCPSite(other_runner, "127.0.0.1", 0).start()
    other_url = f"http://127.0.0.1:{other_runner.addresses[0][1]}/f.opml"

    async def moved(request: web.Request) -> web.Response:
        target = "/files-pri/T1-F1/real.opml" if request.match_info["name"] == "near.opml" else other_url
        raise web.HTTPFound(target)

    async def real(request: web.Request) -> web.Response:
        assert request.headers.get("Authorization") == "Bearer xoxb-test"
        return web.Response(text="<opml><body/></opml>", content_type="text/xml")

    api = web.Application()
    api.router.add_get("/files-pri/T1-F1/real.opml", real)
    api.router.add_get("/files-pri/T1-F1/{name}", moved)
    runner = web.AppRunner(api, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        adapter = SlackAdapter(SlackConfig(bot_token="xoxb-test", app_token="xapp-test", api_url=f"{base}/api/"))
        near = adapter._attachment({"id": "F1", "name": "near.opml", "mimetype": "text/x-opml", "size": 20,
                                    "url_private": f"{base}/files-pri/T1-F1/near.opml"})
        assert await near.read() == "<opml><body/></opml>"
        far = adapter._attachment({"id": "F1", "name": "far.opml", "mimetype": "text/x-opml", "size": 20,
                                   "url_private": f"{base}/files-pri/T1-F1/far.opml"})
        with pytest.raises(AttachmentError, match="not on Slack's file host"):
            await far.read()
        assert elsewhere_hits == []
    finally:
        await runner.cleanup()
        await other_runner.cleanup()
