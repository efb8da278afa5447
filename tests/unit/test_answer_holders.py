""""Who runs X now" is not answered with a person a later report says left the post: the bot says it
does not know and shows that report, unless a still later one brings the person back."""

from __future__ import annotations

from bot.understand.answer import answer_question
from tests.support.memory_search import MemorySearch

_FIRST = ("Drellco chief executive Harlan Voss apologised on Tuesday for the recall of 40,000 heaters. "
          "Voss said the company would pay for every repair.")


def _desk(*later: tuple[str, str]) -> MemorySearch:
    search = MemorySearch()
    search.add(_FIRST, source="desk.example", title="Recall", day="2025-03-04", article=401)
    for n, (day, text) in enumerate(later):
        search.add(text, source="wire.example", title="Drellco", day=day, article=402 + n)
    return search


def test_a_chief_who_stepped_down_since_is_not_who_runs_the_company_now() -> None:
    search = _desk(("2025-05-12", "Drellco said on Monday that Harlan Voss had stepped down as chief executive "
                                  "with immediate effect. The board met for four hours."))
    reply = answer_question("Who is running Drellco now?", search, [])
    assert reply.answer is None
    assert "had stepped down as chief executive" in reply.text


def test_a_chief_who_refused_to_resign_still_runs_the_company() -> None:
    search = _desk(("2025-05-12", "Harlan Voss refused to resign on Monday, telling shareholders the recall "
                                  "was under control."))
    assert answer_question("Who is running Drellco now?", search, []).answer == "Harlan Voss"


def test_a_chief_brought_back_later_runs_the_company_again() -> None:
    search = _desk(("2025-05-12", "Drellco said on Monday that Harlan Voss had stepped down as chief executive."),
                   ("2025-06-20", "Harlan Voss was reappointed chief executive of Drellco on Friday."))
    assert answer_question("Who is running Drellco now?", search, []).answer == "Harlan Voss"


def test_a_past_question_is_still_answered_with_who_ran_it_then() -> None:
    search = _desk(("2025-05-12", "Drellco said on Monday that Harlan Voss had stepped down as chief executive."))
    assert answer_question("Who apologised for the Drellco heater recall?", search, []).answer == "Harlan Voss"


def test_a_chief_who_left_a_city_has_not_left_the_post() -> None:
    search = _desk(("2025-05-12", "Harlan Voss left Berlin on Monday after two days of talks with regulators."))
    assert answer_question("Who is running Drellco now?", search, []).answer == "Harlan Voss"


def test_the_successor_named_since_the_departure_runs_the_company_now() -> None:
    search = _desk(("2025-05-12", "Drellco said on Monday that Harlan Voss had stepped down as chief executive. "
                                  "Drellco finance director Mira Kessel will take over as chief executive of Drellco "
                                  "on 1 June."))
    reply = answer_question("Who is running Drellco now?", search, [])
    assert reply.answer == "Mira Kessel"
    assert "Harlan Voss has since left" in reply.text and "had stepped down as chief executive" in reply.text


def test_the_person_who_replaced_the_departed_holds_the_post() -> None:
    search = _desk(("2025-05-12", "Harlan Voss was ousted on Monday. The Drellco board said Voss would be "
                                  "replaced by Mira Kessel, who ran the Drellco heater business."))
    assert answer_question("Who is running Drellco now?", search, []).answer == "Mira Kessel"


def test_the_heir_named_in_the_report_of_the_departure_holds_the_post() -> None:
    search = _desk(("2025-05-12", "Harlan Voss was removed on Monday and replaced by Kessel."),
                   ("2025-05-13", "On Monday the Drellco board nominated Mira Kessel, a former banker, as its new "
                                  "managing partner."))
    assert answer_question("Who is running Drellco now?", search, []).answer == "Mira Kessel"


def test_a_chief_who_announced_his_resignation_has_left() -> None:
    search = _desk(("2025-05-12", "Harlan Voss announced his resignation on Monday, a week after the recall widened."))
    reply = answer_question("Who is running Drellco now?", search, [])
    assert reply.answer is None and "announced his resignation" in reply.text


def test_a_name_set_off_after_a_post_holds_that_post_and_not_the_next_one() -> None:
    search = MemorySearch()
    search.add("Police went to the homes of the captain, Maren Solberg, and the first officer, Jonas Ek, later on "
               "Saturday.\n"
               "The airline said the crew of flight NR12 had flown the route for years.",
               source="north-desk.example", title="Flight NR12 missing", day="2025-06-02", article=12)
    assert answer_question("Who was the flight's captain?", search, []).answer == "Maren Solberg"


def test_who_runs_it_now_is_the_person_it_is_now_run_by_not_one_who_ran_a_part_of_it() -> None:
    search = MemorySearch()
    search.add("Mara Teodori, who ran the crisis unit at Calvera Lines on the night of the grounding, was given "
               "the heaviest sentence. The cruise line is now run by Jens Holt, a Danish executive who took over "
               "last year.", source="desk.example", title="Verdicts", day="2025-06-02", article=501)
    assert answer_question("Who heads Calvera Lines now?", search, []).answer == "Jens Holt"


def test_a_holder_whose_own_sentence_says_he_is_retiring_is_not_who_heads_it_now() -> None:
    search = MemorySearch()
    search.add("Among the changes, Harlan Voss, who heads the heater business at Drellco, is retiring, "
               "and Mira Kessel replaces him.", source="desk.example", title="Drellco", day="2025-05-12", article=401)
    reply = answer_question("Who now heads Drellco's heater business?", search, [])
    assert reply.answer != "Harlan Voss" and "is retiring" in reply.text
