"""When the answerer may replace a figure by its later revision: a question about the figure as it
stands, past or present, never one tied to a source or moment."""

from __future__ import annotations

import pytest

from bot.understand.answer import answer_question
from bot.understand.answer.question import analyse
from bot.understand.answer.relation import asks_so_far
from bot.understand.answer.revised import anchored, leading_number
from tests.support.memory_search import MemorySearch, reports


@pytest.mark.parametrize("question", [
    "In how many hospitals have infections been found?",
    "How many people are still missing?",
    "What is the latest death toll?",
])
def test_questions_about_the_state_so_far_may_take_the_revised_figure(question: str) -> None:
    q = analyse(question)
    assert asks_so_far(q) and not anchored(q)


@pytest.mark.parametrize("question", [
    "What was the death toll when the president signed the declaration?",
    "How many hostages were held according to the first report?",
    "How many vials were recalled initially?",
    "How many vessels were reported stuck in the jam at the start?",
])
def test_a_figure_tied_to_a_moment_or_source_is_not_replaced(question: str) -> None:
    q = analyse(question)
    assert anchored(q) or not asks_so_far(q)


def test_a_past_figure_question_does_not_ask_the_state_so_far() -> None:
    assert not asks_so_far(analyse("How many seats did the party win in 2019?"))


def test_the_replaced_value_is_read_from_its_stored_text() -> None:
    assert leading_number("six") == 6
    assert leading_number("18,400 vials") == 18400
    assert leading_number("second patient") is None


def test_a_smaller_newer_count_of_injured_is_another_event_not_the_latest_tally() -> None:
    search = MemorySearch()
    search.add("At least 40 people were injured in the Velden depot blast, officials said.", source="a.example",
               title="Blast", day="2025-03-01", article=501)
    search.add("At least 120 people have now been injured in the Velden depot blast, officials said.",
               source="b.example", title="Blast", day="2025-03-04", article=502)
    search.add("Two people were injured in Velden on Friday when police and protesters clashed near the depot.",
               source="c.example", title="Clashes", day="2025-04-11", article=503)
    reply = answer_question("Going by the latest figure, how many people were injured?", search, [])
    assert reply.answer == "At least 120 people"


def test_people_who_died_and_a_count_of_deaths_are_one_toll_and_the_newest_leads() -> None:
    search = reports(("2018-08-09", "In a report posted online, the island's government quietly acknowledged that more "
                                    "than 1,400 people probably died after Hurricane Lina, a figure far above the "
                                    "official death toll."),
                     ("2018-08-28", "The governor on Tuesday lifted the official count of deaths from Hurricane Lina "
                                    "from 64 to 2,975."))
    assert answer_question("What's the official death toll from Lina now?", search, []).answer == "2,975"


def test_a_change_recorded_for_another_figure_of_the_answers_sentence_still_replaces_its_figure() -> None:
    lead = ("The governor estimated that Storm Lina, which hit with winds above 150mph, caused $90bn of damage "
            "across the island.")
    later = "Storm Lina made landfall with top winds of 154mph and did as much as an estimated $95 billion in damage."
    search = reports(("2017-09-25", lead), ("2017-10-20", later))
    search.record_change(later, "150", lead)  # the finder named the wind speed; the sentence replaced the damage too
    reply = answer_question("How much damage did Lina do to the island?", search, [])
    assert reply.answer is not None and "$95 billion" in reply.answer, reply.text



def test_a_now_question_with_a_newer_report_giving_another_answer_is_not_guessed() -> None:
    first = ("2024-01-10",
             "Police have arrested 40 people over the riots in Velden, the interior minister said on Monday.")
    search = reports(first, ("2024-01-20", "A total of 65 people have been detained, officials said."))
    reply = answer_question("How many people have been arrested over the riots so far?", search, [])
    assert reply.answer is None, reply.text
    assert "65 people" in reply.text.split("\n")[2]  # the newer report is shown first, for the editor to judge
    assert answer_question("How many people have been arrested over the riots so far?", reports(first),
                           []).answer == "40 people"


def test_a_figure_asked_as_first_told_comes_from_the_oldest_close_report() -> None:
    search = reports(("2023-05-01", "The Kallo ferry sank on Sunday and all 208 people on board were killed, "
                                    "officials said."),
                     ("2023-09-12", "The Kallo ferry sank in May, killing all 210 people on board, most of them "
                                    "Norwegian."))
    first = answer_question("How many people did officials say were killed on the day the ferry sank?", search, [])
    assert first.answer is not None and "208" in first.answer, first.text
    assert answer_question("How many people were killed when the Kallo ferry sank initially?", search, []).answer \
        == first.answer


def test_a_date_naming_the_event_does_not_stop_the_newest_toll_from_leading() -> None:
    search = reports(("2023-04-28", "The emergency centre said nearly 11,000 people had been injured in the April "
                                    "quake so far."),
                     ("2023-05-05", "The quake killed 7,276 people and injured more than 14,300."))
    reply = answer_question("How many people have been injured in the April quake so far?", search, [])
    assert reply.answer == "more than 14,300", reply.text
