"""The CLI's reading commands beside `digest`: `brief STORY` and `search WORDS [--story ID]`."""

from __future__ import annotations

import argparse
import sys

from bot.chat.render_text import render_text
from bot.runtime.core import Core
from bot.understand.brief import build_brief
from bot.understand.search import build_search


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `brief` and `search` to the CLI's sub-commands."""
    p = sub.add_parser("brief", help="a story's state of play: key numbers and their history, who is involved, "
                                     "what is scheduled next, the last five developments, cited",
                       description="The brief an editor reads before taking over a story.")
    p.add_argument("story", metavar="STORY", help="the story's id (see 'stories')")
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
