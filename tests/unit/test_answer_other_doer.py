"""Answers come from what the question asks about: what was said (not when or where the speaking
happened), and a figure of the doer the question names (not of another named doer)."""

from __future__ import annotations

from bot.understand.answer import answer_question
from tests.support.memory_search import MemorySearch, reports


def test_the_time_of_a_speech_is_not_what_was_said() -> None:
    search = MemorySearch()
    search.add("Former governor Dana Pike, who is running for the Senate, is due to speak on Thursday evening "
               "at a glass factory near Arnholt.",
               source="vote-desk.example", title="Campaign", day="2025-09-24", article=91)
    got = answer_question("What did Pike tell the workers when she spoke near Arnholt?", search, [])
    assert got.answer is None


def test_a_figure_another_named_company_gave_does_not_answer_for_the_one_asked_about() -> None:
    search = MemorySearch()
    search.add("The deal Brannock agreed on Sunday gives workers a 14% rise in base pay over the contract.",
               source="auto-desk.example", title="Brannock deal", day="2025-10-26", article=92)
    search.add("Kestrel Motors said on Tuesday it would raise base pay for its factory workers by about 6%, a "
               "move analysts linked to the Brannock deal.",
               source="auto-desk.example", title="Rival move", day="2025-11-04", article=93)
    got = answer_question("What raise in base pay did Brannock finally agree to?", search, [])
    assert got.answer == "14%"


def test_a_share_given_for_another_named_party_does_not_answer_for_the_one_asked_about() -> None:
    search = MemorySearch()
    search.add("The Brannock agreement was approved by about 71% of voters, the union said on Friday.",
               source="auto-desk.example", title="Kestrel contract vote", day="2025-11-14", article=97)
    got = answer_question("What share of Kestrel voters approved their contract?", search, [])
    assert got.answer is None


def test_a_count_for_the_party_a_sentence_names_is_not_another_partys() -> None:
    search = MemorySearch()
    search.add("A Harbour Research poll published on Wednesday forecast a Green majority of 40, with the party "
               "on 120 seats.", source="vote-desk.example", title="Polls", day="2025-07-03", article=98)
    got = answer_question("How many Liberal seats did the poll forecast?", search, [])
    assert got.answer is None


def test_who_is_not_answered_by_people_in_general() -> None:
    search = reports(("2025-05-02", "Officials said the men would come out in a set order, the fittest first, "
                                    "once the capsule had been tested."))
    assert answer_question("Who came out first?", search, []).answer is None


def test_a_figure_of_another_event_like_the_story_does_not_answer_for_the_story() -> None:
    search = reports(("2023-02-04", "About 40 of the freight train's roughly 150 cars left the track near Dunmore, "
                                    "officials said."),
                     ("2023-03-05", "Another Lakeline freight train derailed in Carbury on Saturday, when about 28 "
                                    "cars left the track."))
    assert answer_question("How many cars came off the track?", search, []).answer == "About 40"
