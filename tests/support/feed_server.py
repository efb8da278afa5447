"""A real HTTP server on 127.0.0.1 (random port) that serves feeds the way outlets do, and fails
the ways outlets fail. Used by the integration tests and the fetch benchmark.

Routes:
  /feeds/{name}          a file from tests/data/feeds with a real ETag / Last-Modified and 304s
  /wire                  the wire feed; ``server.wire_version = "updated"`` switches its body
  /wire-plain            the wire feed with no validators at all (only the body hash can tell)
  /gzip/{name}           a feed file, gzip-encoded when the client accepts it
  /gzip-bomb             20 MB of spaces inside a ~20 KB gzip body
  /status/{code}         that status (with Retry-After on 503)
  /hang                  accepts the request and never answers
  /huge                  streams 50 MB without a Content-Length
  /huge-declared         declares a 50 MB Content-Length
  /drip                  a feed one byte per second
  /redirect/private      302 to http://10.0.0.1/feed.xml          (must never be connected to)
  /redirect/metadata     302 to http://169.254.169.254/latest/    (must never be connected to)
  /redirect/file         302 to file:///etc/passwd
  /redirect/loop/{n}     302 to /redirect/loop/{n+1}, forever
  /redirect/feed         302 to /feeds/rss2_wire.xml (relative Location)
  /summary-feed.xml      RSS whose items carry one sentence and link to article pages
  /articles/{stem}.html  an article page with navigation, ads, related links and a footer
  /bench/{i}             a small feed with an ETag, for the benchmark
  /slow/{i}              answers after 0.3 s; ``server.max_in_flight`` records the concurrency seen

``server.hits`` counts requests per path, so tests can prove a request was (or was not) made.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import zlib
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

DATA = Path(__file__).resolve().parent.parent / "data"
FEEDS = DATA / "feeds"
PAGES = DATA / "pages"
LAST_MODIFIED = format_datetime(datetime(2024, 3, 31, 10, 0, tzinfo=UTC), usegmt=True)
_TYPES = {".xml": "application/rss+xml", ".html": "text/html; charset=utf-8"}


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def conditional(request: web.Request, body: bytes, content_type: str, *, validators: bool = True,
                cache_control: str | None = None) -> web.Response:
    """A 200 with validators, or a 304 when the request's validators match (as RFC 9110 says)."""
    headers: dict[str, str] = {}
    if cache_control:
        headers["Cache-Control"] = cache_control
    if validators:
        etag = _etag(body)
        headers.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
        match = request.headers.get("If-None-Match")
        if match is not None:
            if etag in [t.strip() for t in match.split(",")] or match.strip() == "*":
                return web.Response(status=304, headers=headers)
        elif request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers=headers, content_type=content_type.split(";")[0],
                        charset="utf-8" if "charset" in content_type else None)


def summary_feed(base: str) -> bytes:
    """RSS whose items carry one sentence each and link (relatively) to article pages."""
    items = [
        ("004", "Israeli delegation returns from Cairo without breakthrough",
         "The Israeli team came home from Cairo without a breakthrough."),
        ("missing", "A page that is gone", "This item links to a page that answers 404."),
    ]
    body = "".join(
        f"<item><title>{t}</title><link>/articles/{s}.html</link><guid>sum-{s}</guid>"
        f"<pubDate>Wed, 14 Feb 2024 09:00:00 +0000</pubDate><description>{d}</description></item>"
        for s, t, d in items
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Summaries</title>'
            f"<link>{base}/</link><description>one line each</description>{body}</channel></rss>").encode()


class FeedServer:
    """The app and its bookkeeping; start with `running_feed_server`."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.wire_version = "original"
        self.base = ""
        self._stop = asyncio.Event()
        self.app = web.Application(middlewares=[self._count])
        r = self.app.router
        r.add_get("/feeds/{name}", self.feed_file)
        r.add_get("/wire", self.wire)
        r.add_get("/wire-plain", self.wire_plain)
        r.add_get("/gzip/{name}", self.gzipped)
        r.add_get("/gzip-bomb", self.gzip_bomb)
        r.add_get("/status/{code}", self.status)
        r.add_get("/hang", self.hang)
        r.add_get("/huge", self.huge)
        r.add_get("/huge-declared", self.huge_declared)
        r.add_get("/drip", self.drip)
        r.add_get("/redirect/private", self.redirect_to("http://10.0.0.1/feed.xml"))
        r.add_get("/redirect/metadata", self.redirect_to("http://169.254.169.254/latest/meta-data/"))
        r.add_get("/redirect/feed", self.redirect_to("/feeds/rss2_wire.xml"))
        r.add_get("/redirect/file", self.redirect_to("file:///etc/passwd"))
        r.add_get("/redirect/loop/{n}", self.loop)
        r.add_get("/summary-feed.xml", self.summary)
        r.add_get("/articles/{stem}.html", self.article)
        r.add_get("/bench/{i}", self.bench)
        r.add_get("/slow/{i}", self.slow)
        self.in_flight = 0
        self.max_in_flight = 0
        self._bench_body = (FEEDS / "rdf_agency.xml").read_bytes()

    @web.middleware
    async def _count(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        self.hits[request.path] += 1
        return await handler(request)

    async def feed_file(self, request: web.Request) -> web.StreamResponse:
        path = FEEDS / request.match_info["name"]
        if not path.is_file():
            raise web.HTTPNotFound()
        return conditional(request, path.read_bytes(), _TYPES.get(path.suffix, "application/xml"))

    async def wire(self, request: web.Request) -> web.StreamResponse:
        name = "rss2_wire.xml" if self.wire_version == "original" else "rss2_wire_updated.xml"
        return conditional(request, (FEEDS / name).read_bytes(), "application/rss+xml",
                           cache_control="public, max-age=1800")

    async def wire_plain(self, request: web.Request) -> web.StreamResponse:
        return conditional(request, (FEEDS / "rss2_wire.xml").read_bytes(), "application/rss+xml",
                           validators=False)

    async def gzipped(self, request: web.Request) -> web.StreamResponse:
        body = (FEEDS / request.match_info["name"]).read_bytes()
        if "gzip" not in request.headers.get("Accept-Encoding", ""):
            return web.Response(body=body, content_type="application/rss+xml")
        return web.Response(body=gzip.compress(body), content_type="application/rss+xml",
                            headers={"Content-Encoding": "gzip"})

    async def gzip_bomb(self, request: web.Request) -> web.StreamResponse:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        payload = packer.compress(b" " * (20 * 1024 * 1024)) + packer.flush()
        return web.Response(body=payload, content_type="application/rss+xml",
                            headers={"Content-Encoding": "gzip"})

    async def status(self, request: web.Request) -> web.StreamResponse:
        code = int(request.match_info["code"])
        headers = {"Retry-After": "7200"} if code == 503 else {}
        return web.Response(status=code, text=f"status {code}", headers=headers)

    async def hang(self, request: web.Request) -> web.StreamResponse:
        await self._stop.wait()
        return web.Response(text="too late")

    async def huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<!-- " + b"x" * (64 * 1024 - 9) + b" -->"
        try:
            for _ in range((50 * 1024 * 1024) // len(chunk)):
                await response.write(chunk)
        except (ConnectionResetError, RuntimeError):
            pass  # the client hung up, as it should
        return response

    async def huge_declared(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml",
                                               "Content-Length": str(50 * 1024 * 1024)})
        await response.prepare(request)
        try:
            await response.write(b"<rss>")
            await self._stop.wait()
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    async def drip(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        try:
            for byte in (FEEDS / "rss2_wire.xml").read_bytes():
                await response.write(bytes([byte]))
                await asyncio.sleep(1.0)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    def redirect_to(self, location: str):  # type: ignore[no-untyped-def]
        async def handler(request: web.Request) -> web.StreamResponse:
            raise web.HTTPFound(location)
        return handler

    async def loop(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"/redirect/loop/{int(request.match_info['n']) + 1}")

    async def summary(self, request: web.Request) -> web.StreamResponse:
        return conditional(request, summary_feed(self.base), "application/rss+xml")

    async def article(self, request: web.Request) -> web.StreamResponse:
        path = PAGES / f"article_{request.match_info['stem']}.html"
        if not path.is_file():
            raise web.HTTPNotFound()
        return web.Response(body=path.read_bytes(), content_type="text/html", charset="utf-8")

    async def bench(self, request: web.Request) -> web.StreamResponse:
        return conditional(request, self._bench_body, "application/rss+xml")

    async def slow(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.3)
        finally:
            self.in_flight -= 1
        return web.Response(body=self._bench_body, content_type="application/rss+xml")

    def stop_hanging(self) -> None:
        """Release handlers that wait forever, so the server can shut down."""
        self._stop.set()


@asynccontextmanager
async def running_feed_server() -> AsyncIterator[FeedServer]:
    """Start a `FeedServer` on 127.0.0.1 at a free port; stop it (and its handlers) on exit."""
    server = FeedServer()
    runner = web.AppRunner(server.app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.base = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        server.stop_hanging()
        await runner.cleanup()
