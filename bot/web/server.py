"""The HTTP server: an `aiohttp.web.Application` with /healthz and /metrics, listening where configured.

`WebServer.app` is a plain aiohttp application: other modules add their routes to it before
`start` (aiohttp freezes the router then). /healthz answers 200 or 503 with JSON from the health
probe; /metrics is the Prometheus text format of the runtime's own registry, rendered in a thread
because some of its values (the outbox length) are read from the store at scrape time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from bot.web.health import Health

log = logging.getLogger("bot.web")

HealthProbe = Callable[[], Awaitable[Health]]


class WebStartError(Exception):
    """The HTTP server could not listen; the message is one sentence for the operator."""


class WebServer:
    """/healthz and /metrics (and whatever routes other modules add to `app`) on one address."""

    def __init__(self, health: HealthProbe, registry: CollectorRegistry) -> None:
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/metrics", self._metrics)
        self._health = health
        self._registry = registry
        self._runner: web.AppRunner | None = None
        self._was_ok = True
        self.url = ""

    async def start(self, host: str, port: int) -> str:
        """Listen on host:port (0: any free port) and return the base URL, e.g. http://127.0.0.1:8080."""
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            await runner.cleanup()
            raise WebStartError(f"cannot listen for HTTP on {host}:{port} ({exc.strerror or exc}).") from exc
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
        self.url = f"http://{shown}:{bound_port}"
        log.info("event=http_listening url=%s", self.url)
        return self.url

    async def stop(self) -> None:
        """Stop listening; safe to call when not started."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            log.info("event=http_stopped")

    async def _healthz(self, request: web.Request) -> web.Response:
        health = await self._health()
        if health.ok != self._was_ok:  # one line per change, not one per probe
            if health.ok:
                log.info("event=healthy")
            else:
                log.warning("event=unhealthy reasons=%r", "; ".join(health.reasons()))
            self._was_ok = health.ok
        return web.json_response(health.as_json(), status=200 if health.ok else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, self._registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
