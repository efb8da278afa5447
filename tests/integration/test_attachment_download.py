"""The capped reader of attached files against a real HTTP server on 127.0.0.1 that does not say
(or lies about) how big its answer is."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.chat.attachments import read_capped
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
