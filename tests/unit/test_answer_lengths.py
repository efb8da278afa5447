""""How long is the bridge" asks for a length, "how long was the strike" for a time: the copular
question takes whichever the sentence gives, and a figure followed by the question's own adjective
("120 metres long") is the one asked about; a rate ("a year") does not answer for one particular day."""

from __future__ import annotations

from bot.understand.answer import answer_question
from tests.support.memory_search import MemorySearch


def test_how_long_a_thing_is_answered_with_its_length_not_how_far_it_fell() -> None:
    search = MemorySearch()
    search.add("A section of the road about 120 metres long fell some 30 metres into the river on Monday, "
               "the fire service said.", source="road-desk.example", title="Road falls", day="2025-05-03", article=94)
    got = answer_question("How long was the section of road that fell?", search, [])
    assert got.answer == "about 120 metres"


def test_how_long_an_event_lasted_is_still_a_time() -> None:
    search = MemorySearch()
    search.add("The strike at the Arle plant lasted 46 days, the union said.",
               source="labour-desk.example", title="Strike ends", day="2025-11-01", article=95)
    got = answer_question("How long was the strike at the Arle plant?", search, [])
    assert got.answer == "46 days"


def test_a_yearly_rate_does_not_answer_what_happened_on_one_day() -> None:
    search = MemorySearch()
    search.add("The old viaduct carried about 12 million vehicles a year before it was closed.",
               source="road-desk.example", title="Viaduct", day="2025-05-03", article=96)
    got = answer_question("How many vehicles crossed the new viaduct on its first day?", search, [])
    assert got.answer is None


def test_how_much_a_year_asks_for_a_sum_per_year_not_a_length_of_time() -> None:
    search = MemorySearch()
    search.add("The union said the deal was worth about $48 million a year over a three-year contract.",
               source="labour-desk.example", title="Deal", day="2025-09-27", article=99)
    got = answer_question("How much a year is the deal worth?", search, [])
    assert got.answer == "about $48 million a year"


def test_a_daily_rate_does_not_answer_what_happened_once() -> None:
    search = MemorySearch()
    search.add("The bridge over the Arle estuary was used by about 18,000 vehicles a day before it fell.",
               source="road-desk.example", title="Bridge", day="2025-03-26", article=100)
    got = answer_question("How many vehicles fell into the estuary with the bridge?", search, [])
    assert got.answer is None
