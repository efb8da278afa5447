"""A headless Chromium driven over the W3C WebDriver protocol (plain HTTP to chromedriver on 127.0.0.1).

Uses Debian's `chromium` and `chromium-driver` (installed by .ci/run); `browser_missing()` says why a
browser test must be skipped where they are absent. No client library: the protocol is a handful of
JSON requests, made with aiohttp so the test's own event loop keeps serving the pages meanwhile.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientSession, ClientTimeout

ELEMENT = "element-6066-11e4-a52f-4f47c7b1f2c1"  # the W3C key of an element reference
CHROMIUM = ("chromium", "chromium-browser")
DRIVER = ("chromedriver", "chromium-driver")


def _which(names: tuple[str, ...]) -> str | None:
    return next((found for found in (shutil.which(n) for n in names) if found), None)


def browser_missing() -> str | None:
    """Why no browser test can run here (None when Chromium and chromedriver are both installed)."""
    if _which(CHROMIUM) is None:
        return "Chromium is not installed (Debian: apt-get install chromium chromium-driver; .ci/run does)"
    if _which(DRIVER) is None:
        return "chromedriver is not installed (Debian: apt-get install chromium-driver; .ci/run does)"
    return None


class WebDriverError(Exception):
    """chromedriver answered with an error; the message is its error and message."""


class Browser:
    """One WebDriver session: open pages, find elements, read text and attributes, take screenshots."""

    def __init__(self, http: ClientSession, base: str, session: str) -> None:
        self.http = http
        self.base = f"{base}/session/{session}"

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One WebDriver command; returns its `value`, raises WebDriverError on an error answer."""
        async with self.http.request(method, self.base + path, json=body if method == "POST" else None) as r:
            data = await r.json(content_type=None)
        value = data.get("value") if isinstance(data, dict) else None
        if r.status >= 400 or (isinstance(value, dict) and "error" in value):
            raise WebDriverError(f"{value.get('error')}: {value.get('message', '')[:300]}" if isinstance(value, dict)
                                 else f"HTTP {r.status}")
        return value

    async def open(self, url: str) -> None:
        """Load a page and wait for it (the driver returns once the document has loaded)."""
        await self.call("POST", "/url", {"url": url})

    async def find_all(self, css: str, within: str | None = None) -> list[str]:
        """The element ids matching a CSS selector (in the page, or within an element)."""
        path = f"/element/{within}/elements" if within else "/elements"
        found = await self.call("POST", path, {"using": "css selector", "value": css})
        return [e.get(ELEMENT) or next(iter(e.values())) for e in found]

    async def text(self, element: str) -> str:
        """An element's rendered text, as a reader sees it."""
        return str(await self.call("GET", f"/element/{element}/text"))

    async def attribute(self, element: str, name: str) -> str | None:
        """An element's attribute."""
        return await self.call("GET", f"/element/{element}/attribute/{name}")

    async def script(self, source: str) -> Any:
        """Evaluate JavaScript in the page from the driver (the page itself runs none)."""
        return await self.call("POST", "/execute/sync", {"script": source, "args": []})

    async def alert_open(self) -> bool:
        """Whether a JavaScript dialog (alert) is open."""
        try:
            await self.call("GET", "/alert/text")
        except WebDriverError as exc:
            if "no such alert" in str(exc):
                return False
            raise
        return True

    async def devtools(self, command: str, params: dict[str, Any] | None = None) -> Any:
        """A Chromium DevTools command through chromedriver (print media, PDF)."""
        return await self.call("POST", "/goog/cdp/execute", {"cmd": command, "params": params or {}})

    async def screenshot(self, full_page: bool = True) -> bytes:
        """A PNG of the page: the whole page where Chromium's DevTools command is reachable, else the viewport."""
        if full_page:
            try:
                shot = await self.devtools("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
                return base64.b64decode(shot["data"])
            except WebDriverError:
                pass
        return base64.b64decode(await self.call("GET", "/screenshot"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def headless_chromium(width: int = 390, height: int = 844) -> AsyncIterator[Browser]:
    """Start chromedriver on 127.0.0.1 and a headless Chromium session at a phone's width; stop both after."""
    driver, chromium = _which(DRIVER), _which(CHROMIUM)
    assert driver and chromium, browser_missing()
    port = _free_port()
    process = subprocess.Popen([driver, f"--port={port}", "--allowed-ips=127.0.0.1"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
    try:
        async with ClientSession(timeout=ClientTimeout(total=60)) as http:
            for _ in range(100):
                try:
                    async with http.get(f"{base}/status") as r:
                        if (await r.json(content_type=None))["value"]["ready"]:
                            break
                except OSError:
                    pass
                await asyncio.sleep(0.1)
            options = {"binary": chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
                f"--window-size={width},{height}", f"--user-data-dir={profile.name}"],
                "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}}}
            async with http.post(f"{base}/session", json={"capabilities": {"alwaysMatch": {
                    "browserName": "chrome", "goog:chromeOptions": options}}}) as r:
                created = await r.json(content_type=None)
            if "sessionId" not in created.get("value", {}):
                raise WebDriverError(f"no session: {str(created)[:300]}")
            browser = Browser(http, base, created["value"]["sessionId"])
            try:
                yield browser
            finally:
                with contextlib.suppress(Exception):  # the driver is stopped below anyway
                    await browser.call("DELETE", "")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        profile.cleanup()
