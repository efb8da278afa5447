"""Queries over the store. One `Store` per process, shared by the pipeline, the runtime and the CLI.

Methods are synchronous (SQLAlchemy Core); async callers run them in a worker thread. `Store` is
assembled from one part per concern, each in its own module: stories and filing (`story_queries`),
articles and sentences (`article_queries`), search (`search_queries`), updates (`update_queries`),
feeds and seed files (`source_queries`) and each story's fact index (`fact_index`).
"""

from __future__ import annotations

from bot.store.article_queries import ArticleQueries
from bot.store.clock import now_utc, utc
from bot.store.fact_index import FactIndexQueries
from bot.store.search_queries import SearchQueries
from bot.store.source_queries import SourceHealth, SourceQueries
from bot.store.story_queries import StoryQueries, StorySummary
from bot.store.update_queries import UpdateQueries

__all__ = ["SourceHealth", "Store", "StorySummary", "now_utc", "utc"]


class Store(StoryQueries, ArticleQueries, SearchQueries, UpdateQueries, SourceQueries, FactIndexQueries):
    """Every read and write the bot makes, in one place.

    `FactIndexQueries` comes last: it declares `article_sentences` and `_hits` for its own use, and
    the parts before it (`ArticleQueries`, `SearchQueries`) are the ones that implement them.
    """
