""""Which N" questions answered by a name of that kind: the name holding N or standing beside it, not
a maker named before one of its products."""

from __future__ import annotations

from bot.understand.answer import answer_question
from tests.support.memory_search import reports


def test_which_ship_is_answered_by_the_name_beside_the_word_ship() -> None:
    search = reports(("2025-03-03", "The fertiliser arrived in 2013 aboard a cargo ship, the Marvosa, and was moved "
                                    "into the warehouse at the port after the vessel was impounded."))
    assert answer_question("Which ship brought the cargo to the port?", search, []).answer == "Marvosa"


def test_a_maker_named_before_a_model_does_not_answer_which_models() -> None:
    search = reports(("2025-03-03", "It is the first time a Kestrel model has been drawn into the affair."))
    assert answer_question("Which models got caught up first?", search, []).answer is None


def test_which_rocket_is_answered_by_the_name_written_before_the_word_rocket() -> None:
    search = reports(("2024-06-05", "NASA astronauts Rhea Voss and Ben Tallis began the Halcyon probe's first crewed "
                                    "test when they lifted off from Cape Canaveral at 10:52 am ET on an Atlas V rocket "
                                    "built by United Launch Alliance."))
    assert answer_question("Which rocket carried Halcyon?", search, []).answer == "Atlas V rocket"


def test_which_storm_is_answered_by_the_storm_named_in_a_sentence_without_the_question_verb() -> None:
    search = reports(("2023-08-10", "Driven by Hurricane Lena, the fires have burned through wide areas of the western "
                                    "island."))
    assert answer_question("Which storm was fanning the flames?", search, []).answer == "Hurricane Lena"
