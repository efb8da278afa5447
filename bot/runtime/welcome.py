"""The one line `run` and `chat` start with on the console: what the bot holds and how to ask."""

from __future__ import annotations

from bot.runtime.core import Core


def welcome_line(core: Core) -> str:
    """E.g. `newsdesk-bot holds 11 articles on 2 stories (hostage-talks, rafah-offensive) from 1 feed ...`."""
    stories = [s.id for s in core.store.list_stories()]
    articles = core.store.article_count()
    feeds = len(core.store.feed_rows())
    shown = ", ".join(stories[:5]) + (f" and {len(stories) - 5} more" if len(stories) > 5 else "")
    held = (f"newsdesk-bot holds {articles} article(s) on {len(stories)} stor{'y' if len(stories) == 1 else 'ies'}"
            + (f" ({shown})" if stories else "") + f", from {feeds} feed(s) and the seeds folder.")
    return (f"{held} Type 'help' for the commands, or ask a question such as 'who are the mediators?'; "
            "Ctrl-D ends.")
