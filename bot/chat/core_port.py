"""What the chat router needs from the core, as a port the chat layer owns.

The router answers questions and lists stories and sources; it does not need the runtime that
wires the core together. `bot.runtime.core.Core` satisfies `CorePort` structurally (no import
either way), and tests can hand the router any object with these few members.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.domain import Answer
from bot.store.repo import SourceHealth, StorySummary


class AdminSettings(Protocol):
    """The one setting the router reads: configured admins per platform."""

    @property
    def admins(self) -> Mapping[str, tuple[str, ...]]:
        """User ids allowed to run admin commands, by platform name."""
        ...


class StoreSummaries(Protocol):
    """The store's read-only overviews the router shows in chat."""

    def story_summaries(self) -> list[StorySummary]:
        """Each story with its article count, update count and newest article date."""
        ...

    def source_health(self) -> list[SourceHealth]:
        """Feeds and seed files with the outcome of their last read."""
        ...


class CorePort(Protocol):
    """The core as the router sees it: settings to check admins, store overviews, and answering."""

    @property
    def settings(self) -> AdminSettings:
        """The bot's settings (only `admins` is read)."""
        ...

    @property
    def store(self) -> StoreSummaries:
        """The story store (only its summaries are read)."""
        ...

    def ask(self, question: str, story: str | None = None) -> Answer:
        """Answer an editor's question from the store, with citations, or say it does not know."""
        ...
