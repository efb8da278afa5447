"""The digest's headline is the most prominent development: a named leader's announcement, a date
set, outrank a vague figure restated more precisely; background trails."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain import Citation, PreviousValue, Update
from bot.runtime.core import Core
from bot.understand.digest import build_digest, salient_first
from bot.understand.language.annotate import annotate_sentences
from bot.understand.prominence import prominences, restates, signals

APR1 = datetime(2024, 4, 1, 9, tzinfo=UTC)
APR8 = datetime(2024, 4, 8, 9, tzinfo=UTC)

CROWDED = """# source: https://wire.example/rafah-crowded
# date: 2024-04-01
# title: Rafah is crowded

More than a million civilians are sheltering in Rafah, the last refuge in southern Gaza.
Aid groups warned that an assault on Rafah would cost many civilian lives.
"""
DATE_SET = """# source: https://wire.example/rafah-date
# date: 2024-04-08
# title: A date is set for Rafah

Prime Minister Benjamin Netanyahu said on Monday that a date has been set for the offensive in Rafah.
Some 1.2 million displaced Palestinians are sheltering in Rafah, where 240,000 children live in 35 crowded camps.
Aid convoys reached Rafah on Monday.
"""


def change(old_sentence: str, value: str, new_sentence: str) -> Update:
    then = Citation("Earlier", "https://ap.example/a", "AP", APR1, old_sentence)
    now = Citation("Later", "https://reuters.example/b", "Reuters", APR8, new_sentence)
    return Update("rafah-offensive", "changed", new_sentence, now, 9.0, PreviousValue(old_sentence, value, then), 3)


def test_a_leaders_announcement_outranks_a_restated_population_figure(core: Core, tmp_path: Path) -> None:
    for name, text in (("a.txt", CROWDED), ("b.txt", DATE_SET)):
        (tmp_path / name).write_text(text)
    core.pipeline.ingest_paths([tmp_path / "a.txt", tmp_path / "b.txt"])
    found = {u.sentence[:20]: u for u in core.store.list_updates(story="rafah-offensive")}
    assert found["Some 1.2 million dis"].salience > found["Prime Minister Benja"].salience  # salience alone misleads
    stories = core.store.list_stories()
    post = build_digest(core.store, stories, datetime(2024, 4, 8, tzinfo=UTC), "rafah-offensive",
                        until=datetime(2024, 4, 9, tzinfo=UTC))
    assert post is not None
    assert post.lines == ["Rafah offensive dispute: Prime Minister Benjamin Netanyahu said on Monday that a date has "
                          "been set for the offensive in Rafah. (wire.example, 8 Apr)"]


@pytest.mark.parametrize(("old", "value", "new", "expected"), [
    ("More than a million civilians are sheltering in Rafah.", "million",
     "Some 1.3 million Palestinians are sheltering in Rafah.", True),
    ("Hamas seized about 240 people as hostages.", "240", "Hamas seized 253 people as hostages.", True),
    ("Hamas holds 136 hostages.", "136", "Hamas holds 130 hostages.", False),
    ("More than a million civilians are sheltering in Rafah.", "million",
     "Three million civilians are sheltering in Rafah.", False),
    ("Hamas seized about 240 people as hostages.", "240", "Hamas seized 120 people as hostages.", False),
])
def test_a_vague_figure_restated_precisely_is_no_change(old: str, value: str, new: str, expected: bool) -> None:
    assert restates(change(old, value, new)) is expected


def test_who_said_it_what_was_decided_and_when_it_is_due_are_read_from_the_parse() -> None:
    sentences = ["Prime Minister Benjamin Netanyahu said the cabinet approved the plan on Sunday.",
                 "The talks will resume in Cairo next week.",
                 "For months, aid groups have warned of famine.",
                 "He said the cabinet did not approve the plan."]
    said, due, background, denied = annotate_sentences(sentences, APR8)
    assert signals(said, "2024-04-08").named_speaker and signals(said, "2024-04-08").decision
    assert signals(due, "2024-04-08").scheduled and not signals(due, "2024-04-08").named_speaker
    assert signals(background, "2024-04-08").background
    assert not signals(denied, "2024-04-08").decision and not signals(denied, "2024-04-08").named_speaker


def test_reading_only_the_updates_that_can_make_the_top_ranks_the_top_the_same(eval_core: Core) -> None:
    core = eval_core
    for story in ("hostage-talks", "rafah-offensive"):
        found = core.store.list_updates(story=story)
        contexts = core.store.update_context(u.id for u in found if u.id is not None)
        for top in (1, 3, 5):
            every = salient_first(found, prominences(core.store, found, contexts))[:top]
            assert salient_first(found, prominences(core.store, found, contexts, top))[:top] == every
