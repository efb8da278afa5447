"""A minimal reverse proxy on 127.0.0.1, like the nginx in front of a production homeserver.

It forwards every request to the upstream and, when the upstream cannot be reached, answers
`502 Bad Gateway` with an HTML page, the way nginx does. Tests use it to see how the adapter
treats server errors (5xx) rather than refused connections.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"}
_BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"


class ReverseProxy:
    """Forwards http://127.0.0.1:<port>/... to `upstream`; `url` is set once started."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.url = ""
        self.bad_gateways = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> str:
        """Listen on a free port on 127.0.0.1; returns the proxy's base URL."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        """Close upstream connections (ending any long poll in flight), then stop listening."""
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        body = await request.read()
        try:
            async with self._session.request(
                request.method, self.upstream + request.path_qs, headers=headers, data=body or None
            ) as upstream:
                payload = await upstream.read()
                out_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
                out_headers.pop("Content-Encoding", None)
                return web.Response(status=upstream.status, body=payload, headers=out_headers)
        except (aiohttp.ClientError, ConnectionError, TimeoutError, RuntimeError):
            self.bad_gateways += 1
            return web.Response(status=502, text=_BAD_GATEWAY, content_type="text/html")
