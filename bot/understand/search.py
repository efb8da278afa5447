"""Past coverage matching some words: the sentences full-text search finds, newest first, cited."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Post, SentenceHit
from bot.store.repo import Store
from bot.understand.brief import citation_of
from bot.understand.digest import cite, whole_text

SHOWN = 10  # matches in one reply
POOL = 60  # best-scoring matches considered before ordering by date


def newest_first(hits: Sequence[SentenceHit]) -> list[SentenceHit]:
    """Hits by their article's publication time, newest first; one hit per sentence text."""
    seen: set[str] = set()
    unique = []
    for h in hits:
        if h.sentence.text not in seen:
            seen.add(h.sentence.text)
            unique.append(h)
    return sorted(unique, key=lambda h: (h.sentence.published.timestamp() if h.sentence.published else 0.0,
                                         h.sentence.id), reverse=True)


def search_coverage(store: Store, words: str, story: str | None = None, shown: int = SHOWN) -> list[SentenceHit]:
    """The stored sentences matching `words` (within one story when given), newest first."""
    return newest_first(store.search(words, story=story, limit=POOL))[:shown]


def build_search(store: Store, words: str, story: str | None = None, shown: int = SHOWN) -> Post:
    """Past coverage matching `words` as a post: one cited line per sentence, newest first."""
    scope = f" in {story}" if story else ""
    hits = search_coverage(store, words, story, shown)
    if not hits:
        return Post(f"Nothing stored matches '{words}'{scope}.")
    lines = [f"- {whole_text(store, h.sentence.text, h.sentence.article_id, h.sentence.id)} "
             f"({cite(citation_of(h.sentence))})" for h in hits]
    cited = {h.sentence.article_url: citation_of(h.sentence) for h in hits}
    return Post(f"Coverage matching '{words}'{scope}, newest first", lines, list(cited.values()))
