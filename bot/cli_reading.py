"""The CLI's reading commands beside `digest`: `brief STORY`, `timeline STORY [--since 30d] --out FILE.png`
and `search WORDS [--story ID]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.chart.post import DEFAULT_WINDOW, timeline_chart
from bot.chart.process import ChartError
from bot.chat.render_text import render_text
from bot.runtime.core import Core
from bot.runtime.story_commands import UPDATES_MAX
from bot.runtime.syntax import SyntaxProblem, describe_duration, parse_duration
from bot.store.repo import now_utc
from bot.understand.brief import build_brief
from bot.understand.search import build_search


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `brief` and `search` to the CLI's sub-commands."""
    p = sub.add_parser("brief", help="a story's state of play: key numbers and their history, who is involved, "
                                     "what is scheduled next, the last five developments, cited",
                       description="The brief an editor reads before taking over a story.")
    p.add_argument("story", metavar="STORY", help="the story's id (see 'stories')")
    p = sub.add_parser("timeline", help="a story's timeline chart as a PNG: developments per day, the figures "
                                        "that changed, the three most salient developments",
                       description="Draw a story's timeline over a window of publication time into a PNG file "
                                   "(1080 px wide); a quiet window gets one sentence and no file.")
    p.add_argument("story", metavar="STORY", help="the story's id (see 'stories')")
    p.add_argument("--since", default="30d", metavar="AGE", help="how far back: 12h, 30d, 90d... (default 30d)")
    p.add_argument("--out", required=True, metavar="FILE.png", help="where to write the chart")
    p = sub.add_parser("search", help="past coverage matching words, newest first, cited",
                       description="Stored sentences matching any of the words (full-text search), newest first.")
    p.add_argument("words", nargs="+", metavar="WORDS", help="what to look for")
    p.add_argument("--story", metavar="ID", help="only this story")


def _known(core: Core, story: str | None) -> bool:
    known = {s.id for s in core.store.list_stories()}
    if story and story not in known:
        print(f"newsdesk-bot: no story '{story}'; tracked stories: {', '.join(sorted(known))}.", file=sys.stderr)
        return False
    return True


def brief(core: Core, story: str) -> int:
    """Print a story's brief; 2 when the story is unknown."""
    if not _known(core, story):
        return 2
    chosen = next(s for s in core.store.list_stories() if s.id == story)
    print(render_text(build_brief(core.store, chosen)))
    return 0


def search(core: Core, words: list[str], story: str | None) -> int:
    """Print past coverage matching the words; 2 when the story is unknown."""
    if not _known(core, story):
        return 2
    print(render_text(build_search(core.store, " ".join(words)[:500], story)))
    return 0


def timeline(core: Core, story: str, since: str, out: str) -> int:
    """Write a story's timeline chart to `out` and print its words; 2 when the story or age is wrong,
    1 when the chart cannot be drawn or written, 0 (and no file) when the window is quiet."""
    if not _known(core, story):
        return 2
    try:
        window = parse_duration(since, DEFAULT_WINDOW, UPDATES_MAX)
    except SyntaxProblem as exc:
        print(f"newsdesk-bot: {exc}", file=sys.stderr)
        return 2
    chosen = next(s for s in core.store.list_stories() if s.id == story)
    now = now_utc()
    try:
        chart = timeline_chart(core.store, chosen, now - window, now, describe_duration(window))
    except ChartError as exc:
        print(f"newsdesk-bot: {exc}", file=sys.stderr)
        return 1
    image = chart.post.image
    if image is None:
        print(chart.post.heading)
        return 0
    try:
        Path(out).write_bytes(image.data)
    except OSError as exc:
        print(f"newsdesk-bot: cannot write {out} ({exc.strerror or exc}).", file=sys.stderr)
        return 1
    print(f"{out}: {image.width}x{image.height} PNG")
    print(image.text)
    print(image.alt)
    return 0
