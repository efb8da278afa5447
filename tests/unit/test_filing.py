"""Filing by the story a sentence names, with the shipped stories (config/stories.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime.core import Core
from bot.settings import load_settings
from bot.understand.filing import StoryTracker, name_like
from tests.conftest import REPO

HOSTAGE_ARTICLE = [
    "Israeli negotiators flew to Cairo on Sunday for a new round of hostage talks with Qatari and Egyptian mediators.",
    "The proposal on the table would free 40 hostages during a six-week truce.",
    "Separately, the army said it withdrew its 98th Division from Khan Younis after four months of fighting.",
    "Officials said the negotiators would stay in Cairo until Tuesday to close the remaining gaps in the deal.",
]


@pytest.fixture(scope="module")
def tracker() -> StoryTracker:
    return StoryTracker(load_settings({"NEWSDESK_CONFIG_DIR": str(REPO / "config")}, root=REPO).stories)


def filed(tracker: StoryTracker, sentences: list[str]) -> dict[int, set[str]]:
    """Which stories each sentence ends up under (as the pipeline files them)."""
    matches = tracker.match("", sentences)
    owners: dict[int, set[str]] = {i: set() for i in range(len(sentences))}
    for m in matches:
        for i in m.sentences:
            owners[i].add(m.story)
    return {i: found or {matches[0].story} for i, found in owners.items()}


def test_a_sentence_naming_another_story_is_filed_under_it_not_its_articles_story(tracker: StoryTracker) -> None:
    owners = filed(tracker, HOSTAGE_ARTICLE)
    assert owners[2] == {"rafah-offensive"}
    assert owners[0] == owners[1] == owners[3] == {"hostage-talks"}
    assert [m.story for m in tracker.match("", HOSTAGE_ARTICLE)][0] == "hostage-talks"  # still a hostage article


def test_a_common_word_shared_with_another_story_does_not_move_a_sentence(tracker: StoryTracker) -> None:
    sentences = [*HOSTAGE_ARTICLE[:2],
                 "Hamas leaders are believed to be sheltering in tunnels, so an answer could take days.",
                 HOSTAGE_ARTICLE[3]]
    assert filed(tracker, sentences)[2] == {"hostage-talks"}


def test_a_sentence_naming_both_stories_stays_with_its_articles_story(tracker: StoryTracker) -> None:
    sentences = [*HOSTAGE_ARTICLE[:2],
                 "Hamas said an assault on Khan Younis would end the hostage talks.", HOSTAGE_ARTICLE[3]]
    assert filed(tracker, sentences)[2] == {"hostage-talks"}


def test_an_article_of_no_story_files_no_stray_sentence(tracker: StoryTracker) -> None:
    assert tracker.match("", ["The weather in Khan Younis was mild.", "Markets rose on Monday."]) == []


@pytest.mark.parametrize(("term", "expected"), [
    ("Khan Younis", True), ("Rafah", True), ("ground operation", True), ("sheltering", False), ("deal", False),
    ("negotiat*", False),
])
def test_names_are_capitalised_or_several_words(term: str, expected: bool) -> None:
    assert name_like(term) is expected


def test_the_stray_sentence_reaches_the_other_storys_updates(core: Core, tmp_path: Path) -> None:
    seed = tmp_path / "talks.txt"
    seed.write_text("# source: https://wire.example/talks-cairo\n# date: 2024-04-07\n# title: Hostage talks resume\n\n"
                    + " ".join(HOSTAGE_ARTICLE) + "\n")
    core.pipeline.ingest_paths([seed])
    rafah = [u.sentence for u in core.store.list_updates(story="rafah-offensive")]
    talks = [u.sentence for u in core.store.list_updates(story="hostage-talks")]
    assert any("98th Division" in s for s in rafah)
    assert not any("98th Division" in s for s in talks)


def test_two_common_words_of_another_story_do_not_move_a_sentence(tracker: StoryTracker) -> None:
    sentences = ["Israeli tanks pushed deeper into Rafah on Tuesday as civilians fled west.",
                 "Officials said the talks on a deal had stalled.",
                 "Aid groups said the evacuation routes out of Rafah were blocked."]
    assert tracker.sentence_hits(sentences[1]) == {"hostage-talks": 2}
    assert filed(tracker, sentences)[1] == {"rafah-offensive"}


LEDE_ARTICLE = [
    "Qatari mediators handed Hamas a new hostage proposal on Tuesday, officials said.",
    "The group's leaders met in the evening to read the document.",
    "Several of them travelled from abroad for the meeting.",
    "A spokesman declined to say when a reply would come.",
    "The meeting lasted several hours, according to people present.",
    "The document runs to several pages.",
    "Its terms have not been published.",
    "Copies were made for each member.",
    "Officials expect a reply by the weekend on the captives.",
]


def test_an_article_whose_lede_names_the_story_belongs_to_it_though_few_sentences_do(tracker: StoryTracker) -> None:
    assert [m.story for m in tracker.match("A document arrives", LEDE_ARTICLE)] == ["hostage-talks"]
    later = LEDE_ARTICLE[1:2] + LEDE_ARTICLE[:1] + LEDE_ARTICLE[2:]  # the same mentions, neither of them the lede
    assert tracker.match("A document arrives", later) == []
