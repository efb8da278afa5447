"""Queries for the runtime: channel subscriptions, the outbox of posts, and small runtime state.

Kept apart from `Store` so the core store stays about articles and stories. Every write that
must survive a crash is one transaction; outbox rows are keyed so writing one twice is a no-op.
`RuntimeRepo` is assembled from one part per concern: subscriptions (`subscription_queries`), the
outbox (`outbox_queries`) and runtime state, mutes and handled messages (`state_queries`).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.store.outbox_queries import NewPost, OutboxQueries, OutboxRow, post_from_json, post_to_json
from bot.store.state_queries import StateQueries
from bot.store.subscription_queries import Subscription, SubscriptionQueries

__all__ = ["NewPost", "OutboxRow", "RuntimeRepo", "Subscription", "post_from_json", "post_to_json"]


class RuntimeRepo(SubscriptionQueries, OutboxQueries, StateQueries):
    """Subscriptions, outbox and runtime state over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
