"""The full-text budget of one poll round: a total and a per-host cap, spent newest item first."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import RawArticle
from bot.ingest.fulltext import FulltextBudget, newest_first


def item(url: str, day: int | None) -> RawArticle:
    published = datetime(2024, 3, day, tzinfo=UTC) if day else None
    return RawArticle(url=url, title="t", text="short", source="s", published=published)


def test_budget_caps_the_round_and_each_host() -> None:
    budget = FulltextBudget(total=3, per_host=2)
    taken = [budget.take(u) for u in ("https://a.example/1", "https://a.example/2", "https://A.example/3",
                                      "https://b.example/1", "https://c.example/1")]
    assert taken == [True, True, False, True, False] and budget.refused == 2


def test_newest_first_orders_dated_items_by_date_then_undated_in_feed_order() -> None:
    items = [item("u0", 1), item("u1", None), item("u2", 9), item("u3", None), item("u4", 5)]
    assert newest_first(items) == [2, 4, 0, 1, 3]
