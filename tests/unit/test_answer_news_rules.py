"""General rules of English news the answerer applies: acronyms, nationality doers, job titles, ages
given in a relative clause, a bare number counting its clause's subject, demands that are not outcomes.

Each test uses invented sentences (no eval set's wording) and shows the answer an editor would get.
"""

from __future__ import annotations

import pytest

from bot.understand.answer import answer_question
from bot.understand.answer.question import Kind, analyse
from bot.understand.answer.retrieve import anchor_weights, query_terms, retrieve, spelled_out
from bot.understand.answer.score import accepted, rank
from bot.understand.language.annotate import annotate_sentences
from tests.support.memory_search import MemorySearch, reports
from tests.unit.test_answer_candidates import MONDAY


@pytest.fixture(scope="module")
def ferry() -> MemorySearch:
    s = MemorySearch()
    s.add(
        "The Maritime Accident Board has sent 14 inspectors to the harbour.\n"
        "A Norwegian helicopter first spotted the life rafts shortly after dawn.\n"
        "Captain Ilse Varga, who is 54, had sailed the route for twenty years.\n"
        "Prosecutors want the owner to pay as much as 90 million euros in damages.\n"
        "The number of passengers still unaccounted for has fallen, from 12 to 7.\n"
        "To keep the route open, the operator agreed to hire a second crew, said an official who asked not to "
        "be named because the talks were confidential.\n"
        "The ferry sank near a 200-year-old lighthouse as gusts reached up to 60 miles per hour.\n"
        "The minister promised the families a full public inquiry, telling them \"the country stands with you\".\n"
        "Divers met the harbour master on the quay on March 28.\n"
        "The divers are expected to return to the wreck this week, possibly as early as Thursday.\n"
        "It was the inspectors' fourth visit to the wreck since the sinking.",
        source="coast-desk.example", title="Ferry inquiry opens", day="2025-04-02", article=21)
    s.add(
        "Ilse Varga is back at the company as chief operating officer.",
        source="coast-desk.example", title="Captain returns", day="2025-05-02", article=22)
    return s


def test_an_acronym_matches_the_words_that_spell_it_out() -> None:
    a = annotate_sentences(["Divers from the Maritime Accident Board reached the wreck."], MONDAY)[0]
    assert a.tokens[spelled_out("MAB", a)].text == "Board"
    assert spelled_out("XYZ", a) == -1


def test_question_with_an_acronym_is_answered_from_the_spelled_out_name(ferry: MemorySearch) -> None:
    got = answer_question("How many inspectors has the MAB sent?", ferry, [])
    assert got.answer == "14 inspectors"


def test_who_gets_the_doer_a_nationality_modifies(ferry: MemorySearch) -> None:
    q = analyse("Who first spotted the life rafts?")
    assert q.role == "subj"  # the adverb between "who" and the verb keeps the subject role
    got = answer_question("Who first spotted the life rafts?", ferry, [])
    assert got.answer == "Norwegian helicopter"


def test_age_given_in_a_relative_clause(ferry: MemorySearch) -> None:
    assert answer_question("How old is Ilse Varga?", ferry, []).answer == "54"


def test_a_persons_job_now_is_the_newest_title(ferry: MemorySearch) -> None:
    q = analyse("What job does Ilse Varga hold now?")
    assert q.kind is Kind.TITLE and all(x.proper for x in q.anchors)
    got = answer_question("What job does Ilse Varga hold now?", ferry, [])
    assert got.answer == "chief operating officer"


def test_a_bare_number_counts_the_subject_of_its_clause(ferry: MemorySearch) -> None:
    got = answer_question("How many passengers are still unaccounted for?", ferry, [])
    assert got.answer == "7"


def test_a_sum_someone_wants_is_not_given_as_what_was_paid(ferry: MemorySearch) -> None:
    got = answer_question("How much did the owner pay in damages?", ferry, [])
    assert got.answer is None


def test_a_reason_is_the_one_given_for_the_questions_own_verb(ferry: MemorySearch) -> None:
    got = answer_question("Why did the operator agree to hire a second crew?", ferry, [])
    assert got.answer == "keep the route open"


def test_how_fast_is_answered_with_a_speed(ferry: MemorySearch) -> None:
    assert answer_question("How fast were the gusts?", ferry, []).answer == "up to 60 miles per hour"


def test_how_old_a_thing_is(ferry: MemorySearch) -> None:
    assert answer_question("How old is the lighthouse?", ferry, []).answer == "200-year-old"


def test_what_was_promised_is_not_what_the_same_sentence_says_was_told(ferry: MemorySearch) -> None:
    got = answer_question("What did the minister promise the families?", ferry, [])
    assert got.answer == "a full public inquiry"


def test_when_something_is_expected_is_answered_from_a_sentence_looking_ahead(ferry: MemorySearch) -> None:
    got = answer_question("When are the divers expected to return?", ferry, [])
    assert got.answer == "this week, possibly as early as Thursday"


def test_an_ordinal_of_the_counted_noun_answers_how_many(ferry: MemorySearch) -> None:
    got = answer_question("How many visits to the wreck have the inspectors made?", ferry, [])
    assert got.answer == "fourth visit"


def test_what_majority_asks_for_a_number() -> None:
    search = MemorySearch()
    search.add("The final count gave the governing alliance a majority of 38 in the regional assembly.",
               source="vote-desk.example", title="Assembly result", day="2025-06-09", article=31)
    q = analyse("What's the size of the alliance's majority?")
    assert (q.kind, q.focus) == (Kind.COUNT, "majority")
    assert answer_question("What's the size of the alliance's majority?", search, []).answer == "38"


def test_who_is_scheduled_to_do_something_is_its_doer() -> None:
    search = MemorySearch()
    search.add("Chief inspector Mara Holt is due to travel to the harbour next week to press for repairs.",
               source="coast-desk.example", title="Inspector to visit", day="2025-04-03", article=32)
    question = "Which inspector was scheduled to visit the harbour to push for repairs?"
    assert analyse(question).role == "subj"
    assert answer_question(question, search, []).answer == "Mara Holt"


def test_people_a_disaster_killed_are_its_death_toll() -> None:
    search = MemorySearch()
    search.add("The governor declared an emergency after the landslide killed at least 23 people in the valley.",
               source="hill-desk.example", title="Landslide", day="2025-03-11", article=33)
    got = answer_question("What was the death toll when the governor declared an emergency?", search, [])
    assert got.answer == "at least 23 people"


def test_a_question_in_other_common_words_finds_the_sentence() -> None:
    search = MemorySearch()
    search.add("Some 8,000 commuters rely on the ferry link every day.",
               source="coast-desk.example", title="Ferry link", day="2025-04-04", article=34)
    assert answer_question("How many commuters depend on the ferry link?", search, []).answer == "Some 8,000 commuters"


def test_two_reasons_given_together_are_answered_one_at_a_time() -> None:
    search = MemorySearch()
    search.add("The regulator said the fine was deserved because the bank ignored repeated warnings, and because "
               "it misled customers about the fees.",
               source="money-desk.example", title="Bank fined", day="2025-02-14", article=35)
    got = answer_question("Why did the regulator think the fine was warranted?", search, [])
    assert got.answer == "because the bank ignored repeated warnings"


def test_who_said_it_is_doing_something_is_the_one_doing_it() -> None:
    search = MemorySearch()
    search.add("The Rail Accident Office (RAO) says it is opening an investigation into the signal failure.",
               source="rail-desk.example", title="Signal failure", day="2025-05-20", article=36)
    got = answer_question("Which office is investigating the signal failure?", search, [])
    assert got.answer == "Rail Accident Office"


def test_which_noun_offers_a_name_built_on_that_noun() -> None:
    search = MemorySearch()
    search.add("Thieves broke into the Ostvik Museum of Maritime History overnight and took two paintings.",
               source="crime-desk.example", title="Museum raid", day="2025-09-01", article=37)
    q = analyse("Which museum did the thieves break into?")
    from_sentence = [s.candidate.text for s in rank(q, retrieve(q, search, None, anchor_weights(q, search)))]
    assert "Ostvik Museum of Maritime History" in " | ".join(from_sentence)


def test_caught_and_detained_are_one_relation() -> None:
    search = MemorySearch()
    search.add("The two suspects were detained on Friday at a flat in Lowmere, a market town, police said.",
               source="crime-desk.example", title="Arrests", day="2025-09-03", article=38)
    assert answer_question("In which town were the suspects caught?", search, []).answer == "Lowmere"


def test_the_subject_of_two_joined_verbs_does_both() -> None:
    search = MemorySearch()
    search.add("Lena Marsh was named interim chief and will run the clinic until a new board is chosen.",
               source="health-desk.example", title="Clinic chief", day="2025-09-05", article=39)
    q = analyse("Who will run the clinic?")
    best = rank(q, retrieve(q, search, None, anchor_weights(q, search)))[0]
    assert best.candidate.text == "Lena Marsh" and accepted(q, best)


def test_which_newspaper_offers_the_name_right_after_the_noun() -> None:
    search = MemorySearch()
    search.add("The harbour master, Ilse Brand, told the regional daily Nordposten that the quay would reopen soon.",
               source="coast-desk.example", title="Quay", day="2025-06-02", article=40)
    assert answer_question("Which newspaper did Brand speak to?", search, []).answer == "Nordposten"


def test_a_phrasal_verb_in_the_question_matches_the_single_verb_of_the_text() -> None:
    search = MemorySearch()
    search.add("Detective Sergeant Rhea Moss, who is leading the inquiry, appealed for witnesses.",
               source="crime-desk.example", title="Appeal", day="2025-06-03", article=41)
    assert analyse("Which detective is in charge of the inquiry?").relation == "lead"
    assert "Rhea Moss" in (answer_question("Which detective is in charge of the inquiry?", search, []).answer or "")


def test_how_much_was_offered_may_be_a_percentage() -> None:
    search = MemorySearch()
    search.add("The operator said it had offered 6 percent and called the stoppage unnecessary.",
               source="rail-desk.example", title="Pay offer", day="2025-06-04", article=42)
    assert answer_question("How much did the operator offer?", search, []).answer == "6 percent"


def test_the_widened_query_holds_synonyms_not_made_up_words() -> None:
    _, wide = query_terms(analyse("When is the next round of talks?"))
    assert "meeting" in wide.split() and not any(w.startswith("next") for w in wide.split())


def test_how_long_something_takes_is_how_long_it_lasts() -> None:
    search = MemorySearch()
    search.add("The engineer said building work would last four years and create 900 jobs.",
               source="valley-desk.example", title="Dam plan", day="2025-06-05", article=43)
    assert answer_question("How long would construction take?", search, []).answer == "four years"


def test_who_runs_it_now_is_not_the_chief_placed_on_leave() -> None:
    search = MemorySearch()
    search.add("Omar Hale, the clinic's director, said the clinic would stay open.",
               source="health-desk.example", title="Clinic", day="2025-06-01", article=44)
    search.add("Clinic director Omar Hale has been placed on leave after the audit.\n"
               "Nina Park, his deputy, was named acting director and will run the clinic during the review.",
               source="health-desk.example", title="Clinic chief on leave", day="2025-06-09", article=45)
    assert answer_question("Who's running the clinic now?", search, []).answer == "Nina Park"


def test_a_question_about_what_someone_said_asks_about_the_clause_they_said() -> None:
    search = MemorySearch()
    search.add("Police in Velden said on Friday that a kitchen worker, Tomas Lind, had started the fire by accident.\n"
               "The restaurant will stay closed for a month, its owner Karin Sund said.",
               source="south-desk.example", title="Velden restaurant fire", day="2025-06-07", article=31)
    q = analyse("Who did police say started the fire?")
    assert (q.relation, q.role) == ("start", "subj")
    assert analyse("Which official said the fire was an accident?").relation == "say"
    assert answer_question("Who did police say started the fire?", search, []).answer == "Tomas Lind"


def test_a_compass_word_before_a_place_is_part_of_the_place() -> None:
    search = MemorySearch()
    search.add("Norway's prime minister, Lena Berg, announced on Monday night that the ferry Nordlys had ended its "
               "voyage in the eastern Baltic Sea.\nDivers from three countries joined the search on Tuesday.",
               source="north-desk.example", title="Ferry Nordlys lost", day="2025-06-02", article=12)
    assert answer_question("Where did Norway say the ferry ended its voyage?", search, []).answer == \
        "eastern Baltic Sea"


def test_a_count_of_one_nation_is_not_answered_with_everyone_on_board() -> None:
    search = reports(("2023-05-02", "The ferry sank off Kallo on Sunday, killing all 210 people on board, "
                                    "31 Norwegians among them."))
    assert answer_question("How many Norwegians died in the sinking?", search, []).answer == "31 Norwegians"
    whole = reports(("2023-05-02", "The ferry sank off Kallo on Sunday, killing all 210 people on board."))
    assert answer_question("How many Norwegian citizens died in the sinking?", whole, []).answer is None


def test_a_count_of_things_is_not_answered_with_a_count_of_people() -> None:
    search = reports(("2023-05-09", "Investigators said they had identified 40 people they want to question over the "
                                    "sinking of the Kallo ferry."))
    assert answer_question("How many pieces of the ferry did investigators find?", search, []).answer is None
    assert answer_question("How many suspects did investigators identify?", search, []).answer == "40 people"
