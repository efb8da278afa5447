"""`Store` and `RuntimeRepo` are assembled from one part per concern; these check the assembly."""

from __future__ import annotations

from bot.store.article_queries import ArticleQueries
from bot.store.fact_index import FactIndexQueries
from bot.store.repo import Store
from bot.store.runtime_repo import RuntimeRepo
from bot.store.search_queries import SearchQueries


def test_the_fact_index_uses_the_store_parts_that_implement_what_it_declares() -> None:
    """`FactIndexQueries` stubs `article_sentences` and declares `_hits`: the parts before it must win."""
    assert Store.article_sentences is ArticleQueries.article_sentences
    assert Store._hits is SearchQueries._hits
    assert Store.__mro__.index(FactIndexQueries) > Store.__mro__.index(ArticleQueries)


def test_no_method_is_defined_by_two_parts() -> None:
    """Each query lives in one part only, so which part answers never depends on the order of the bases
    (beyond the fact index's declarations, checked above)."""
    for cls, allowed in ((Store, {"article_sentences", "_hits", "__init__"}), (RuntimeRepo, {"__init__"})):
        seen: dict[str, str] = {}
        for part in cls.__mro__[1:-1]:
            for name in vars(part):
                if name.startswith("__") and name != "__init__" or name in allowed:
                    continue
                assert name not in seen, f"{name} defined by both {seen[name]} and {part.__name__}"
                seen[name] = part.__name__
