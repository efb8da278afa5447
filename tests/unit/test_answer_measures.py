"""Figures for "how much": a measure of the asked noun, not one said not to hold, and a sum that
need not be called money."""

from __future__ import annotations

from bot.understand.answer import answer_question
from bot.understand.answer.question import Kind, analyse
from tests.support.memory_search import reports


def test_a_measure_of_something_else_does_not_answer_how_much_of_the_noun() -> None:
    search = reports(("2025-03-03", "Crews tried to cap the leaking fuel under a 40-ton concrete plug on Monday."),
                     ("2025-03-04", "Officials said about 12,000 litres of fuel had leaked into the harbour."))
    assert answer_question("How much fuel leaked?", search, []).answer == "about 12,000 litres"


def test_a_figure_said_not_to_hold_does_not_answer() -> None:
    search = reports(("2025-03-06", "The operator said about 6,000 tonnes had been stored in the silo, not the 9,000 "
                                    "tonnes of grain cited by officials."))
    assert answer_question("How much grain was stored in the silo?", search, []).answer == "about 6,000 tonnes"


def test_how_much_of_ones_own_money_needs_no_word_money_beside_the_sum() -> None:
    search = reports(("2025-03-01", "Karin Lund raised more bank loans for the purchase. Her own equity commitment "
                                    "rose to about $20 million, from about $15 million."),
                     ("2025-03-08", "Lund dropped the bank loan backed by her shares in May. That raised her own "
                                    "equity commitment to about $31 million."))
    reply = answer_question("How much of her own money is Lund now committing?", search, [])
    assert reply.answer == "about $31 million"


def test_a_price_per_share_is_not_answered_by_a_total_or_a_yearly_sum() -> None:
    search = reports(("2025-03-03", "Ola Berg did not say how he would pay for the deal, and most of his fortune of "
                                    "more than $2 billion is tied up in shipping."),
                     ("2025-03-04", "The company will have to pay more than $50 million a year in interest on the "
                                    "loans."),
                     ("2025-03-05", "Nordic Shipping's board agreed on Monday to sell the company to Ola Berg for "
                                    "about $4 billion, accepting his offer of $12.40 a share."))
    assert answer_question("What is Berg paying per share?", search, []).answer == "$12.40"


def test_the_whole_a_counted_part_is_taken_from_is_not_the_count() -> None:
    search = reports(("2025-03-03", "About 12 of the freight train's roughly 40 wagons left the track near Velden, "
                                    "officials at the scene said."))
    assert answer_question("How many wagons came off the track?", search, []).answer == "About 12"


def test_how_many_of_two_things_is_answered_with_both_counts() -> None:
    search = reports(("2025-03-03", "Officials said the search now involves 14 ships and 6 planes from four "
                                    "countries."))
    assert answer_question("How many ships and planes have joined the search?", search, []).answer == \
        "14 ships and 6 planes"


def test_how_many_of_two_things_is_not_answered_with_the_first_count_alone() -> None:
    search = reports(("2025-03-01", "About 40 ships and 34 aircraft from some 10 countries are taking part in the "
                                    "search, among them vessels from Italy and Greece."),
                     ("2025-03-09", "Before the shift, 43 ships and 58 aircraft from 14 countries had been involved in "
                                    "the search, according to the minister."))
    reply = answer_question("How many ships and planes were out looking before Malta gave up on the search?",
                            search, [])
    assert reply.answer == "43 ships and 58 aircraft", reply.text


def test_how_much_of_a_holding_is_answered_by_the_sum_of_it_sold() -> None:
    search = reports(("2025-04-02", "Ola Berg sold about $2.4 billion of Nordic Shipping shares this week to pay for "
                                    "the takeover."),
                     ("2025-04-03", "The shipping line carried about 1.2 million containers last year."))
    assert answer_question("How much Nordic Shipping stock has Berg sold?", search, []).answer == "about $2.4 billion"


def test_what_a_thing_ends_up_costing_is_a_sum() -> None:
    search = reports(("2025-04-02", "The harbour authority says the total cost of raising and scrapping the wreck "
                                    "will be about 800 million euros, the most ever spent on such work."),
                     ("2025-04-03", "The wreck lies on its side in about 30 metres of water off the island."))
    assert analyse("What will the whole salvage end up costing?").kind is Kind.MONEY
    reply = answer_question("What will raising the wreck end up costing?", search, [])
    assert reply.answer == "about 800 million euros"


def test_how_a_committee_split_is_answered_by_its_vote_tally() -> None:
    search = reports(("2025-04-02", "The city's planning committee approved the harbour plan 5-4 on Tuesday night, "
                                    "with two members from the port district voting against."))
    assert answer_question("How did the planning committee split on the harbour plan?", search, []).answer == "5-4"
    assert answer_question("What was the planning committee's vote on the harbour plan?", search, []).answer == "5-4"


def test_of_two_figures_in_one_sentence_the_one_beside_the_asked_person_answers() -> None:
    search = reports(("2025-03-03", "The court confirmed prison terms of up to 12 years for the 14 other crew "
                                    "members, including 10 years for the chief engineer."))
    assert answer_question("How long is the chief engineer going to prison for?", search, []).answer == "10 years"


def test_a_newer_count_of_other_people_does_not_replace_the_count_asked_for() -> None:
    search = reports(("2025-03-03", "By early afternoon on Wednesday, 17 of the 33 men had been brought up, "
                                    "officials said."),
                     ("2025-03-04", "The six rescuers who had gone down the shaft were then brought back up."))
    assert answer_question("How many of them have been brought up so far?", search, []).answer == "17"


def test_a_height_given_in_feet_answers_how_high_without_the_question_verb_in_the_sentence() -> None:
    search = reports(("2024-03-04", "On March 3 the panel came off the Skyline Air jet at roughly 16,000 feet over "
                                    "Idaho during a flight to Denver."))
    assert answer_question("How high was the jet flying when the panel came off?", search, []).answer == \
        "roughly 16,000 feet"


def test_how_much_of_a_substance_is_not_answered_by_a_depth_in_the_same_sentence() -> None:
    search = reports(("2010-05-02", "Federal officials estimate that about 3,000 barrels of oil a day are leaking from "
                                    "the Halvard well, which lies about 5,000 feet below the surface."))
    # (nor by the daily rate: the question asks how much in all)
    assert answer_question("How much oil leaked in all?", search, []).answer is None
