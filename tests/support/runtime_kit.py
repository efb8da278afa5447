"""Helpers for the runtime's end-to-end tests: a console channel over a text buffer, seed articles,
and a real RSS server on 127.0.0.1 whose items and status a test can change.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import os
import re
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from bot.chat.console import CONSOLE_CHANNEL, CONSOLE_USER, ConsoleAdapter
from bot.domain import IncomingMessage
from bot.runtime.app import Runtime
from bot.runtime.core import Core, build_core
from bot.settings import load_settings

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "eval" / "articles"
REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"


class ConsoleChannel:
    """The console adapter writing into a buffer, with a way to say things to the bot."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.adapter = ConsoleAdapter(io.StringIO(""), self.buffer, prompt=False)
        self._ids = 0

    @property
    def text(self) -> str:
        """Everything printed so far."""
        return self.buffer.getvalue()

    def message(self, text: str, sender: str = CONSOLE_USER, thread: str | None = None) -> IncomingMessage:
        """A message typed at the console."""
        self._ids += 1
        return IncomingMessage("console", CONSOLE_CHANNEL, sender, text, f"in{self._ids}", thread, True)

    async def say(self, runtime: Runtime, text: str, **kw: Any) -> str:
        """Send a line to the bot and return what it printed in reply."""
        before = len(self.text)
        await runtime.handle(self.adapter, self.message(text, **kw))
        return self.text[before:]


def make_core(env: dict[str, str], **overrides: Any) -> Core:
    """A core over the test environment, with settings overridden (e.g. short intervals)."""
    settings = dataclasses.replace(load_settings(env), **overrides)
    return build_core(settings)


async def wait_for(check: Callable[[], bool], timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll `check` until it holds or `timeout` seconds pass (returns whether it held)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if check():
            return True
        await asyncio.sleep(step)
    return check()


def drop_seed(seeds: Path, name: str, text: str | None = None) -> Path:
    """Copy an eval article into the seeds folder (or write `text` under that name).

    Written to a hidden file first and renamed, so a rescan never reads half a file.
    """
    seeds.mkdir(parents=True, exist_ok=True)
    target = seeds / name
    partial = seeds / f".{name}.part"
    if text is None:
        shutil.copyfile(ARTICLES / name, partial)
    else:
        partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
    return target


def drop_today(seeds: Path, name: str) -> Path:
    """Copy an eval article into the seeds folder as if published today (digests window by publication)."""
    today = datetime.now(UTC).date().isoformat()
    text = re.sub(r"(?m)^# date: .*$", f"# date: {today}", (ARTICLES / name).read_text(encoding="utf-8"), count=1)
    return drop_seed(seeds, name, text)


def article(name: str) -> tuple[str, str, str, str]:
    """(url, date, title, body) of an eval article."""
    raw = (ARTICLES / name).read_text(encoding="utf-8")
    headers = dict(re.findall(r"^#\s*(\w+):\s*(.*)$", raw, re.MULTILINE))
    body = "\n".join(line for line in raw.splitlines() if not line.startswith("#")).strip()
    return headers["source"], headers["date"], headers["title"], body


class ControlledFeed:
    """An RSS feed on 127.0.0.1: `items` (eval article names, or (name, extra text)) and `status` are live."""

    def __init__(self) -> None:
        self.items: list[str | tuple[str, str]] = []
        self.status = 200
        self.url = ""
        self.hits = 0

    def body(self) -> bytes:
        """The RSS document for the current items."""
        parts = []
        for item in self.items:
            name, extra = (item, "") if isinstance(item, str) else item
            url, date, title, text = article(name)
            text = f"{text}\n\n{extra}" if extra else text
            html = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
            parts.append(f"<item><title>{escape(title)}</title><link>{escape(url)}</link><guid>{escape(url)}</guid>"
                         f"<pubDate>{date}T12:00:00Z</pubDate><description>{escape(html)}</description></item>")
        return ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Test desk</title>"
                f"<link>http://127.0.0.1/</link><description>test</description>{''.join(parts)}</channel></rss>"
                ).encode()

    async def handle(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.status != 200:
            return web.Response(status=self.status, text="broken")
        return web.Response(body=self.body(), content_type="application/rss+xml")


def shipped_config(tmp_path: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """A copy of the shipped config folder under `tmp_path`, each file named in `edits` rewritten by its edit."""
    target = tmp_path / "config"
    target.mkdir()
    for item in REPO_CONFIG.iterdir():
        if item.is_file():
            text = item.read_text(encoding="utf-8")
            (target / item.name).write_text(edits.get(item.name, lambda t: t)(text), encoding="utf-8")
    return target


@asynccontextmanager
async def on_loopback(app: web.Application) -> AsyncIterator[str]:
    """Serve an aiohttp application on a free port of 127.0.0.1 for the duration; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def controlled_feed() -> AsyncIterator[ControlledFeed]:
    """Serve a `ControlledFeed` at http://127.0.0.1:<port>/feed.xml for the duration."""
    feed = ControlledFeed()
    app = web.Application()
    app.router.add_get("/feed.xml", feed.handle)
    async with on_loopback(app) as base:
        feed.url = f"{base}/feed.xml"
        yield feed
