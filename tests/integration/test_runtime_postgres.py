"""The runtime's tables and queries on PostgreSQL behave as on SQLite (idempotent outbox, folding, state)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import Post
from bot.store import open_store
from bot.store.runtime_repo import NewPost, RuntimeRepo

pytestmark = pytest.mark.postgres


def test_outbox_and_subscriptions_on_postgresql(postgres_url: str) -> None:
    store = open_store(postgres_url)
    try:
        repo = RuntimeRepo(store.engine)
        sub = repo.subscribe("slack", "C1", "hostage-talks", "daily", "08:00", "Europe/London", ["Cairo"], [])
        live = repo.subscribe("slack", "C1", "hostage-talks", "live", None, "UTC")
        assert live.id != sub.id and live.mode == "live" and live.only == ()  # live and daily coexist
        again = repo.subscribe("slack", "C1", "hostage-talks", "daily", "09:00", "UTC")
        assert again.id == sub.id and again.daily_at == "09:00" and again.only == ()
        rows = [NewPost("thread:1", "slack", "C1", Post("parent"), "thread", "hostage-talks"),
                NewPost("live:1", "slack", "C1", Post("child", ["a"]), "live", "hostage-talks", parent_key="thread:1")]
        assert repo.enqueue(rows) == ["thread:1", "live:1"]
        assert repo.enqueue(rows) == []  # same keys: nothing new
        now = datetime.now(UTC) + timedelta(seconds=1)
        due = repo.due(now, ["slack"])
        assert [r.key for r in due] == ["thread:1", "live:1"]
        assert repo.claim(due[0].id) and not repo.claim(due[0].id)
        repo.mark_sent(due[0].id, "1700000000.0001")
        marker = NewPost("live:2", "slack", "C1", Post("more"), "folded", "hostage-talks")
        assert repo.fold_into(due[1].id, Post("child", ["a", "b"]), marker)
        assert repo.fold_into(due[1].id, Post("child", ["a", "b", "b"]), marker)  # already folded: no-op
        assert repo.row("live:1").post.lines == ["a", "b"]  # type: ignore[union-attr]
        assert repo.by_message_id("slack", "C1", "1700000000.0001").key == "thread:1"  # type: ignore[union-attr]
        repo.set_state("k", "1")
        repo.set_state("k", "2")
        assert repo.get_state("k") == "2"
        assert repo.counts() == {"sent": 1, "pending": 1, "done": 1}
    finally:
        store.close()
