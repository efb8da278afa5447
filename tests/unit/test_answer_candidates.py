"""Typed candidate extractors (bot.understand.answer.candidates) and the word knowledge they use.

Each test annotates one sentence of our own the way ingest does, then calls one extractor, so a
failure names the extractor that broke.
"""

from __future__ import annotations

from datetime import datetime

from bot.understand.answer import candidates as C
from bot.understand.answer import places_times as PT
from bot.understand.answer import quantities as Q
from bot.understand.answer import statements as S
from bot.understand.answer.fits import shape
from bot.understand.answer.vocabulary import derivations, related
from bot.understand.language.annotate import annotate_sentences
from bot.understand.language.annotation import Annotated

MONDAY = datetime(2025, 3, 3)


def one(text: str) -> Annotated:
    return annotate_sentences([text], MONDAY)[0]


def texts(cands: list[C.Candidate]) -> list[str]:
    return [c.text for c in cands]


def test_entity_candidates_keep_coordinated_names_together() -> None:
    a = one("Norway and Chile have mediated the talks between the union and the port.")
    assert "Norway and Chile" in texts(C.entity_candidates(a, C.AGENT_LABELS))


def test_entity_candidates_skip_titles_tagged_as_names() -> None:
    a = one("Anna Berg, the CFO, resigned on Friday.")
    assert "CFO" not in texts(C.entity_candidates(a, C.AGENT_LABELS))


def test_place_candidates_are_places() -> None:
    a = one("The next round of talks will be held in Lisbon on Thursday.")
    got = texts(PT.place_candidates(a))
    assert "Lisbon" in got and "Thursday" not in got


def test_a_distance_and_bearing_from_a_place_say_where_exactly() -> None:
    assert "80 kilometres east of Velden" in texts(PT.place_candidates(one(
        "Its epicentre lay 80 kilometres east of Velden, the country's second city.")))
    assert "8 miles (13 km) north of Arlo" in texts(PT.place_candidates(one(
        "Searchers found the wreckage 8 miles (13 km) north of Arlo, high on a mountainside.")))
    assert "about 45 kilometres north of the city of Kessley" in texts(PT.place_candidates(one(
        "The mine lies about 45 kilometres north of the city of Kessley.")))


def test_a_word_narrowing_a_place_is_kept_with_its_name() -> None:
    assert "mainland China" in texts(PT.place_candidates(one("Most of the Velden Group's factories are in mainland "
                                                             "China.")))
    assert "rural Texas" in texts(PT.place_candidates(one("The storm cut power across rural Texas on Monday.")))


def test_date_candidates_name_days_not_durations() -> None:
    a = one("The strike began on Monday and has lasted six weeks.")
    got = texts(PT.date_candidates(a))
    assert "Monday" in got and "six weeks" not in got


def test_time_candidates_are_clock_times() -> None:
    a = one("The ferry left the quay at 6:10 pm on Sunday.")
    assert any("6:10" in t for t in texts(PT.time_candidates(a)))


def test_quantity_candidates_by_kind_with_approximators_and_counted_noun() -> None:
    a = one("The strike stranded more than 40 container ships and cost the port about $2.5 million.")
    counts = [(c.text, q.noun) for c, q in Q.quantity_candidates(a, frozenset(["count"]))]
    assert counts and counts[0][0] == "more than 40 container ships"
    money = texts([c for c, _ in Q.quantity_candidates(a, frozenset(["money"]))])
    assert money == ["about $2.5 million"]
    a = one("AAA said the average price of petrol had risen above $3.00 a gallon.")
    assert texts([c for c, _ in Q.quantity_candidates(a, frozenset(["money"]))]) == ["above $3.00"]


def test_quantity_kinds_separate_percent_duration_and_measure() -> None:
    a = one("About 60% of the crews worked 12 hours a day, 900 miles from port.")
    kinds = {Q.quantity_kind(a, q) for q in a.quantities}
    assert {"percent", "duration", "measure"} <= kinds


def test_age_candidates_take_the_number_beside_a_name() -> None:
    a = one("Union leader Marta Quintal, 47, said the offer was an insult.")
    assert texts(Q.age_candidates(a)) == ["47"]


def test_an_age_opening_the_sentence_is_its_subjects_age() -> None:
    a = one("At 39, Quintal is the youngest leader the dockers' union has had.")
    assert texts(Q.age_candidates(a)) == ["39"]
    assert texts(Q.age_candidates(one("At 10, the talks resumed in the port."))) == []


def test_quote_candidates_carry_their_speaker() -> None:
    a = one('"The offer is an insult to every family," Quintal said.')
    quotes = S.quote_candidates(a)
    assert quotes and quotes[0].text.startswith("The offer is an insult") and quotes[0].speaker == "Quintal"


def test_speech_candidates_are_what_was_said_not_who_heard_it() -> None:
    a = one("Brandt told the newspaper that the port would reopen next week.")
    got = texts(S.speech_candidates(a))
    assert any("the port would reopen" in t for t in got)
    assert "the newspaper" not in got


def test_reason_candidates_follow_because_and_due_to() -> None:
    a = one("The harbour stayed closed because the channel was blocked by a wreck.")
    assert any(t.startswith("because the channel was blocked") for t in texts(S.reason_candidates(a)))
    b = one("Inspectors could not reach the wreck because of the fighting between the two armies.")
    assert "because of the fighting between the two armies" in texts(S.reason_candidates(b))


def test_due_to_before_a_verb_is_a_plan_not_a_reason() -> None:
    a = one("The vote, which had been due to take place last week, was put off because of the protests.")
    assert texts(S.reason_candidates(a)) == ["because of the protests"]
    assert "due to the storm" in texts(S.reason_candidates(one("The ferry was cancelled due to the storm.")))


def test_described_gives_the_apposition_of_a_name() -> None:
    a = one("Tomas Brandt, the port director, declined to comment.")
    assert "port director" in " ".join(texts(C.described(a, 1)))


def test_title_words_include_a_relative_clause_and_a_title_run() -> None:
    a = one("Ines Carvalho, who heads the dockworkers' union, spoke to reporters.")
    words = {a.tokens[i].lemma for i in C.title_words(a, 0, 2)}
    assert "head" in words and "union" in words
    b = one("They met harbour police chief Anders Holm on Friday.")
    start = next(t.i for t in b.tokens if t.text == "Anders")
    assert "chief" in {b.tokens[i].lemma for i in C.title_words(b, start, start + 2)}


def test_derivations_link_doers_acts_and_synonyms() -> None:
    assert "mediator" in derivations("mediate") and "mediation" in derivations("mediate")
    assert related("head", "lead") and related("run", "head")
    assert not related("head", "ship")


def test_quantity_span_keeps_a_range_but_not_a_change_or_a_list() -> None:
    a = one("Officials said 35 to 40 hostages would be freed.")
    assert "35 to 40 hostages" in texts([c for c, _ in Q.quantity_candidates(a, frozenset(["count"]))])
    change = one("The toll of missing people fell from 410 to 385 on Friday.")
    got = texts([c for c, _ in Q.quantity_candidates(change, frozenset(["count"]))])
    assert "385" in got and not any("410 to 385" in t for t in got)
    b = one("The party won 411 seats, or 63.7 per cent of the seats.")
    assert "63.7 per cent" in texts([c for c, _ in Q.quantity_candidates(b, frozenset(["percent"]))])


def test_partitive_counts_keep_their_noun() -> None:
    a = one("Only 58 of the island's 70 sirens worked in the test.")
    nouns = {q.noun for q in a.quantities}
    assert "siren" in nouns


def test_one_of_a_group_is_membership_not_a_count() -> None:
    a = one("Rayner is one of a record 11 women in the 25-strong cabinet.")
    got = texts([c for c, _ in Q.quantity_candidates(a, frozenset(["count"]))])
    assert "one" not in got and any("11 women" in t for t in got)


def test_a_place_a_person_s_name_was_set_beside_is_not_that_person() -> None:
    a = annotate_sentences(["Hours before he landed, Velden's ambassador to Norway, Mustafa Aden, was named "
                            "prime minister-designate with the backing of 90 of the 128 members of parliament."],
                           None)[0]
    norway = next(t.i for t in a.tokens if t.text == "Norway")
    aden = next(t.i for t in a.tokens if t.text == "Aden")
    assert shape(a, C.Candidate(norway, norway + 1, "Norway", norway, 1.0)) < 0
    assert shape(a, C.Candidate(aden - 1, aden + 1, "Mustafa Aden", aden, 1.0)) == 0


def test_an_ordinal_counts_its_noun_unless_the_pair_labels_another_thing() -> None:
    trips = Q.ordinal_counts(one("Blinken arrived in Cairo on his sixth trip to the region since October."), "trip")
    assert [c.text for c in trips] == ["sixth trip"]
    assert Q.ordinal_counts(one("The fire started in a fourth-floor flat of the Velden tower."), "floor") == []


def test_an_ordinal_placing_something_in_an_order_counts_nothing() -> None:
    assert Q.ordinal_counts(one("The fire started in a flat on the fourth floor of the Velden tower."), "floor") == []
    visits = Q.ordinal_counts(one("Berg came back for the third time on Friday."), "time")
    assert [c.text for c in visits] == ["third time"]


def test_an_article_before_a_figure_in_digits_is_the_noun_s_not_the_figure_s() -> None:
    a = one("The crew tried to trap the oil under a 98-ton steel dome off Velden.")
    q = next(x for x in a.quantities if x.value == 98)
    start, _, _ = Q.quantity_span(a, q)
    assert a.tokens[start].text == "98"
    a = one("Nearly a million people left Velden.")
    q = a.quantities[0]
    start, _, _ = Q.quantity_span(a, q)
    assert a.tokens[start].lower == "nearly"


def test_a_name_its_apposition_calls_a_business_is_an_organisation_whatever_its_tag() -> None:
    a = one("The dredger Nordlys is owned by Transvaria, the region's largest dredging contractor, and was leased "
            "to the port company Velport.")
    assert "Transvaria" in texts(C.described_as(a, C.COMPANY_KINDS, C.ORG_LABELS | C.PERSON_LABELS))
    assert "Nordlys" not in texts(C.described_as(a, C.COMPANY_KINDS, C.ORG_LABELS | C.PERSON_LABELS))


def test_close_to_stays_with_its_figure_but_rose_to_does_not() -> None:
    a = one("The scandal has now cost the carmaker close to 30 billion euros.")
    assert "close to 30 billion euros" in texts([c for c, _ in Q.quantity_candidates(a, frozenset(["money"]))])
    b = one("The toll rose to 31 on Friday.")
    assert "to 31" not in " ".join(texts([c for c, _ in Q.quantity_candidates(b, frozenset(["count"]))]))


def test_a_title_run_before_a_persons_name_is_named_with_it_never_alone() -> None:
    a = one("Brigadier General Tomas Okafor announced that the rescue work in Velden was over.")
    assert [c.text for c in C.proper_name_candidates(a, 1.0)] == ["Brigadier General Tomas Okafor"]


def test_a_count_listed_with_another_is_taken_with_it_however_the_parser_joins_them() -> None:
    a = one("About 40 ships and 34 aircraft from some 10 countries are taking part in the search.")
    single = next(c for c, q in Q.quantity_candidates(a, frozenset(["count"])) if q.noun == "ship")
    joint = Q.joint_count(a, single)
    assert joint is not None and joint.text == "About 40 ships and 34 aircraft"
