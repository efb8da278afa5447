"""Which later articles an old article arriving late can change (`bot/understand/updates/reach.py`).

Judged as the pipeline judges: an in-memory fact index with the store's semantics holds the story's
other articles in publication order; the late article is judged against what was published before
it, and what was published after it names the later articles to judge again: those sharing its facts
within the few entries per key a later sentence compares with, not every later article.
"""

from __future__ import annotations

from itertools import count

from bot.domain import RawArticle, StorySentence
from bot.text import split_sentences
from bot.understand.updates import MemoryIndex, find_updates
from bot.understand.updates.memory import MemoryView, moment_of
from bot.understand.updates.reach import PEOPLE_COUNTS, markers, reached_keys
from bot.understand.updates.slot import Slot
from tests.support.late_story import STORY, story_articles

_ids = count(1)


def stored(raw: RawArticle, article_id: int) -> list[StorySentence]:
    """The article's sentences as the store hands them over."""
    return [StorySentence(id=next(_ids), article_id=article_id, position=i, text=text, article_url=raw.url,
                          article_title=raw.title, source=raw.source, published=raw.published)
            for i, text in enumerate(split_sentences(raw.text))]


def late_story() -> tuple[MemoryIndex, list[StorySentence], dict[str, int]]:
    """The story's index without its late article, the late article, and each article's id by URL."""
    late, others, _ = story_articles()
    index = MemoryIndex()
    ids = {raw.url: i for i, raw in enumerate([*others, late], start=1)}
    for raw in others:
        index.judge(STORY, stored(raw, ids[raw.url]))
    return index, stored(late, ids[late.url]), ids


def test_a_late_article_reaches_the_later_article_sharing_its_facts_not_the_unrelated_one() -> None:
    index, late, ids = late_story()
    _, others, unrelated = story_articles()
    related = others[-2]
    at = moment_of(late[0])
    found = find_updates(STORY, late, MemoryView(index, STORY.id, at), MemoryView(index, STORY.id, at, after=True))
    assert ids[related.url] in found.affected  # Burns's trip, the hostage count
    assert ids[unrelated.url] not in found.affected  # only "hostage" in common, a fortnight of mentions away
    assert ids[others[0].url] not in found.affected  # published before it: judged without it anyway
    assert len(found.affected) < len(others) - 1


def test_an_article_without_later_ones_reaches_nothing() -> None:
    index, late, _ = late_story()
    found = find_updates(STORY, late, MemoryView(index, STORY.id, moment_of(late[0])))
    assert found.affected == set()


def test_facts_a_revision_withdrew_reach_the_later_articles_that_relied_on_them() -> None:
    index, late, ids = late_story()
    _, others, _ = story_articles()
    at = moment_of(late[0])
    found = find_updates(STORY, [], MemoryView(index, STORY.id, at), MemoryView(index, STORY.id, at, after=True),
                         withdrawn=["e:burns", "e:doha"])
    assert found.updates == [] and found.affected == {ids[others[-2].url]}


def test_an_expectation_reaches_the_sentences_naming_its_actor() -> None:
    assert reached_keys(["s:x:burns", "l:truce"]) == ["s:x:burns", "e:burns", "l:truce"]


def test_a_count_of_people_reaches_counts_of_some_kind_of_people_through_their_marker() -> None:
    assert markers([Slot("s:q:passenger", "35", "35 passengers")]) == [PEOPLE_COUNTS]
    assert markers([Slot("s:q:percent", "4.5", "4.5 percent"), Slot("s:q:people", "30", "30 people")]) == []
    assert reached_keys(["s:q:people"]) == ["s:q:people", PEOPLE_COUNTS]
    assert reached_keys([PEOPLE_COUNTS]) == []  # the marker itself changes nobody's judgement
