"""`add feed`: fetch a feed once, at once, with the same guard, caps and timeouts as a poll.

What is not a feed (a 404, an HTML page, a dead port, a timeout, broken XML) is refused with the
poll's own reason; a feed is described by its title and its newest items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import RawArticle
from bot.ingest.fetch import Fetcher
from bot.ingest.fulltext import FulltextBudget, newest_first
from bot.ingest.poll import FeedState, PollOutcome, poll_feed
from bot.runtime.core import Core
from bot.runtime.feeds import fetch_policy
from bot.store.repo import now_utc

SHOWN_ITEMS = 3


@dataclass(frozen=True)
class FirstFetch:
    """A feed fetched once: its poll outcome (error set when it is not a feed) and its title."""

    outcome: PollOutcome

    @property
    def error(self) -> str | None:
        """Why the URL is not a feed, or None."""
        return self.outcome.error

    @property
    def items(self) -> list[RawArticle]:
        """The items it carries (empty on error)."""
        return list(self.outcome.items or [])

    @property
    def title(self) -> str | None:
        """The feed's own title."""
        return self.outcome.state.title


async def fetch_once(core: Core, url: str, fulltext: bool = True) -> FirstFetch:
    """Poll `url` once as the scheduler would: guard, size cap, deadline, item cap and full-text budget."""
    settings = core.settings
    state = FeedState(url=url, interval_seconds=settings.default_poll_seconds, fulltext=fulltext)
    budget = FulltextBudget(settings.fulltext_per_poll, settings.fulltext_per_host)
    async with Fetcher(fetch_policy(core)) as fetcher:
        outcome = await poll_feed(fetcher, state, now_utc(), max_items=settings.max_items_per_feed, budget=budget)
    return FirstFetch(outcome)


def newest_lines(items: Sequence[RawArticle], count: int = SHOWN_ITEMS) -> list[str]:
    """The newest items as lines: `- Title (2024-03-30)`."""
    lines = []
    for index in newest_first(items)[:count]:
        item = items[index]
        when = f" ({item.published.date().isoformat()})" if item.published else " (undated)"
        lines.append(f"- {item.title or item.url}{when}")
    return lines
