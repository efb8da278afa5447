"""The composition root for the core: settings in, a wired store, pipeline and answerer out.

Every entry point (CLI commands, `run`, tests) builds its `Core` here, so adapters and commands
never construct core parts themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Answer
from bot.ingest.pipeline import Pipeline
from bot.settings import Settings
from bot.store import Store, open_store
from bot.store.cluster import INGEST_LOCK, SessionLock, exclusive, is_shared
from bot.understand.answer import answer_question
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json
from bot.understand.updates import find_updates


@dataclass
class Core:
    """The wired core: settings, store, ingest pipeline and answerer."""

    settings: Settings
    store: Store
    pipeline: Pipeline
    ingest_lock: SessionLock | None = None  # on a shared store: held by every process around each article

    def ask(self, question: str, story: str | None = None) -> Answer:
        """Answer an editor's question from the store, with citations, or say it does not know."""
        return answer_question(question, self.store, self.store.list_stories(), story)

    def close(self) -> None:
        """Release the store (and the ingest lock's connection)."""
        if self.ingest_lock is not None:
            self.ingest_lock.close()
        self.store.close()


def build_core(settings: Settings) -> Core:
    """Open the store, make the configured stories and feeds current in it, wire the pipeline."""
    store = open_store(settings.database_url)
    with exclusive(store.engine, "newsdesk:config-sync"):  # workers starting together sync one at a time
        store.sync_config_stories(settings.stories)
        for feed in settings.feeds:
            store.upsert_feed(feed.url, title=feed.title, story_ids=feed.stories, fulltext=feed.fulltext,
                              interval_seconds=feed.interval_seconds, defined_in="config")
    stories = store.list_stories()
    pipeline = Pipeline(store, stories, StoryTracker, find_updates, annotate_batch_json)
    ingest_lock = None
    if is_shared(store.engine):  # every process writing articles (run workers, `ingest`) takes turns per article
        ingest_lock = SessionLock(store.engine, INGEST_LOCK)
        pipeline.write_guard = ingest_lock.held
    return Core(settings, store, pipeline, ingest_lock)
