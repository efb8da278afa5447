"""A farm of generated news feeds on 127.0.0.1 for the polling benchmarks (made here, no outside data).

`feed_body(index, version)` is a realistic RSS 2.0 or Atom document (20-50 items of a few
paragraphs, about local news, sport, business and weather, none of it about the tracked stories),
the same bytes for the same arguments, so a benchmark can parse exactly what the server sent.
`FeedFarm` serves every feed on one of several ports (a port stands for an outlet's host) with an
ETag and a Last-Modified, answers 304 to a matching conditional request, and can wait 50-250 ms
before each answer. `farm_process` runs a farm in a child process, so server and client each get
a core, and takes commands over a pipe.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from multiprocessing.connection import Connection

from aiohttp import web

PLACES = ["Northfield", "Lakeside", "Brampton", "Eastwick", "Marlow", "Riverton", "Ashford", "Kingsbury",
          "Fairhaven", "Westbrook", "Oakridge", "Millbrook", "Stonebridge", "Harrowgate", "Bellmont"]
PEOPLE = ["Anna Berg", "Colin Marsh", "Priya Nair", "Lukas Vogel", "Ruth Adeyemi", "Tom Harlow", "Nadia Ortiz",
          "Ben Carver", "Ines Duarte", "Oliver Quinn", "Sara Lind", "Marcus Webb", "Chloe Tran", "Felix Roth"]
ROLES = ["the mayor", "a council member", "the head coach", "a local shop owner", "the school principal",
         "a weather forecaster", "the club captain", "a bank economist", "the fire chief", "a museum curator"]
SUBJECTS = ["the new library", "the bus route", "the football club", "the farmers' market", "the river path",
            "the town budget", "the jazz festival", "the hospital wing", "the cycling lane", "the harbour museum",
            "the primary school", "the tennis final", "the bakery chain", "the housing plan", "the winter fair"]
VERBS = ["opened", "approved", "postponed", "won", "reopened", "expanded", "renovated", "celebrated",
         "lost", "announced", "funded", "rebuilt", "welcomed", "cancelled", "redesigned"]
SECTIONS = ["Local", "Sport", "Business", "Weather", "Culture", "Schools", "Transport"]
TEMPLATES = [
    "{person}, {role}, said {subject} in {place} {verb} on {day} after {n} months of work.",
    "About {n} residents came to see {subject} in {place}, {person} told reporters.",
    "The cost of {subject} rose to {money} million, according to figures published on {day}.",
    "{place} {verb} {subject} with {n} volunteers and a budget of {money} million.",
    "\"We have waited a long time for this,\" said {person}, {role}, standing outside {subject}.",
    "Temperatures in {place} are expected to reach {t} degrees by {day}, with light rain in the evening.",
    "Shares of the {place} bakery chain climbed {pct} percent on {day} after stronger sales.",
    "The home side scored {g} goals in the second half, and {person} was named player of the match.",
    "Parking near {subject} will be limited until {day}, {role} said in a statement.",
    "Organisers said {n} tickets for {subject} had been sold, more than last year.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)


def item_count(index: int) -> int:
    """How many items feed `index` carries: 20 to 50, spread over the feeds."""
    return 20 + (index * 7919) % 31


SYLLABLES = ["ka", "lo", "mer", "vin", "ta", "ros", "bel", "du", "an", "tor", "si", "gram", "pel", "no", "ve",
             "lis", "har", "ou", "fen", "dra", "mo", "quil", "ze", "bru", "cas", "ti", "wen", "ol", "ry", "sta"]


def _name(rng: random.Random) -> str:
    """A made-up proper name, so that articles differ as real ones do (and are not near-duplicates)."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _sentence(rng: random.Random) -> str:
    person = f"{rng.choice(PEOPLE).split()[0]} {_name(rng)}"
    return rng.choice(TEMPLATES).format(
        person=person, role=rng.choice(ROLES), subject=f"{rng.choice(SUBJECTS)} on {_name(rng)} Street",
        place=f"{rng.choice(PLACES)}-{_name(rng)}", verb=rng.choice(VERBS), day=rng.choice(DAYS),
        n=rng.randint(3, 9000), money=rng.randint(2, 900), t=rng.randint(-5, 31), pct=rng.randint(1, 40),
        g=rng.randint(1, 4))


def _item(index: int, serial: int) -> dict[str, str]:
    """Item `serial` of feed `index` (the same every time it is asked for)."""
    rng = random.Random(index * 1_000_003 + serial)
    paragraphs = ["<p>" + " ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) + "</p>"
                  for _ in range(rng.randint(2, 4))]
    place, subject = rng.choice(PLACES), rng.choice(SUBJECTS)
    return {
        "title": f"{place}: {subject} {rng.choice(VERBS)} ({serial})",
        "link": f"https://outlet{index % 100}.example/{index}/story-{serial}",
        "published": format_datetime(START + timedelta(minutes=37 * serial), usegmt=True),
        "iso": (START + timedelta(minutes=37 * serial)).isoformat().replace("+00:00", "Z"),
        "author": rng.choice(PEOPLE),
        "section": rng.choice(SECTIONS),
        "html": "".join(paragraphs),
    }


def feed_body(index: int, version: int) -> bytes:
    """Feed `index` after `version` bumps: its newest `item_count(index)` items, newest first.

    Every third feed is Atom, the rest RSS 2.0; each bump publishes two items and drops the two oldest.
    """
    newest = 2 * version + item_count(index)
    items = [_item(index, serial) for serial in range(newest, newest - item_count(index), -1)]
    site = f"https://outlet{index % 100}.example/{index}/"
    if index % 3 == 2:
        entries = "".join(
            f"<entry><title>{escape(it['title'])}</title><link rel=\"alternate\" href=\"{it['link']}\"/>"
            f"<id>{it['link']}</id><published>{it['iso']}</published><updated>{it['iso']}</updated>"
            f"<author><name>{it['author']}</name></author><category term=\"{it['section']}\"/>"
            f"<summary type=\"html\">{escape(it['html'])}</summary></entry>"
            for it in items)
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>Outlet {index}</title><link href=\"{site}\"/><id>{site}</id>"
                f"<updated>{items[0]['iso']}</updated>{entries}</feed>").encode()
    entries = "".join(
        f"<item><title>{escape(it['title'])}</title><link>{it['link']}</link>"
        f"<guid isPermaLink=\"true\">{it['link']}</guid><pubDate>{it['published']}</pubDate>"
        f"<dc:creator>{it['author']}</dc:creator><category>{it['section']}</category>"
        f"<description>{escape(it['html'])}</description></item>"
        for it in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Outlet {index}</title>'
            f"<link>{site}</link><description>News from outlet {index}</description><language>en</language>"
            f"<ttl>15</ttl>{entries}</channel></rss>").encode()


class FeedFarm:
    """`count` feeds on `ports` ports of 127.0.0.1 with validators, 304s and optional latency."""

    def __init__(self, count: int, ports: int) -> None:
        self.count = count
        self.port_count = ports
        self.ports: list[int] = []
        self.versions = [0] * count
        self.bodies = [feed_body(i, 0) for i in range(count)]
        self.latency = False
        self.statuses: Counter[int] = Counter()
        self._rng = random.Random(5)
        self._runner: web.AppRunner | None = None

    def etag(self, index: int) -> str:
        """The current ETag of feed `index`."""
        return f'"f{index}-v{self.versions[index]}"'

    def last_modified(self, index: int) -> str:
        """The current Last-Modified of feed `index` (moves with each bump)."""
        return format_datetime(START + timedelta(hours=self.versions[index]), usegmt=True)

    async def start(self) -> None:
        """Listen on `ports` free ports of 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/feed/{index}.xml", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        for _ in range(self.port_count):
            site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
            await site.start()
        self.ports = [int(address[1]) for address in self._runner.addresses]

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    def bump(self, indexes: list[int]) -> None:
        """Publish two new items in each of these feeds (new body, new validators)."""
        for index in indexes:
            self.versions[index] += 1
            self.bodies[index] = feed_body(index, self.versions[index])

    async def _handle(self, request: web.Request) -> web.Response:
        index = int(request.match_info["index"])
        if self.latency:
            await asyncio.sleep(self._rng.uniform(0.05, 0.25))
        headers = {"ETag": self.etag(index), "Last-Modified": self.last_modified(index)}
        match = request.headers.get("If-None-Match")
        if (match is not None and match == headers["ETag"]) or (
                match is None and request.headers.get("If-Modified-Since") == headers["Last-Modified"]):
            self.statuses[304] += 1
            return web.Response(status=304, headers=headers)
        self.statuses[200] += 1
        return web.Response(body=self.bodies[index], headers=headers,
                            content_type="application/atom+xml" if index % 3 == 2 else "application/rss+xml")


def farm_process(conn: Connection, count: int, ports: int) -> None:
    """Run a `FeedFarm` until told to stop. Commands (tuples over `conn`), each answered:
    ("ports",) -> the ports; ("latency", bool); ("bump", [indexes]); ("statuses",) -> the counts
    of statuses served since last asked; ("stop",)."""

    async def main() -> None:
        farm = FeedFarm(count, ports)
        await farm.start()
        loop = asyncio.get_running_loop()
        try:
            while True:
                command = await loop.run_in_executor(None, conn.recv)
                if command[0] == "stop":
                    conn.send("stopped")
                    return
                if command[0] == "ports":
                    conn.send(farm.ports)
                elif command[0] == "latency":
                    farm.latency = bool(command[1])
                    conn.send("ok")
                elif command[0] == "bump":
                    farm.bump(list(command[1]))
                    conn.send("ok")
                elif command[0] == "statuses":
                    conn.send(dict(farm.statuses))
                    farm.statuses.clear()
        finally:
            await farm.stop()

    asyncio.run(main())
