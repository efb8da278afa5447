"""The brief's "scheduled next" and "people and bodies involved", over a real SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain import StorySentence
from bot.runtime.core import Core
from bot.understand.brief import actors, build_brief, scheduled, story_sentences
from bot.understand.language.annotate import annotate_sentences
from bot.web.story_view import SlimReader

PLANS = {
    "a.txt": ("https://wire.example/burns-trip", "2024-04-01",
              "CIA Director William Burns is expected to meet Egyptian mediators in Cairo on April 9 for talks "
              "on the hostages.\nQatar and Egypt are mediating the hostage talks."),
    "b.txt": ("https://wire.example/cabinet-vote", "2024-04-03",
              "The Israeli cabinet will vote on the hostage proposal on April 11, officials said.\n"
              "Hamas negotiators are scheduled to arrive in Doha on April 10 to discuss the hostage deal."),
    "c.txt": ("https://wire.example/envoys", "2024-04-05",
              "Envoys from Qatar plan to present a revised hostage proposal on April 13.\n"
              "Hamas has said it wants a permanent ceasefire before any hostage release."),
    "d.txt": ("https://wire.example/burns-met", "2024-04-08",
              "William Burns met Egyptian mediators in Cairo on Monday, a day earlier than planned, to discuss "
              "the hostages.\nQatar's prime minister plans to host a new round of hostage talks on April 15.\n"
              "Mediators said a hostage deal could be reached within weeks."),
}


@pytest.fixture
def loaded(eval_core: Core) -> Core:
    return eval_core  # read only


def talks(core: Core):  # type: ignore[no-untyped-def]
    return next(s for s in core.store.list_stories() if s.id == "hostage-talks")


def test_scheduled_next_lists_the_talks_set_for_the_day_after_the_latest_article(loaded: Core) -> None:
    post = build_brief(loaded.store, talks(loaded))
    upcoming = post.lines[post.lines.index("Scheduled next:") + 1:post.lines.index("Last 5 developments:")]
    assert upcoming == ["- 2024-03-31: Egypt's Al Qahera News TV said on Saturday, quoting a security source, that "
                        "truce talks between Israel and Hamas would start again on Sunday in Cairo. "
                        "(newsmax.com, 30 Mar)"]
    assert any(c.source == "newsmax.com" for c in post.citations)


def test_scheduled_next_is_newest_source_first_at_most_three_and_never_what_was_done(core: Core,
                                                                                   tmp_path: Path) -> None:
    for name, (url, day, body) in PLANS.items():
        (tmp_path / name).write_text(f"# source: {url}\n# date: {day}\n# title: {name}\n\n{body}\n")
    core.pipeline.ingest_paths([tmp_path / name for name in sorted(PLANS)])
    upcoming = scheduled(story_sentences(core.store, "hostage-talks"),
                         done={u.previous.sentence for u in core.store.list_updates(story="hostage-talks")
                               if u.kind == "changed" and u.previous is not None})
    assert [(x.day, x.sentence.text[:30]) for x in upcoming] == [
        ("2024-04-15", "Qatar's prime minister plans t"),  # 8 Apr: the newest source first
        ("2024-04-13", "Envoys from Qatar plan to pres"),  # 5 Apr
        ("2024-04-10", "Hamas negotiators are schedule"),  # 3 Apr, the sooner of its two; the vote is the 4th
    ]
    texts = " ".join(x.sentence.text for x in upcoming)
    assert "Burns" not in texts  # the meeting expected on 9 Apr was reported held on 8 Apr; "met ... on Monday" is past


def test_people_and_bodies_leave_out_outlets_datelines_fragments_places_and_passing_mentions(loaded: Core) -> None:
    rafah = dict(actors(story_sentences(loaded.store, "rafah-offensive")))
    assert list(rafah) == ["Hamas", "Benjamin Netanyahu", "Joe Biden"]  # "Biden" (parsed as a body, too) merged
    talks_named = dict(actors(story_sentences(loaded.store, "hostage-talks")))
    for noise in ("State", "Reuters", "Al Qahera News TV", "Channel 13", "Aqsa Television", "Abbas", "Alon",
                  "Netanyahu", "Blinken"):
        assert noise not in talks_named
    assert {"Hamas", "Antony Blinken", "Benjamin Netanyahu", "William Burns", "Osama Hamdan"} <= set(talks_named)
    assert all(n >= 2 for n in talks_named.values())


def test_a_story_pages_slim_reader_gives_the_same_people_and_schedule(loaded: Core) -> None:
    sentences = story_sentences(loaded.store, "hostage-talks")
    slim = SlimReader()  # keeps entities and dates, no tokens
    assert actors(sentences, read=slim) == actors(sentences)
    assert scheduled(sentences, read=slim) == scheduled(sentences)


def parsed_sentences(texts: list[str], published: datetime, source: str = "wire.example") -> list[StorySentence]:
    """Sentences of one article as the store keeps them, each with its annotation."""
    notes = annotate_sentences(texts, published)
    return [StorySentence(i + 1, 1, i, t, "https://wire.example/a", "A", source, published, n.to_json())
            for i, (t, n) in enumerate(zip(texts, notes, strict=True))]


def test_a_weekday_is_scheduled_only_when_the_sentence_looks_ahead_outside_quotes() -> None:
    thursday = datetime(2024, 7, 4, 9, tzinfo=UTC)
    sentences = parsed_sentences([
        "At his final rally on Wednesday evening, Sunak declared: ‘This underdog will fight to the final whistle’.",
        "The party said on Tuesday that the leader will resign.",
        "Counting will resume on Saturday in the last three constituencies.",
    ], thursday)
    assert [(x.day, x.sentence.text[:20]) for x in scheduled(sentences)] == [("2024-07-06", "Counting will resume")]


def test_people_joined_by_the_parser_count_apart_and_a_first_name_joins_its_full_name() -> None:
    sentences = parsed_sentences([
        "Keir Starmer's Labour won a landslide, and Keir Starmer became prime minister.",
        "Sir Keir promised to rebuild Britain.",
        "Greg Brockman, Sam Altman and Mira Murati met the board on Sunday.",
        "Sam Altman said he would return.",
    ], datetime(2024, 7, 5, 9, tzinfo=UTC))
    named = dict(actors(sentences))
    assert "Keir" not in named and named.get("Keir Starmer", 0) >= 2
    assert not any("," in name for name in named) and named.get("Sam Altman") == 2
