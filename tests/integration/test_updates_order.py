"""Updates are judged in publication time: ingesting a story's articles shuffled (one at a time, as
feeds deliver them) ends with the same updates as ingesting them in date order; a revision's
superseded facts leave the digest. Real SQLite store, real pipeline, real annotations."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import RawArticle, Story
from bot.ingest.pipeline import Pipeline
from bot.runtime.core import build_core
from bot.settings import load_settings
from bot.store import open_store
from bot.understand.digest import build_digest
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json
from bot.understand.updates import find_updates

BODIES = [
    "Mediators from Qatar and Egypt met Hamas envoys in Cairo to discuss a hostage truce.\n"
    "About 136 hostages are still held in Gaza, according to Israeli figures.\n"
    "William Burns is expected to travel to Paris next week for hostage talks with David Barnea.",
    "William Burns met David Barnea in Paris on Sunday and the hostage talks ended without an agreement.\n"
    "About 134 hostages are still held in Gaza, Israeli officials said.",
    "Hamas said it would send its reply on the hostage truce through Qatar within 48 hours.\n"
    "About 134 hostages are still held in Gaza, according to Israeli figures.",
    "About 130 hostages are still held in Gaza after the army recovered four bodies.\n"
    "Families of the hostages marched from Tel Aviv to Jerusalem to press for a truce deal.",
    "Families of the hostages marched to Jerusalem demanding a truce deal, organisers said.\n"
    "Egypt proposed a new round of hostage talks in Cairo next week.",
]
START = datetime(2024, 2, 1, 9, tzinfo=UTC)


def articles() -> list[RawArticle]:
    return [RawArticle(url=f"https://news.test/talks/{i}", title=f"Hostage talks, day {i}", text=body,
                       source="news.test", published=START + timedelta(days=i), origin="test")
            for i, body in enumerate(BODIES)]


def updates_after(tmp: Path, order: list[RawArticle], env: dict[str, str]) -> set[tuple]:
    core = build_core(load_settings({**env, "NEWSDESK_DATABASE_URL": f"sqlite:///{tmp / 'store.db'}"}))
    try:
        for raw in order:  # one at a time, as a feed delivers them
            core.pipeline.ingest([raw])
        return {(u.citation.url, u.kind, u.sentence, u.previous.value if u.previous else None,
                 u.previous.citation.url if u.previous else None)
                for u in core.store.list_updates()}
    finally:
        core.close()


def test_shuffled_ingest_gives_the_same_updates_as_date_order(tmp_path: Path, env: dict[str, str]) -> None:
    in_order = updates_after(tmp_path / "a", articles(), env)
    assert len(in_order) >= 6 and any(kind == "changed" for _, kind, *_ in in_order)
    for seed in (1, 2):
        shuffled = articles()
        random.Random(seed).shuffle(shuffled)
        assert updates_after(tmp_path / f"s{seed}", shuffled, env) == in_order
    newest_first = list(reversed(articles()))
    assert updates_after(tmp_path / "r", newest_first, env) == in_order


def test_a_late_article_is_not_announced_for_what_later_articles_already_said(env: dict[str, str]) -> None:
    core = build_core(load_settings(env))
    try:
        raws = articles()
        for raw in raws[1:]:
            core.pipeline.ingest([raw])
        late = core.pipeline.ingest([raws[0]])
        announced = {u.sentence for u in late.updates}
        assert not any("hostages are still held" in s for s in announced)
    finally:
        core.close()


def test_a_revised_articles_superseded_fact_leaves_the_digest(env: dict[str, str]) -> None:
    core = build_core(load_settings(env))
    try:
        raws = articles()
        core.pipeline.ingest(raws[:2])
        revised = RawArticle(url=raws[1].url, title=raws[1].title, published=raws[1].published, origin="test",
                             source="news.test", text=raws[1].text.replace("About 134 hostages", "About 133 hostages"))
        core.pipeline.ingest([revised])
        digest = build_digest(core.store, core.store.list_stories(), START - timedelta(days=1))
        assert digest is not None
        text = "\n".join(line for reply in digest.replies for line in reply.lines)
        assert "-> 133 (news.test" in text  # the change, compactly
        assert "134" not in text.replace("corrected from 134)", "")  # the superseded figure is no fact of its own
        assert text.count("corrected from 134)") == 1  # the correction says what it corrected, once
    finally:
        core.close()


@pytest.mark.postgres
def test_the_fact_index_works_on_postgresql(postgres_url: str) -> None:
    store = open_store(postgres_url)
    try:
        story = Story(id="talks", title="Hostage talks", terms=("hostage*", "truce"))
        store.sync_config_stories([story])
        pipeline = Pipeline(store, [story], StoryTracker, find_updates, annotate_batch_json)
        raws = articles()
        pipeline.ingest([raws[1]])
        pipeline.ingest([raws[0]])  # late: published first
        pipeline.ingest(raws[2:4])
        found = store.list_updates(story="talks")
        changed = [u for u in found if u.kind == "changed" and "130 hostages" in u.sentence]
        assert changed and changed[0].previous is not None and changed[0].previous.value == "134"
    finally:
        store.close()
