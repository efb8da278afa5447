"""Figures given per day or per head, and days that only date a statement: rules of English news the
answerer applies so that a rate is not offered as a total and "X said on Sunday" is not when X happens.

Each test uses invented sentences (no eval set's wording) and shows the answer an editor would get.
"""

from __future__ import annotations

import pytest

from bot.understand.answer import answer_question
from bot.understand.answer.question import Kind, analyse
from tests.support.memory_search import MemorySearch, reports


@pytest.fixture(scope="module")
def lockout() -> MemorySearch:
    s = MemorySearch()
    s.add(
        "The Dorrin Harbour lockout is costing shippers about $4 million a day in idle cargo, the port council "
        "estimated.\n"
        "Members of the dockers' guild backed the settlement by 900 votes to 120, the guild said late on "
        "Friday.\n"
        "The dockers' guild will hold a second vote on Monday and Tuesday, with the count due on Tuesday night.",
        source="quay-desk.example", title="Dock lockout", day="2025-06-05", article=31)
    return s


def test_a_figure_per_day_is_not_given_as_a_total(lockout: MemorySearch) -> None:
    assert answer_question("What was the total cost of the lockout to shippers?", lockout, []).answer is None


def test_a_figure_per_day_is_not_given_for_a_cost_over_years(lockout: MemorySearch) -> None:
    assert answer_question("How much will the lockout cost shippers over two years?", lockout, []).answer is None


def test_a_figure_per_day_answers_a_question_about_a_day(lockout: MemorySearch) -> None:
    got = answer_question("How much is the lockout costing shippers a day?", lockout, [])
    assert got.answer == "about $4 million a day"


def test_the_day_a_result_was_announced_is_not_the_day_of_the_vote(lockout: MemorySearch) -> None:
    got = answer_question("When are the guild's members voting?", lockout, [])
    assert got.answer == "Monday and Tuesday"


@pytest.fixture(scope="module")
def bridge() -> MemorySearch:
    s = MemorySearch()
    s.add(
        "Transport Minister Edda Lorne said on Tuesday that her department had opened an inquiry into the "
        "collapse of the Vell bridge.\n"
        "Engineers said the cables pointed to years of neglect.",
        source="river-desk.example", title="Bridge inquiry", day="2025-03-04", article=41)
    return s


def test_a_verb_with_its_object_in_the_question_leaves_no_gap(bridge: MemorySearch) -> None:
    got = answer_question("What did the minister say about opening an inquiry?", bridge, [])
    assert got.answer is not None and "opened an inquiry" in got.answer


def test_a_verb_without_its_object_leaves_the_gap_to_fill(bridge: MemorySearch) -> None:
    got = answer_question("What did engineers say the cables pointed to?", bridge, [])
    assert got.answer == "years of neglect"


@pytest.fixture(scope="module")
def refinery() -> MemorySearch:
    s = MemorySearch()
    s.add("Three crew members were killed and 14 other people were treated for burns after an explosion at "
          "the Dravik refinery on Friday.", source="gulf-desk.example", title="Refinery blast", day="2025-02-07",
          article=51)
    s.add("A welder hurt in the Dravik refinery explosion has died, raising the death toll from the blast to "
          "four, the regional hospital said.", source="gulf-desk.example", title="Toll rises", day="2025-02-10",
          article=52)
    return s


def test_people_counted_by_another_verb_are_not_the_dead(refinery: MemorySearch) -> None:
    got = answer_question("How many people have died in the Dravik refinery explosion?", refinery, [])
    assert got.answer == "four"


@pytest.fixture(scope="module")
def walkout() -> MemorySearch:
    s = MemorySearch()
    s.add("Clinics across the Orvel district closed on Monday after about 1,200 nurses went on strike, leaving "
          "thousands of patients without appointments.", source="health-desk.example", title="Nurses strike",
          day="2025-09-01", article=61)
    s.add("Around 1,350 nurses took part in the walkout, according to their union.", source="health-desk.example",
          title="Orvel strike grows", day="2025-09-03", article=62)
    return s


def test_a_present_tense_figure_comes_from_the_newest_source(walkout: MemorySearch) -> None:
    got = answer_question("How many Orvel nurses are out on strike?", walkout, [])
    assert got.answer == "Around 1,350 nurses"
    assert "1,200" in got.text  # the older figure is named with its source


def test_a_number_that_ends_a_name_stays_with_it() -> None:
    s = MemorySearch()
    s.add("Crane operators represented by Dock Workers Union Local 77 refused to unload ships on Monday.",
          source="quay-desk.example", title="Cranes idle", day="2025-06-02", article=71)
    got = answer_question("Which union represents the crane operators?", s, [])
    assert got.answer == "Dock Workers Union Local 77"


def test_where_in_a_place_is_a_part_of_it_not_the_town_it_is_in() -> None:
    s = MemorySearch()
    s.add("The fire at the Tervik grain warehouse started late on Friday in the warehouse's loading bay.\n"
          "The Tervik grain warehouse stands on the edge of Tervik.",
          source="plains-desk.example", title="Warehouse fire", day="2025-08-02", article=81)
    got = answer_question("Where in the warehouse did the fire start?", s, [])
    assert got.answer == "warehouse's loading bay"


def test_a_copular_question_is_about_its_head_noun_and_the_type_its_compound_names() -> None:
    assert analyse("When is the safety board hearing?").relation == "hearing"
    assert analyse("What was the council's vote on the permit?").relation == "vote"
    q = analyse("What was the final turnout figure?")
    assert (q.kind, q.focus) == (Kind.PERCENT, "turnout")


@pytest.fixture(scope="module")
def ferries() -> MemorySearch:
    s = MemorySearch()
    s.add("The Skarn Ferry Board appointed Oda Brenning on Tuesday to mediate the pay dispute.\n"
          "The harbour ferries came back into service on Friday after inspections.\n"
          "The night ferries are scheduled to return on Sunday.",
          source="fjord-desk.example", title="Ferry dispute", day="2025-10-07", article=91)
    return s


def test_a_phrasal_verb_in_the_question_is_read_as_the_verb_news_copy_uses(ferries: MemorySearch) -> None:
    got = answer_question("Who has been brought in to mediate the pay dispute?", ferries, [])
    assert got.answer == "Oda Brenning"


def test_a_phrasal_verb_in_the_text_answers_the_single_verb(ferries: MemorySearch) -> None:
    got = answer_question("When did the harbour ferries return?", ferries, [])
    assert got.answer == "Friday (3 October 2025)"


def test_scheduled_to_return_is_a_question_about_returning() -> None:
    assert analyse("When are the night ferries scheduled to return?").relation == "return"


@pytest.fixture(scope="module")
def relief() -> MemorySearch:
    s = MemorySearch()
    s.add("Velder Mining set up a $2 million relief fund for families near the collapsed tailings dam.",
          source="ore-desk.example", title="Dam collapse", day="2025-04-01", article=101)
    s.add("The company raised its relief fund to $7 million from $2 million after protests in Osk.\n"
          "Ferries across the lake will be free until Friday, April 11, the county said.",
          source="ore-desk.example", title="Velder raises its fund", day="2025-04-04", article=102)
    return s


def test_how_big_a_fund_is_asks_for_money_and_the_raised_figure_leads(relief: MemorySearch) -> None:
    got = answer_question("How big is Velder's relief fund now?", relief, [])
    assert got.answer == "$7 million"


def test_how_long_a_state_lasts_may_be_answered_by_when_it_ends(relief: MemorySearch) -> None:
    got = answer_question("How long will the ferries be free?", relief, [])
    assert got.answer == "until Friday, April 11"


@pytest.fixture(scope="module")
def guild() -> MemorySearch:
    s = MemorySearch()
    s.add("Guild president Ines Marr said her members would vote on Friday.\n"
          "Norvian President Teodor Halle met the Norvian customs chief, Piet Oster, in Brell on Monday.",
          source="port-desk.example", title="Guild vote", day="2025-05-05", article=111)
    return s


def test_a_president_of_the_body_asked_about_leads_it(guild: MemorySearch) -> None:
    assert answer_question("Who leads the guild?", guild, []).answer == "Ines Marr"


def test_a_title_of_something_else_does_not_lead_what_is_asked(guild: MemorySearch) -> None:
    assert answer_question("Who heads Norvian customs?", guild, []).answer != "Teodor Halle"


def test_the_noun_naming_the_answer_type_need_not_be_in_the_sentence() -> None:
    s = MemorySearch()
    s.add("The order was lifted at 6 am, after inspectors found no cracks in the bridge's cables, a city "
          "engineer told reporters outside the town hall.",
          source="city-desk.example", title="Bridge reopens", day="2025-11-03", article=121)
    assert answer_question("What time was the order lifted?", s, []).answer == "6 am"


def test_people_doing_what_is_asked_may_be_the_noun_asked_about() -> None:
    s = MemorySearch()
    s.add("About 40,000 people cross the Tarn ferry link on a busy summer day.",
          source="coast-desk.example", title="Ferry link", day="2025-07-03", article=131)
    assert answer_question("How many passengers cross the ferry link on a summer day?", s, []).answer == \
        "About 40,000 people"


def test_a_person_named_by_surname_alone_is_the_person_asked_about() -> None:
    s = MemorySearch()
    s.add("Defence lawyers for Marta Keller questioned the harbour master on Monday.\n"
          "The testimony of Keller, 41, lasted most of the afternoon.",
          source="court-desk.example", title="Harbour trial", day="2025-10-14", article=141)
    assert answer_question("How old is Marta Keller?", s, []).answer == "41"


def test_seats_another_party_is_forecast_to_win_are_not_the_party_asked_about() -> None:
    s = MemorySearch()
    s.add("The Harbour Party, led by Ilse Brant, is forecast to win 14 seats in the Norvik assembly.",
          source="vote-desk.example", title="Norvik poll", day="2025-05-01", article=151)
    assert answer_question("How many Green seats is the Norvik poll forecasting?", s, []).answer is None


def test_what_someone_reckons_a_thing_costs_is_a_sum() -> None:
    assert analyse("What does the hotel association think the blockade is costing hotels?").kind is Kind.MONEY
    s = MemorySearch()
    s.add("The Orla hotel association estimated that the blockade was costing hotels about €2 million a week "
          "in cancelled bookings.", source="alps-desk.example", title="Blockade", day="2025-02-11", article=161)
    got = answer_question("What does the hotel association think the blockade is costing hotels?", s, [])
    assert got.answer == "about €2 million a week"


def test_a_name_that_starts_with_a_kind_of_the_noun_asked_for_is_offered() -> None:
    s = MemorySearch()
    s.add("Hurricane Lenna flattened the harbour wall at Corrin on Sunday night.",
          source="storm-desk.example", title="Harbour wall", day="2025-09-15", article=171)
    assert answer_question("Which storm flattened the harbour wall at Corrin?", s, []).answer == "Hurricane Lenna"


def test_the_dead_identified_are_the_victims_identified() -> None:
    s = MemorySearch()
    s.add("So far 31 of the dead have been formally identified, the coroner in Velm said.",
          source="quake-desk.example", title="Velm quake", day="2025-03-22", article=181)
    assert answer_question("How many victims have been identified in Velm?", s, []).answer == "31"


def test_a_question_word_said_another_way_in_the_sentence_before_supports_the_answer() -> None:
    s = MemorySearch()
    s.add("Rescue teams widened the hunt for the missing trawler off Vask on Monday.\n"
          "The Norvik Coast Guard is leading it, with help from two navy ships.",
          source="sea-desk.example", title="Trawler missing", day="2025-01-13", article=191)
    assert answer_question("Who is leading the search for the missing trawler?", s, []).answer == \
        "Norvik Coast Guard"


def test_an_acronym_the_tagger_did_not_call_a_name_is_still_spelled_out() -> None:
    s = MemorySearch()
    s.add("Deputy Prime Minister Oskar Lind chaired the Varn cabinet meeting on Monday.",
          source="gov-desk.example", title="Cabinet", day="2025-06-02", article=201)
    assert answer_question("Who is the Varn deputy PM?", s, []).answer == "Oskar Lind"


def test_how_much_money_does_not_need_the_word_money() -> None:
    assert [x.lemma for x in analyse("How much money has the council set aside?").anchors] == ["council", "set"]


def test_when_the_next_meeting_is_is_not_answered_by_when_they_last_met() -> None:
    s = MemorySearch()
    s.add("Negotiators for the dockers and the port authority met on Thursday at the Dorrin town hall.",
          source="quay-desk.example", title="Port talks", day="2025-06-06", article=211)
    assert answer_question("When is the next meeting at the Dorrin town hall?", s, []).answer is None


def test_a_date_on_the_asked_verb_beats_a_date_on_another_verb() -> None:
    assert analyse("When is the council's review due to report?").relation == "report"
    s = MemorySearch()
    s.add("Mayor Ilka Dorn said the review she ordered on Monday would look at the harbour accounts.\n"
          "Mayor Ilka Dorn said the council's own review, which is also examining the harbour accounts, would "
          "report by the end of March.", source="town-desk.example", title="Harbour review", day="2025-01-15",
          article=221)
    assert answer_question("When is the council's review due to report?", s, []).answer == "the end of March"


@pytest.fixture(scope="module")
def quarry() -> MemorySearch:
    s = MemorySearch()
    s.add("Nine people were killed when the Tolle quarry wall collapsed on May 4.\n"
          "It was the worst quarry accident in the region since 1987, when 12 people died in a blast at Vorn.",
          source="hill-desk.example", title="Quarry collapse", day="2025-05-12", article=231)
    s.add("Officials have corrected the death toll from the Tolle quarry collapse to eight people, saying one "
          "victim had been counted twice.", source="hill-desk.example", title="Toll corrected", day="2025-05-20",
          article=232)
    return s


def test_a_figure_its_clause_dates_decades_back_is_not_the_story_figure(quarry: MemorySearch) -> None:
    assert answer_question("How many people died in the quarry collapse?", quarry, []).answer != "12 people"


def test_a_corrected_figure_is_the_one_that_stands(quarry: MemorySearch) -> None:
    assert answer_question("How many people died in the quarry collapse?", quarry, []).answer == "eight people"


def test_an_increment_is_not_the_count_and_the_total_it_brings_is() -> None:
    search = MemorySearch()
    search.add("On Friday Norvia Bank said it had found 1.2 million more customers whose account numbers had "
               "been taken, bringing the total to 9.6 million.", source="desk.example", title="Report",
               day="2025-06-02", article=301)
    assert answer_question("How many customers had account numbers taken?", search, []).answer == "9.6 million"
    search = MemorySearch()
    search.add("Norvia Bank said on Friday that hackers had reached the accounts of 1.2 million more customers "
               "than it first thought.", source="desk.example", title="Report", day="2025-06-02", article=301)
    assert answer_question("How many customers had their accounts reached by hackers?", search, []).answer is None
    assert answer_question("How many more customers did hackers reach than Norvia first thought?",
                           search, []).answer == "1.2 million"


def test_another_batch_of_layoffs_is_not_the_number_laid_off() -> None:
    search = MemorySearch()
    search.add("Brenn Motors said on Tuesday that it had laid off another 330 workers at its stamping plant.",
               source="desk.example", title="Report", day="2025-06-02", article=301)
    search.add("Brenn Motors said on Friday that it had laid off about 90 more workers at its engine plant.",
               source="desk.example", title="Report", day="2025-06-03", article=302)
    assert answer_question("How many workers has Brenn Motors laid off?", search, []).answer is None


def test_the_figure_a_change_started_from_is_not_the_level_now() -> None:
    search = MemorySearch()
    search.add("Lenders borrowed $41bn at the Velden discount window in the week to Wednesday.",
               source="desk.example", title="Lending", day="2025-03-17", article=301)
    search.add("Discount window borrowing in Velden fell to $30.2bn, from a record $52.85bn a week earlier.",
               source="desk.example", title="Lending", day="2025-03-24", article=302)
    got = answer_question("How much are lenders borrowing at the Velden discount window at the last count?", search, [])
    assert got.answer == "$30.2bn"


def test_a_rate_after_what_the_figure_is_of_does_not_answer_a_total() -> None:
    search = MemorySearch()
    search.add("Officials estimate that about 5,000 barrels of oil a day are leaking from the Velden well.",
               source="desk.example", title="Velden well", day="2025-05-01", article=901)
    search.add("Scientists said the Velden well had spilled about 2 million barrels of oil since April.",
               source="desk.example", title="Velden well", day="2025-06-01", article=902)
    assert answer_question("How much oil has the Velden well spilled in all?", search, []).answer == \
        "about 2 million barrels"
    got = answer_question("How much oil has leaked from the Velden well in all?", search, [])
    assert got.answer is None or "5,000" not in got.answer


def test_so_far_is_answered_by_the_running_total_not_the_count_of_one_protest() -> None:
    search = reports(("2020-01-02", "About 400 people were arrested at a New Year's Day rally in the old town, "
                                    "where police used pepper spray."),
                     ("2020-01-02", "The arrests take the total to about 7,000 since the unrest began in June."))
    assert answer_question("How many people have been arrested over the unrest so far?", search, []).answer == \
        "about 7,000"


def test_so_far_is_not_answered_by_a_count_told_of_one_day() -> None:
    search = reports(("2021-10-15", "Six people were killed in clashes on Thursday when gunfire broke out at a "
                                    "protest."),
                     ("2021-10-14", "At least 40 people have been killed in clashes since the protests began in "
                                    "March."))
    assert answer_question("How many people have been killed in the clashes so far?", search, []).answer == \
        "At least 40 people"


def test_when_will_is_not_answered_by_a_day_before_the_report() -> None:
    search = reports(("2023-10-10", "Velloria moved much of its desert force to Kandar after its troops were forced "
                                    "out of Osmar last year."))
    assert answer_question("When will Velloria have all its troops out of Kandar?", search, []).answer is None


def test_a_figure_given_as_a_rate_is_answered_with_its_period() -> None:
    search = reports(("2014-07-18", "Under the extension Tehran would get about $700 million a month in sanctions "
                                    "relief while the talks continue."))
    assert answer_question("How much sanctions relief is Tehran getting while the talks go on?", search,
                           []).answer == "about $700 million a month"
