"""An old article that arrives late corrects only the later articles it shares facts with.

Real SQLite store, real pipeline, real annotations. A story runs for three weeks; one article of its
first days reaches the bot after all the others. The later article that repeated its news stops
announcing it, and the later count it preceded is now a change from its figure; an article of the
same story about something else, published after a dozen others, keeps its updates untouched and is
not judged again (re-judging every later article cost as much as the story was long). The result is
the one a date-ordered ingest gives.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.ingest.pipeline import Pipeline
from bot.store import open_store
from bot.store.repo import Store
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json
from bot.understand.updates import find_updates
from tests.support.late_story import BURNS, COUNT, START, STORY, raw, story_articles


def pipeline(tmp: Path) -> tuple[Store, Pipeline]:
    store = open_store(f"sqlite:///{tmp / 'store.db'}")
    store.sync_config_stories([STORY])
    return store, Pipeline(store, [STORY], StoryTracker, find_updates, annotate_batch_json)


def updates_of(store: Store, url: str | None = None) -> set[tuple]:
    return {(u.id if url else u.citation.url, u.kind, u.sentence, u.previous.value if u.previous else None,
             u.previous.citation.url if u.previous else None)
            for u in store.list_updates(story=STORY.id) if url is None or u.citation.url == url}


@pytest.fixture
def late_story(tmp_path: Path):  # type: ignore[no-untyped-def]
    store, pipe = pipeline(tmp_path)
    yield store, pipe
    store.close()


def logged(caplog: pytest.LogCaptureFixture, event: str) -> list[dict[str, str]]:
    """The pipeline's log lines of one event, as key=value fields."""
    return [dict(pair.split("=", 1) for pair in r.getMessage().split() if "=" in pair)
            for r in caplog.records if r.getMessage().startswith(f"event={event} ")]


def test_a_late_article_corrects_the_later_article_that_shares_its_facts_and_leaves_the_rest(
        late_story: tuple[Store, Pipeline], caplog: pytest.LogCaptureFixture) -> None:
    store, pipe = late_story
    late, others, unrelated = story_articles()
    related = others[-2]
    with caplog.at_level(logging.INFO, logger="bot.ingest.pipeline"):
        for article in others:  # one at a time, as a feed delivers them
            assert pipe.ingest([article]).added == 1
    ids = {line["url"]: int(line["id"]) for line in logged(caplog, "article_added")}
    before_related = {(kind, sentence, value) for _, kind, sentence, value, _ in updates_of(store, related.url)}
    assert ("new", BURNS, None) in before_related  # the related article announced Burns's trip...
    assert ("changed", COUNT, "136") in before_related  # ... and the count as a change from the first day's
    untouched = updates_of(store, unrelated.url)
    assert untouched

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.ingest.pipeline"):
        report = pipe.ingest([late])
    assert report.added == 1
    rejudged = {int(line["article"]) for line in logged(caplog, "article_rejudged")}
    assert ids[related.url] in rejudged  # it shares Burns's trip and the hostage count with the late article
    assert ids[unrelated.url] not in rejudged  # a dozen articles later, sharing only the story's own word
    assert len(rejudged) < len(others) - 1  # not every later article of the story

    # what an editor sees: the trip is the late article's news now, the count changed from its figure
    after_related = {(kind, sentence, value, source) for _, kind, sentence, value, source in
                     updates_of(store, related.url)}
    assert not any(sentence == BURNS for _, sentence, _, _ in after_related)
    assert ("changed", COUNT, "134", late.url) in after_related
    assert BURNS in {u.sentence for u in store.list_updates(story=STORY.id) if u.citation.url == late.url}
    assert BURNS not in {u.sentence for u in report.updates}  # the related article had announced it already
    assert updates_of(store, unrelated.url) == untouched  # the very same rows, untouched


def test_late_ingest_gives_the_updates_of_a_date_ordered_ingest(late_story: tuple[Store, Pipeline],
                                                                tmp_path: Path) -> None:
    store, pipe = late_story
    late, others, _ = story_articles()
    for article in others:
        pipe.ingest([article])
    pipe.ingest([late])
    (tmp_path / "in-order").mkdir()
    reference_store, reference = pipeline(tmp_path / "in-order")
    try:
        for article in sorted([late, *others], key=lambda a: a.published or START):
            reference.ingest([article])
        assert updates_of(store) == updates_of(reference_store)
    finally:
        reference_store.close()


@pytest.mark.parametrize("correction", [None, BURNS.replace("Doha", "Cairo")], ids=["dropped", "corrected"])
def test_a_revision_that_drops_a_fact_makes_the_later_repeat_of_it_news(
        late_story: tuple[Store, Pipeline], tmp_path: Path, correction: str | None) -> None:
    store, pipe = late_story
    count_line = "About 136 hostages are still held in Gaza, according to Israeli figures."
    talks_line = "Mediators from Qatar met Hamas envoys in Cairo for a first round of hostage talks."
    first = raw(0, "\n".join([count_line, BURNS, talks_line]), "first")
    later = raw(3, "Families of the hostages marched to Jerusalem demanding a truce deal, organisers said.\n"
                   + BURNS, "later")
    pipe.ingest([first])
    pipe.ingest([later])
    assert BURNS not in {s for url, _, s, _, _ in updates_of(store) if url == later.url}  # first said it
    revised = raw(0, "\n".join(line for line in [count_line, correction, talks_line] if line), "first")
    assert pipe.ingest([revised]).revised == 1
    (tmp_path / "in-order").mkdir()
    reference_store, reference = pipeline(tmp_path / "in-order")
    try:
        reference.ingest([revised])
        reference.ingest([later])
        assert updates_of(store) == updates_of(reference_store)
    finally:
        reference_store.close()
    if correction is None:  # nothing earlier says it now: the later article broke the news
        assert ("new", BURNS) in {(kind, s) for url, kind, s, _, _ in updates_of(store) if url == later.url}
