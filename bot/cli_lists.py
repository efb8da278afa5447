"""The CLI's `stories` and `sources`: what the bot tracks, and what it reads from with their health."""

from __future__ import annotations

from bot.chat.sources_view import source_lines
from bot.runtime.core import Core
from bot.text import strip_controls


def stories(core: Core) -> int:
    """Print each tracked story with its article and update counts and newest article."""
    summaries = core.store.story_summaries()
    for s in summaries:
        last = s.last_article.date().isoformat() if s.last_article else "-"
        print(strip_controls(f"{s.story.id:<20} {s.articles:>5} article(s) {s.updates:>5} update(s)  last {last}  "
                             f"{s.story.title} [{s.story.defined_in}]"))
    if not summaries:
        print("No stories are tracked; define them in config/stories.toml.")
    return 0


def sources(core: Core) -> int:
    """Print each feed and seed file with how its last read went."""
    rows = core.store.source_health()
    for line in source_lines(rows, core.settings.seeds_dir):
        print(strip_controls(line))
    if not rows:
        print("No sources yet: add feeds to config/feeds.toml or files to seeds/.")
    return 0
