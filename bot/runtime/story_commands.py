"""The desk's reading commands on the shared `Router`: `updates`, `brief`, `timeline` and `search`.

`updates STORY [since 24h]` is a digest for one story over a window of publication time,
`brief STORY` the story's state of play, `timeline STORY [since 30d]` its chart (or one sentence
when the window is quiet) and `search WORDS [in STORY]` past coverage, newest first. The posts
are built in `bot.understand` (digest, brief, search) and `bot.chart.post`; this module only
parses and wires.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.chart.post import DEFAULT_WINDOW, timeline_chart
from bot.chart.process import ChartError
from bot.chat.router import Command, CommandError, Router
from bot.domain import IncomingMessage, Post, Story
from bot.runtime.core import Core
from bot.runtime.syntax import SyntaxProblem, describe_duration, parse_duration
from bot.store.repo import Store, now_utc
from bot.understand.brief import build_brief
from bot.understand.digest import build_digest
from bot.understand.search import build_search

UPDATES_DEFAULT = timedelta(hours=24)
UPDATES_MAX = timedelta(days=3650)  # a window back to the oldest coverage a desk keeps


def parse_updates_args(args: list[str], default: timedelta = UPDATES_DEFAULT,
                       command: str = "updates") -> tuple[str, timedelta]:
    """`STORY [since 24h]` (also `STORY 24h`) as the story id and the window's length (`default` when none)."""
    if not args:
        raise SyntaxProblem(f"Say which story, e.g. '{command} hostage-talks since {describe_short(default)}'.")
    rest = args[1:]
    if rest and rest[0].lower() == "since":
        rest = rest[1:]
        if not rest:
            raise SyntaxProblem("Say how far back after 'since', e.g. 'since 24h' or 'since 3d'.")
    if len(rest) > 1:
        raise SyntaxProblem(f"I didn't understand '{' '.join(rest)[:60]}'; say e.g. 'since 24h'.")
    return args[0].lower(), parse_duration(rest[0] if rest else None, default, UPDATES_MAX)


def describe_short(amount: timedelta) -> str:
    """A window as typed in a command: `24h`, `30d`."""
    hours = int(amount.total_seconds() // 3600)
    return f"{hours // 24}d" if hours % 24 == 0 else f"{hours}h"


def parse_search_args(args: list[str]) -> tuple[str, str | None]:
    """`WORDS [in STORY]` as the words and the story id (None: every story)."""
    story = None
    if len(args) >= 3 and args[-2].lower() == "in":
        story, args = args[-1].lower(), args[:-2]
    words = " ".join(args).strip()
    if not words:
        raise SyntaxProblem("Say what to look for, e.g. 'search Rafah crossing in rafah-offensive'.")
    return words, story


def tracked_story(store: Store, story_id: str) -> Story:
    """The tracked story with this id, or a person's mistake naming the stories tracked."""
    stories = {s.id: s for s in store.list_stories()}
    if story_id not in stories:
        known = ", ".join(sorted(stories)) or "none yet"
        raise CommandError(f"I don't track a story called '{story_id[:60]}' (tracked: {known}).")
    return stories[story_id]


class StoryCommands:
    """Registers `updates`, `brief` and `search` on a router."""

    def __init__(self, router: Router, core: Core) -> None:
        self.core = core
        add = router.register
        add(Command("updates", "updates STORY [since 24h]",
                    "what is new on a story (by publication time), threaded like a digest"), self.updates)
        add(Command("brief", "brief STORY",
                    "a story's state of play: key numbers and their history, who is involved, what is "
                    "scheduled next, the last five developments, each cited"), self.brief)
        add(Command("timeline", "timeline STORY [since 30d]",
                    "a chart of a story over a window of publication time: developments per day, the figures "
                    "that changed and the three most salient developments"), self.timeline)
        add(Command("search", "search WORDS [in STORY]", "past coverage matching the words, newest first, cited"),
            self.search)

    def _story(self, story_id: str) -> Story:
        return tracked_story(self.core.store, story_id)

    async def updates(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """A one-story digest of what was published in the window."""
        try:
            story_id, window = parse_updates_args(args)
        except SyntaxProblem as exc:
            raise CommandError(str(exc)) from exc
        story = self._story(story_id)
        post = await asyncio.to_thread(build_digest, self.core.store, [story], now_utc() - window, story.id,
                                       self.core.settings.digest_top_updates,
                                       page_url=self.core.settings.web_pages.story_url)
        if post is None:
            return [Post(f"Nothing new on {story.id} published in the last {describe_duration(window)}.",
                         [f"Say 'brief {story.id}' for the state of play."])]
        return [post]

    async def brief(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """The story's state of play."""
        if len(args) != 1:
            raise CommandError("Say which story, e.g. 'brief hostage-talks'.")
        story = self._story(args[0].lower())
        return [await asyncio.to_thread(build_brief, self.core.store, story)]

    async def timeline(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """The story's timeline chart over the window (a quiet window gets one sentence)."""
        try:
            story_id, window = parse_updates_args(args, DEFAULT_WINDOW, "timeline")
        except SyntaxProblem as exc:
            raise CommandError(str(exc)) from exc
        story = self._story(story_id)
        now = now_utc()
        try:
            chart = await asyncio.to_thread(timeline_chart, self.core.store, story, now - window, now,
                                            describe_duration(window))
        except ChartError as exc:
            return [Post(str(exc))]
        return [chart.post]

    async def search(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Past coverage matching the words, newest first."""
        try:
            words, story_id = parse_search_args(args)
        except SyntaxProblem as exc:
            raise CommandError(str(exc)) from exc
        story = self._story(story_id).id if story_id else None
        return [await asyncio.to_thread(build_search, self.core.store, words[:500], story)]
