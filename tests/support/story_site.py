"""A running bot over the dev articles with its story pages served on 127.0.0.1, for the page tests.

The bot is the real runtime (scheduler, seeds scans, feed polls, outbox) over a fresh SQLite store:
its seeds folder holds the dev articles, and a feed on 127.0.0.1 carries a hostile item (markup in
its title and text, as an outlet might send). The pages are added to an aiohttp application the way
the bot's HTTP server adds them, and served on a random loopback port.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from aiohttp import web

from bot.runtime.app import Runtime
from bot.web.pages import ChartRenderer, add_story_pages
from tests.support.runtime_kit import ARTICLES, ConsoleChannel, make_core, wait_for

REPO = Path(__file__).resolve().parents[2]
PUBLIC_URL = "https://desk.example/news"
HOSTILE_TITLE = 'Mediators answer <script>alert("title")</script> rumours'
HOSTILE_SENTENCE = ('Qatar and Egypt said the hostage talks would go on despite a hoax message reading '
                    '<script>alert("body")</script> that spread online on Monday.')
HOSTILE_FEED_TITLE = "Hostile wire"


class HostileFeed:
    """An RSS feed on 127.0.0.1 whose one item holds markup in its title and text."""

    def __init__(self) -> None:
        self.url = ""
        self.article_url = ""

    def body(self) -> bytes:
        """The feed document: the text is escaped once for HTML and once more for XML, as feeds do."""
        paragraphs = [HOSTILE_SENTENCE, "The mediators met negotiators in Cairo to discuss the hostages."]
        html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        item = (f"<item><title>{escape(HOSTILE_TITLE)}</title><link>{escape(self.article_url)}</link>"
                f"<guid>hostile-1</guid><pubDate>Mon, 01 Apr 2024 12:00:00 +0000</pubDate>"
                f"<description>{escape(html)}</description></item>")
        return ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
                f"<title>{HOSTILE_FEED_TITLE}</title><link>http://127.0.0.1/</link><description>t</description>"
                f"{item}</channel></rss>").encode()

    async def handle(self, request: web.Request) -> web.Response:
        return web.Response(body=self.body(), content_type="application/rss+xml")


@dataclass
class StorySite:
    """The running bot and the address its pages are served at."""

    url: str
    runtime: Runtime
    channel: ConsoleChannel
    feed: HostileFeed
    seeds: Path


def write_config(folder: Path, feed_url: str, pages: bool = True) -> Path:
    """The repo's config with the hostile feed for hostage-talks (full text off: nothing is fetched beyond it)
    and the story pages on."""
    folder.mkdir(parents=True, exist_ok=True)
    bot = (REPO / "config" / "bot.toml").read_text(encoding="utf-8")
    bot += f'\n[web]\npages = {"true" if pages else "false"}\npublic_url = "{PUBLIC_URL}"\n'
    (folder / "bot.toml").write_text(bot, encoding="utf-8")
    shutil.copyfile(REPO / "config" / "stories.toml", folder / "stories.toml")
    (folder / "feeds.toml").write_text(
        f'[[feed]]\nurl = "{feed_url}"\ntitle = "{HOSTILE_FEED_TITLE}"\nstories = ["hostage-talks"]\n'
        "fulltext = false\n", encoding="utf-8")
    return folder


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@asynccontextmanager
async def story_site(tmp: Path, token: str = "", chart: ChartRenderer | None = None,
                     questions: tuple[str, ...] = ("who are the mediators?",)) -> AsyncIterator[StorySite]:
    """Start the bot over the dev articles and the hostile feed, ask `questions` in chat, serve the pages."""
    feed = HostileFeed()
    feed_app = web.Application()
    feed_app.router.add_get("/feed.xml", feed.handle)
    feed_runner, feed_base = await _serve(feed_app)
    feed.url, feed.article_url = f"{feed_base}/feed.xml", f"{feed_base}/articles/hostile-1"
    seeds = tmp / "seeds"
    shutil.copytree(ARTICLES, seeds)
    env = {"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp / 'store.db'}",
           "NEWSDESK_CONFIG_DIR": str(write_config(tmp / "config", feed.url)),
           "NEWSDESK_SEEDS_DIR": str(seeds), "NEWSDESK_DATA_DIR": str(tmp / "data"),
           "NEWSDESK_FETCH_ALLOW": "127.0.0.1"}
    if token:
        env["NEWSDESK_PAGES_TOKEN"] = token
    core = make_core(env, seeds_rescan_seconds=2.0)
    channel = ConsoleChannel()
    runtime = Runtime(core, [channel.adapter], feed_tick_seconds=1.0)
    await runtime.start(start_adapters=False)
    pages_runner = None
    try:
        await runtime.first_scan.wait()
        assert await wait_for(lambda: any(u.citation.url == feed.article_url
                                          for u in core.store.list_updates(story="hostage-talks")), timeout=30)
        for question in questions:
            await channel.say(runtime, question)
        app = web.Application()
        assert add_story_pages(app, core.store, core.settings, chart)
        pages_runner, url = await _serve(app)
        yield StorySite(url, runtime, channel, feed, seeds)
    finally:
        if pages_runner is not None:
            await pages_runner.cleanup()
        await runtime.stop()
        core.close()
        await feed_runner.cleanup()
