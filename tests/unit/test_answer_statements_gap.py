"""A statement question is answered by what was said, never by when or where the speaking happened."""

from __future__ import annotations

from bot.understand.answer import answer_question
from tests.support.memory_search import MemorySearch


def test_the_time_of_a_speech_is_not_what_was_said() -> None:
    search = MemorySearch()
    search.add("Former governor Dana Pike, who is running for the Senate, is due to speak on Thursday evening "
               "at a glass factory near Arnholt.",
               source="vote-desk.example", title="Campaign", day="2025-09-24", article=91)
    got = answer_question("What did Pike tell the workers when she spoke near Arnholt?", search, [])
    assert got.answer is None
