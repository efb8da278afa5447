"""Brief and search building over a real SQLite store of the eval articles."""

from __future__ import annotations

import pytest

from bot.runtime.core import Core
from bot.understand.brief import actors, build_brief, key_numbers, scheduled, story_sentences
from bot.understand.search import build_search, search_coverage


@pytest.fixture
def loaded(eval_core: Core) -> Core:
    return eval_core  # read only


def story(core: Core, story_id: str):  # type: ignore[no-untyped-def]
    return next(s for s in core.store.list_stories() if s.id == story_id)


def test_key_numbers_chain_each_changed_figure_with_its_sources(loaded: Core) -> None:
    lines = key_numbers(loaded.store, loaded.store.list_updates(story="hostage-talks"))
    assert lines and all(" -> " in line for line in lines)
    assert any(line.startswith("hostages") and "136 (project seed document, 11 Feb) -> 130 (newsmax.com, 30 Mar)"
               in line for line in lines)


def test_people_and_bodies_are_the_most_mentioned_and_surnames_join_full_names(loaded: Core) -> None:
    named = dict(actors(story_sentences(loaded.store, "rafah-offensive")))
    assert "Benjamin Netanyahu" in named and "Netanyahu" not in named
    assert named["Hamas"] >= named["Benjamin Netanyahu"] >= 2


def test_scheduled_next_is_what_a_sentence_dates_after_the_newest_article(loaded: Core) -> None:
    upcoming = scheduled(story_sentences(loaded.store, "rafah-offensive"))
    assert upcoming and all(x.day > "2024-03-22" for x in upcoming)


def test_the_brief_cites_the_last_five_developments_newest_first(loaded: Core) -> None:
    post = build_brief(loaded.store, story(loaded, "hostage-talks"))
    latest = post.lines[post.lines.index("Last 5 developments:") + 1:]
    assert len(latest) == 5 and "(newsmax.com, 30 Mar" in latest[0] and "(arabamericannews.com, 22 Mar)" in latest[-1]
    assert {c.source for c in post.citations} >= {"newsmax.com", "arabamericannews.com"}


def test_search_is_newest_first_scoped_and_cited(loaded: Core) -> None:
    hits = search_coverage(loaded.store, "Blinken", "hostage-talks")
    dates = [h.sentence.published for h in hits]
    assert len(hits) >= 3 and dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert all("hostage-talks" in h.stories for h in hits)
    post = build_search(loaded.store, "red line", "rafah-offensive")
    quote = next(line for line in post.lines if "It is a red line" in line)
    assert "Iron Dome to protect them.\"" in quote  # a quote is shown whole, not cut at its first full stop
    assert post.citations
