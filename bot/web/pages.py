"""Story pages on the bot's HTTP server: `/stories` and `/stories/<id>`, read-only, server-rendered.

`add_story_pages` adds the routes to an `aiohttp.web.Application` when `[web] pages = true`. Pages
are Jinja2 templates with autoescape on everywhere (feed text is hostile), one stylesheet, no
JavaScript (the Content-Security-Policy forbids any), printable. Access: an optional token
(`NEWSDESK_PAGES_TOKEN`, given as `?token=` or `Authorization: Bearer`), or the reverse proxy's
authentication when there is none. Only GET and HEAD: nothing here changes anything.

The chart is drawn by whatever `chart` callable the composition root injects (story id -> PNG bytes,
or None for a story with nothing to draw); without one the page shows no chart.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from urllib.parse import quote, urlencode

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bot.domain import Story
from bot.settings import Settings, WebPages
from bot.store.questions import QuestionLog
from bot.store.repo import Store
from bot.store.story_pages import story_version
from bot.web.story_view import StoryPage, StoryPageCache, long_date, story_lines

log = logging.getLogger("bot.web.pages")

ChartRenderer = Callable[[str], bytes | None]
"""Draw a story's timeline chart: story id in, PNG bytes out (None when there is nothing to draw)."""

STYLESHEET = "/stories.css"
HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a token in the address never leaks to an outlet's site
    "Cache-Control": "private, no-cache",
}


def page_environment() -> Environment:
    """The Jinja2 environment of the pages: templates from this package, autoescape on for every template."""
    env = Environment(loader=PackageLoader("bot.web", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["long_date"] = long_date
    return env


CORE_SECTIONS = ("state", "timeline", "changes")  # rendered once per cached page core (story_<name>.html)


def render_story_page(env: Environment, view: StoryPage, **context: object) -> str:
    """A story's page as HTML. The sections that change only with the story are rendered once per page core
    (kept with it, so the cached core's next views render only questions, feeds and links)."""
    if not view.fragments:
        view.fragments.update({name: Markup(env.get_template(f"story_{name}.html").render(view=view))
                               for name in CORE_SECTIONS})
    return env.get_template("story.html").render(view=view, **context)


class StoryPages:
    """The handlers of the story pages, bound to a store, the page settings and an optional chart renderer."""

    def __init__(self, store: Store, pages: WebPages, chart: ChartRenderer | None = None) -> None:
        self.store = store
        self.pages = pages
        self.chart = chart
        self.questions = QuestionLog(store.engine)
        self.cache = StoryPageCache()
        self.charts: dict[str, tuple[tuple[object, ...], bytes | None]] = {}  # story id -> (version, day), PNG
        self.env = page_environment()
        self.stylesheet = resources.files("bot.web").joinpath("static/pages.css").read_bytes()

    # ---- access --------------------------------------------------------------------------
    def token_given(self, request: web.Request) -> str | None:
        """The token the request carries (query or Bearer header), or None."""
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            return header[7:].strip()
        return request.query.get("token")

    def allowed(self, request: web.Request) -> bool:
        """Whether the request may read pages: no token configured (the proxy guards), or the right token."""
        if not self.pages.token:
            return True
        given = self.token_given(request)
        return given is not None and hmac.compare_digest(given.encode(), self.pages.token.encode())

    def link(self, request: web.Request, path: str, **params: str | int) -> str:
        """An address on this site; a token that came in the query goes along, so links keep working."""
        query = {k: str(v) for k, v in params.items()}
        if self.pages.token and "token" in request.query:
            query["token"] = request.query["token"]
        return path + ("?" + urlencode(query) if query else "")

    # ---- responses -----------------------------------------------------------------------
    def html(self, template: str, status: int = 200, **context: object) -> web.Response:
        """A rendered page with the pages' security headers."""
        return self.response(self.env.get_template(template).render(stylesheet=STYLESHEET, **context), status)

    def response(self, body: str, status: int = 200) -> web.Response:
        """An HTML page with the pages' security headers."""
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=HEADERS)

    def refused(self) -> web.Response:
        """401: the page needs the token."""
        response = self.html("message.html", status=401, title="Token needed",
                             message="These pages need the desk's token: add ?token=... to the address, "
                                     "or send it as an Authorization: Bearer header.", home="")
        response.headers["WWW-Authenticate"] = 'Bearer realm="newsdesk story pages"'
        return response

    def guarded(self, name: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Callable[
            [web.Request], Awaitable[web.StreamResponse]]:
        """`handler`, with any failure (a store that cannot be read, say) logged and shown as one sentence."""
        async def run(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except web.HTTPException:
                raise
            except Exception:
                log.exception("event=page_failed page=%s", name)
                return self.html("message.html", status=500, title="Page unavailable", home="",
                                 message="This page could not be made just now; the details are in the bot's log.")
        return run

    async def stylesheet_route(self, request: web.Request) -> web.Response:
        """The one stylesheet (no story data in it, so it needs no token)."""
        return web.Response(body=self.stylesheet, content_type="text/css", charset="utf-8",
                            headers={**HEADERS, "Cache-Control": "public, max-age=3600"})

    async def index(self, request: web.Request) -> web.Response:
        """`/stories`: every tracked story with its title, latest development and counts."""
        if not self.allowed(request):
            return self.refused()
        started = time.perf_counter()
        lines = await asyncio.to_thread(story_lines, self.store, self.questions)
        links = {line.summary.story.id: self.link(request, f"/stories/{quote(line.summary.story.id)}")
                 for line in lines}
        response = self.html("stories.html", title="Stories", lines=lines, links=links)
        log.info("event=page_served page=stories stories=%d ms=%.1f", len(lines),
                 (time.perf_counter() - started) * 1000)
        return response

    async def story(self, request: web.Request) -> web.Response:
        """`/stories/<id>`: the story's state of play, timeline, changes, chart, questions and feeds."""
        if not self.allowed(request):
            return self.refused()
        started = time.perf_counter()
        story_id = request.match_info["story_id"]
        found = next((s for s in await asyncio.to_thread(self.store.list_stories) if s.id == story_id), None)
        if found is None:
            return self.html("message.html", status=404, title="No such story",
                             message=f"No story is tracked as '{story_id}'.", home=self.link(request, "/stories"))
        try:
            page = int(request.query.get("page", "1"))
        except ValueError:
            page = 1
        base = f"/stories/{quote(story_id)}"
        view, html = await asyncio.to_thread(
            self.render_story, found, page, functools.partial(self.link, request, base),
            {"stylesheet": STYLESHEET, "title": found.title, "home": self.link(request, "/stories"),
             "chart": self.link(request, f"{base}/timeline.png") if self.chart is not None else ""})
        response = self.response(html)
        if "token" not in request.query:  # never compress a page that repeats a secret beside feed text (BREACH)
            response.enable_compression()
        log.info("event=page_served page=story story=%s developments=%d page=%d ms=%.1f", story_id,
                 view.developments_total, view.page, (time.perf_counter() - started) * 1000)
        return response

    def render_story(self, story: Story, page: int, pager: Callable[..., str],
                     context: dict[str, object]) -> tuple[StoryPage, str]:
        """Gather (through the cache) and render one page of a story's timeline; `pager(page=n)` links page n,
        shown only where there is a newer or an older page."""
        view = self.cache.page(self.store, self.questions, story, page)
        newer = pager(page=view.page - 1) if view.page > 1 else ""
        older = pager(page=view.page + 1) if view.page < view.pages else ""
        if not view.developments_total:  # nothing to draw: no chart, rather than an empty one
            context = {**context, "chart": ""}
        return view, render_story_page(self.env, view, newer=newer, older=older, **context)

    async def chart_image(self, request: web.Request) -> web.Response:
        """`/stories/<id>/timeline.png`: the injected chart renderer's PNG; 404 without one or for a quiet story."""
        if not self.allowed(request):
            return self.refused()
        story_id = request.match_info["story_id"]
        known = {s.id for s in await asyncio.to_thread(self.store.list_stories)}
        if self.chart is None or story_id not in known:
            raise web.HTTPNotFound(text="no chart")
        png = await asyncio.to_thread(self._drawn, self.chart, story_id)
        if not png:
            raise web.HTTPNotFound(text="nothing to draw for this story yet")
        return web.Response(body=png, content_type="image/png", headers=HEADERS)

    def _drawn(self, chart: ChartRenderer, story_id: str) -> bytes | None:
        """The story's chart, drawn again only when the story changed or the day turned (drawing starts a
        process of its own, about a second)."""
        key = (story_version(self.store.engine, story_id), time.strftime("%Y-%m-%d", time.gmtime()))
        known = self.charts.get(story_id)
        if known is None or known[0] != key:
            known = self.charts[story_id] = (key, chart(story_id))
        return known[1]


def add_story_pages(app: web.Application, store: Store, settings: Settings,
                    chart: ChartRenderer | None = None) -> bool:
    """Add the story pages' routes to the bot's HTTP server when `[web] pages = true`; returns whether it did.

    `chart` draws a story's timeline PNG (story id -> bytes); without it the pages show no chart."""
    if not settings.web_pages.enabled:
        log.info("event=story_pages_off")
        return False
    pages = StoryPages(store, settings.web_pages, chart)
    app.router.add_get(STYLESHEET, pages.stylesheet_route)
    app.router.add_get("/stories", pages.guarded("stories", pages.index))
    app.router.add_get("/stories/{story_id}", pages.guarded("story", pages.story))
    app.router.add_get("/stories/{story_id}/timeline.png", pages.guarded("chart", pages.chart_image))
    log.info("event=story_pages_on token=%s chart=%s public_url=%s", "yes" if settings.web_pages.token else "no",
             "yes" if chart is not None else "no", settings.web_pages.public_url or "-")
    return True
