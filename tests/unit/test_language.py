"""The pipeline's stored reading of a sentence: quantities, dates, quotes, and the stored form."""

from datetime import date, datetime

from bot.understand.language.annotate import annotate_sentences
from bot.understand.language.annotation import Annotated
from bot.understand.language.dates import resolve
from bot.understand.language.model import MODEL_VERSION, english

SUNDAY = datetime(2024, 2, 11)


def one(text: str, published: datetime | None = SUNDAY) -> Annotated:
    return annotate_sentences([text], published)[0]


def test_a_number_carries_the_noun_it_counts():
    a = one("Qatar and Egypt mediate the release of the remaining 136 hostages held in Gaza.")
    assert [(q.value, q.noun) for q in a.quantities] == [(136, "hostage")]


def test_a_hyphenated_number_in_words_is_one_number():
    a = one("Ninety-eight people died when the tower partly collapsed, and twenty-one were hurt.")
    assert [(q.value, q.noun) for q in a.quantities][:1] == [(98, "people")]
    assert 21 in {q.value for q in a.quantities} and 90 not in {q.value for q in a.quantities}


def test_scaled_money_and_durations_get_value_and_unit():
    a = one("Donors pledged $2.5 billion last month for a six-week pause and a 45-minute call.")
    got = {(q.value, q.unit) for q in a.quantities}
    assert (2.5e9, "$") in got and (6, "week") in got and (45, "minute") in got


def test_money_written_with_its_scale_in_one_word_is_a_quantity():
    a = one("The break-up fee rises to as much as $4.5bn, and the buyer pledged £68.7bn in all.")
    assert {(q.value, q.unit) for q in a.quantities} == {(4.5e9, "$"), (68.7e9, "£")}


def test_relative_dates_resolve_against_publication():
    a = one("Burns met officials last month and is expected in Cairo as early as Tuesday.")
    days = {d.text: (d.first, d.last) for d in a.dates}
    assert days["last month"] == ("2024-01-01", "2024-01-31")
    assert ("2024-02-13", "2024-02-13") in days.values()


def test_weekday_in_past_tense_is_the_one_before_publication():
    assert resolve(["Friday"], SUNDAY.date(), ahead=False) == ("2024-02-09", "2024-02-09")
    assert resolve(["next", "week"], SUNDAY.date(), ahead=False) == ("2024-02-12", "2024-02-18")
    assert resolve(["June", "20"], SUNDAY.date(), ahead=False) == ("2023-06-20", "2023-06-20")


def test_a_date_looking_ahead_is_the_coming_one_and_a_report_of_the_past_the_last_one():
    a = one("The ministry said on Friday that the ruling due on 20 June would be delayed to 3 July.")
    days = {d.text: d.first for d in a.dates}
    assert days == {"Friday": "2024-02-09", "20 June": "2024-06-20", "3 July": "2024-07-03"}
    a = one("The commission is due to give its decision on the merger by 22 May.")
    assert [d.first for d in a.dates] == ["2024-05-22"]
    a = one("The minister defended the plan on Friday, and the budget of 2 January set off a row.")
    assert [d.first for d in a.dates] == ["2024-02-09", "2024-01-02"]  # a noun "plan" or "set off" looks back


def test_a_month_still_to_come_said_late_in_the_year_is_next_years():
    autumn = date(2025, 11, 3)
    assert resolve(["January"], autumn, ahead=True) == ("2026-01-01", "2026-01-31")
    assert resolve(["January"], autumn, ahead=False) == ("2025-01-01", "2025-01-31")


def test_a_date_an_event_was_put_off_or_pushed_back_to_is_still_to_come():
    assert [d.first for d in one("The court put off the hearing until 31 July.").dates] == ["2024-07-31"]
    assert [d.first for d in one("The launch was pushed back to 5 March, the agency said.").dates] == ["2024-03-05"]


def test_a_word_hyphened_into_a_persons_name_is_part_of_the_name_not_a_verb():
    won = next(t for t in one("Is Chung Hong-won still prime minister?").tokens if t.text == "won")
    assert (won.pos, won.lemma) == ("PROPN", "won")
    run = next(t for t in one("Hamas-run health authorities gave the toll.").tokens if t.text == "run")
    assert run.pos != "PROPN"


def test_a_quote_is_attributed_to_the_subject_of_its_speech_verb():
    a = one('"We will announce our position soon," Hamdan said.')
    assert [(q.text.rstrip(","), q.speaker) for q in a.quotes] == [("We will announce our position soon", "Hamdan")]


def test_stored_form_round_trips():
    a = one("Rear Admiral John Mauger of the US Coast Guard said on Monday that 96 hours of air remained.")
    b = Annotated.from_json(a.to_json())
    assert b is not None and b.text == a.text
    assert [(e.text, e.label) for e in b.entities] == [(e.text, e.label) for e in a.entities]
    assert b.quantities == a.quantities and b.dates == a.dates


def test_the_pinned_small_english_model_is_loaded_once():
    nlp = english()
    assert nlp is english()
    assert nlp.meta["version"] == MODEL_VERSION
    assert {"parser", "ner", "lemmatizer"} <= set(nlp.pipe_names)


def _post(text: str, name: str) -> frozenset[str] | None:
    from bot.understand.language.people import post_taken

    a = one(text)
    return post_taken(a, next(t.i for t in a.tokens if t.text == name))


def test_the_post_a_person_takes_is_read_from_the_clause():
    assert _post("Mira Kessel will take over as president and chief executive on 1 June.", "Kessel") == {
        "president", "executive"}
    assert _post("Board member Mira Kessel will become chairman of Drellco.", "Kessel") == {"chairman"}
    assert _post("It was the first report for Mira Kessel, who took over as chief executive in June.",
                 "Kessel") == {"executive"}
    assert _post("Harlan Voss was replaced by Kessel on Monday.", "Kessel") == frozenset()
    assert _post("Mira Kessel was not named chief executive on Monday.", "Kessel") is None
    assert _post("Mira Kessel chaired the meeting on Monday.", "Kessel") is None


def test_a_sum_with_a_currency_code_is_money():
    a = one("The Calder government will cover up to CHF9bn of losses, once Brenn Bank has absorbed the first "
            "CHF 5bn, and will lend 120 billion yen.")
    assert [(q.text, q.unit, q.value) for q in a.quantities] == [
        ("CHF9bn", "CHF", 9e9), ("CHF 5bn", "CHF", 5e9), ("120 billion yen", "JPY", 1.2e11)]


def test_a_number_before_a_compound_counts_the_compounds_head():
    a = one("Buses stood idle after about 2,300 transit workers and 40 police officers walked out.")
    assert [(q.value, q.noun) for q in a.quantities] == [(2300, "worker"), (40, "officer")]


def test_won_after_a_figure_is_the_korean_currency_and_before_one_the_verb():
    a = one("The police offered a reward of 500 million won for information, and Labour won 412 seats.")
    assert [(q.text, q.unit) for q in a.quantities] == [("500 million won", "KRW"), ("412", "")]


def test_dollars_named_by_their_country_are_money():
    a = one("The salvage firm could receive as much as 70 million US dollars if it finds the wreck.")
    assert [(q.value, q.unit) for q in a.quantities] == [(70_000_000, "$")]


def test_a_number_naming_one_of_a_kind_after_its_noun_counts_nothing():
    a = one("Hydrogen explosions hit units 1 and 3 at the Velden plant, and a fire broke out at unit 4.")
    assert a.quantities == []
    b = one("The strike hit 12 plants and 3 depots in Velden.")
    assert [(q.value, q.noun) for q in b.quantities] == [(12, "plant"), (3, "depot")]


def test_a_name_with_a_number_is_not_a_date_but_a_month_with_a_year_is():
    a = one("Passengers on Flight 1282 said the cabin of the Velden jet filled with wind.")
    assert not a.dates and all(e.label != "DATE" for e in a.entities)
    b = one("The talks in Velden resumed in Sept 2024.")
    assert [e.label for e in b.entities if e.text == "Sept 2024"] == ["DATE"]


def test_a_figure_a_tally_is_put_at_or_rises_to_counts_what_the_tally_counts():
    a = one("Officials put the number of Velden residents still living in shelters at 1,240.")
    assert [(q.value, q.noun) for q in a.quantities] == [(1240, "resident")]
    b = one("The number of people in shelters in Velden rose to 1,200 on Monday.")
    assert [(q.value, q.noun) for q in b.quantities] == [(1200, "people")]


def test_bare_numbers_the_tagger_took_for_a_date_are_counts_but_a_range_of_days_stays_a_date():
    a = one("The death toll has risen from 16 to 34.")
    assert [q.value for q in a.quantities] == [16, 34] and not a.dates
    assert [d.text for d in one("The talks ran from 16 to 18 May.").dates] == ["16 to 18 May"]
