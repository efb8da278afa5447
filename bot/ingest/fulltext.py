"""Full text for summary-only feed items: fetch the article page and extract its main text.

Many feeds carry only a sentence or two per item. For those, `complete_items` fetches the item's
link with the same `Fetcher` (same URL guard, size cap, deadline and per-host limit) and extracts
the article body with trafilatura, which drops navigation, footers and other page furniture. When
anything fails the item keeps the text it came with: a short article beats no article.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import UTC, datetime
from urllib.parse import urlsplit

import trafilatura

from bot.domain import RawArticle
from bot.ingest.errors import FetchError
from bot.ingest.fetch import Fetcher, redact
from bot.text import clip_text, strip_controls

__all__ = ["MIN_CHARS", "FulltextBudget", "complete_items", "extract_main_text", "newest_first"]

log = logging.getLogger("bot.ingest.fulltext")

MIN_CHARS = 400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class FulltextBudget:
    """How many article pages one poll round may still fetch: in all, and per host.

    Shared by every feed polled in the round; `take` is called newest item first, so when the
    budget runs out it is the older items that keep their feed summary.
    """

    def __init__(self, total: int, per_host: int) -> None:
        self.left = max(0, total)
        self.per_host = max(0, per_host)
        self.by_host: dict[str, int] = {}
        self.refused = 0

    def take(self, url: str) -> bool:
        """Whether `url` may be fetched now (and count it if so)."""
        host = (urlsplit(url).hostname or "").lower()
        if self.left <= 0 or self.by_host.get(host, 0) >= self.per_host:
            self.refused += 1
            return False
        self.left -= 1
        self.by_host[host] = self.by_host.get(host, 0) + 1
        return True


def newest_first(items: Sequence[RawArticle]) -> list[int]:
    """Indexes of `items`, newest first: dated items by date, then undated ones in feed order."""
    return sorted(range(len(items)), reverse=True,
                  key=lambda i: (items[i].published is not None, items[i].published or _EPOCH, -i))


def extract_main_text(page: bytes | str, url: str | None = None) -> str | None:
    """The main text of an HTML page, one paragraph per line; None when nothing article-like."""
    try:
        text = trafilatura.extract(
            page,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=False,  # process-wide cache: a second copy of a text would come back empty
        )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on hostile pages
        log.info("fulltext.extract_failed url=%s error=%r", redact(url or ""), exc)
        return None
    if not text:
        return None
    lines = (" ".join(line.split()) for line in strip_controls(text).split("\n"))
    return "\n".join(line for line in lines if line) or None


async def complete_items(
    fetcher: Fetcher,
    items: Sequence[RawArticle],
    min_chars: int = MIN_CHARS,
    *,
    concurrency: int = 8,
    executor: Executor | None = None,
    budget: FulltextBudget | None = None,
) -> list[RawArticle]:
    """Items with short text replaced by their article page's main text, in the same order.

    Only items whose ``text`` is shorter than ``min_chars`` and whose link is http(s) are fetched,
    newest first, and with a ``budget`` only as many as it allows (the rest keep their summary).
    The original short text is kept in ``summary``. Fetch and extraction failures are logged and
    leave the item as it was; this never raises for them.
    """
    gate = asyncio.Semaphore(max(1, concurrency))
    wanted = [i for i in newest_first(items)
              if len(items[i].text) < min_chars and items[i].url.startswith(("http://", "https://"))]
    chosen = [i for i in wanted if budget is None or budget.take(items[i].url)]
    if len(chosen) < len(wanted):
        log.info("fulltext.budget_spent fetching=%d skipped=%d", len(chosen), len(wanted) - len(chosen))

    async def one(item: RawArticle) -> RawArticle:
        async with gate:
            return await _complete(fetcher, item, executor)

    done = await asyncio.gather(*(one(items[i]) for i in chosen))
    result = list(items)
    for index, item in zip(chosen, done, strict=True):
        result[index] = item
    return result


async def _complete(fetcher: Fetcher, item: RawArticle, executor: Executor | None) -> RawArticle:
    try:
        result = await fetcher.fetch(item.url)
    except FetchError as exc:
        log.info("fulltext.fetch_failed url=%s error=%r", redact(item.url), str(exc))
        return item
    content_type = (result.content_type or "").split(";", 1)[0].strip().lower()
    if result.body is None or (content_type and content_type not in _HTML_TYPES):
        log.info("fulltext.not_html url=%s type=%s", redact(item.url), content_type or "-")
        return item
    loop = asyncio.get_running_loop()
    text = await loop.run_in_executor(executor, extract_main_text, result.body, result.final_url)
    if not text or len(text) <= len(item.text):
        log.info("fulltext.no_better_text url=%s", redact(item.url))
        return item
    log.info("fulltext.done url=%s chars=%d", redact(item.url), len(text))
    return dataclasses.replace(item, text=clip_text(text), summary=item.summary or item.text)
