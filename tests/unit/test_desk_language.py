"""Non-Latin story terms are matched by Unicode words; questions the bot cannot read get one sentence."""

from __future__ import annotations

import pytest

from bot.chat.language_gate import unreadable
from bot.domain import Story
from bot.understand.filing import StoryTracker, term_words

ARABIC_STORY = Story("talks-ar", "مفاوضات", terms=("مفاوضات", "الرهائن"), defined_in="chat")


def test_term_words_are_unicode_words() -> None:
    assert term_words("مفاوضات القاهرة") == ["مفاوضات", "القاهرة"]
    assert term_words("Khan Younis") == ["khan", "younis"]
    assert term_words("Kyiv’s") == ["kyiv's"]


@pytest.mark.parametrize("sentence", [
    "استؤنفت مفاوضات الهدنة في القاهرة.", "وتستمر المفاوضات في الدوحة.", "قال إن والمفاوضات مستمرة",
])
def test_an_arabic_term_matches_with_its_clitics(sentence: str) -> None:
    assert StoryTracker([ARABIC_STORY]).sentence_hits(sentence) == {"talks-ar": 1}


def test_an_arabic_term_does_not_match_inside_another_word() -> None:
    assert StoryTracker([ARABIC_STORY]).sentence_hits("مفاوضاتهم") == {}


def test_arabic_articles_are_filed_under_an_arabic_story() -> None:
    sentences = ["استؤنفت مفاوضات الهدنة في القاهرة.", "وقال مسؤول إن المفاوضات حول الرهائن مستمرة.",
                 "ولم يتم الإعلان عن موعد."]
    assert [m.story for m in StoryTracker([ARABIC_STORY]).match("", sentences)] == ["talks-ar"]


def test_latin_terms_still_match_as_before() -> None:
    story = Story("rafah", "Rafah", terms=("Khan Younis", "crossing*", "hostage"), defined_in="chat")
    tracker = StoryTracker([story])
    assert tracker.sentence_hits("Troops left Khan-Younis.") == {"rafah": 1}
    assert tracker.sentence_hits("The crossings and hostages.") == {"rafah": 2}
    assert tracker.sentence_hits("Hostageship") == {}


@pytest.mark.parametrize(("text", "expected"), [
    ("من هم الوسطاء؟", True), ("Кто посредники?", True), ("谁是调解人？", True),
    ("¿Quiénes son los mediadores?", True), ("Qui sont les médiateurs dans les négociations ?", True),
    ("who are the mediators?", False), ("Netanyahu", False), ("subscribe hostage-talks", False), ("12:00", False),
    ("What did Hamdan say about the Rafah offensive la semana pasada?", False),
])
def test_unreadable(text: str, expected: bool) -> None:
    assert unreadable(text) is expected
