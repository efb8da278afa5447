"""An open "what" question that still names its answer's type: a measure ("the speed limit", "the
deepest channel"), a sum ("what are they worth", "what value of goods", "the hourly rate"), a pay
rise behind a noun used as an adjective ("what minimum pay increase"), and "what is X after" as
what X is seeking."""

from __future__ import annotations

from bot.understand.answer import answer_question
from bot.understand.answer import weights as W
from bot.understand.answer.fits import speaker_fit
from bot.understand.answer.question import Kind, analyse
from bot.understand.answer.retrieve import anchor_weights, retrieve
from bot.understand.answer.score import rank
from bot.understand.answer.statements import quote_candidates
from tests.support.memory_search import MemorySearch, reports


def _one(sentence: str, question: str) -> str | None:
    search = MemorySearch()
    search.add(sentence, source="desk.example", title="Report", day="2025-06-02", article=301)
    return answer_question(question, search, []).answer


def test_a_speed_limit_is_answered_with_a_speed() -> None:
    got = _one("The tram left the rails on a bend near Orlen Square that has a speed limit of 40 km/h, "
               "inspectors said on Monday.", "What is the speed limit on the bend near Orlen Square?")
    assert got == "40 km"


def test_the_deepest_channel_is_answered_with_a_depth() -> None:
    got = _one("The temporary channel past the wreck, 300 feet wide and 35 feet deep, opened to barges on Friday.",
               "What's the deepest channel past the wreck that barges can use?")
    assert got == "35 feet"


def test_what_things_are_worth_asks_for_a_sum() -> None:
    got = _one("Insurers now put the value of the paintings taken from the Halden gallery at 2.4 million euros.",
               "What are the paintings taken from the Halden gallery worth?")
    assert got == "2.4 million euros"


def test_what_value_of_goods_asks_for_a_sum() -> None:
    got = _one("Each day the port stayed shut held up an estimated $310 million of goods, the chamber of "
               "commerce said.", "What value of goods did each day of the port closure hold up?")
    assert got is not None and "$310 million" in got


def test_what_an_hourly_rate_will_reach_is_a_sum() -> None:
    assert analyse("What will the top hourly rate at Brenn Motors reach?").kind is Kind.MONEY
    got = _one("Under the deal the top hourly rate at Brenn Motors will rise to $38 an hour by 2027, "
               "the union said.", "What will the top hourly rate at Brenn Motors reach?")
    assert got == "$38 an hour"


def test_a_deadline_is_a_date_and_aid_a_sum() -> None:
    assert analyse("What's the deadline for closing the Brenn Motors sale?").kind is Kind.DATE
    assert analyse("How much aid has the Calder council committed?").kind is Kind.MONEY


def test_a_noun_used_as_an_adjective_does_not_hide_the_pay_rise() -> None:
    q = analyse("What minimum pay increase do nurses get under the Calder deal?")
    assert q.kind is Kind.PERCENT and q.focus == "increase"


def test_what_a_union_is_after_is_what_it_is_seeking() -> None:
    got = _one("The Calder nurses' union is seeking a pay rise of 14% over three years, its leaders said.",
               "How large a wage increase is the Calder nurses' union after?")
    assert got == "14%"


def test_which_series_is_answered_with_the_name_after_its_kind() -> None:
    got = _one("Filming of several shows has stopped, and the makers of the Lumen drama Quiet Harbour said work "
               "on its final season could not go on.", "Which Lumen series had to halt work on its final season?")
    assert got == "Quiet Harbour"


def test_lorries_are_trucks() -> None:
    got = _one("The first aid convoy crossed into Velden on Thursday with six trucks of tents and blankets.",
               "How many lorries were in the first aid convoy into Velden?")
    assert got == "six trucks"


def test_what_the_doer_said_while_acting_is_its_reason() -> None:
    got = _one("The coastguard called off the search for the Velden trawler on Tuesday, saying that after two "
               "days in the storm there was no longer any chance of finding the crew alive.",
               "Why did the coastguard call off the search for the Velden trawler?")
    assert got is not None and got.startswith("after two days in the storm there was no longer any chance")


def test_what_a_contract_was_worth_is_a_sum_when_worth_ends_the_question() -> None:
    got = _one("It emerged on Monday that the ministry had handed Credifax a contract worth $4.1 million to "
               "check the identities of claimants.", "What was the ministry contract with Credifax worth?")
    assert got == "$4.1 million"


def test_the_lowest_a_figure_has_gone_asks_for_the_figure() -> None:
    got = _one("The krona fell to a record low of 11.92 to the euro on Tuesday, traders in Stockholm said.",
               "What's the lowest the krona has gone against the euro?")
    assert got == "11.92"


def test_what_a_rate_was_running_at_asks_for_the_rate() -> None:
    got = _one("Figures showed on Thursday that inflation in Norland had reached 8.4% in March, "
               "the highest in 30 years.", "What was inflation in Norland running at in March?")
    assert got == "8.4%"


def test_how_big_a_fund_is_may_be_a_sum_but_not_a_count_of_funds() -> None:
    got = _one("The Calder council now runs three relief funds; the biggest, set up after the floods, holds "
               "4.5 million euros.", "How big is the Calder flood fund?")
    assert got is None or "three" not in got
    assert _one("Officials said the Calder relief effort had grown to 4.5 million euros by Friday.",
                "How big is the Calder relief effort?") == "4.5 million euros"


def test_how_big_a_premium_is_a_percentage() -> None:
    got = _one("Brenn's offer values each share at a premium of about 45% to Friday's close, analysts said.",
               "How big a premium is Brenn's offer over Friday's close?")
    assert got == "about 45%"


def test_what_something_cost_to_build_asks_for_a_sum() -> None:
    assert analyse("What did the drone base near Arlit cost to build?").kind is Kind.MONEY


def test_the_latest_on_how_much_asks_the_inner_question_about_now() -> None:
    q = analyse("What's the latest on how much lenders have borrowed from the Calder emergency facility?")
    assert q.kind is Kind.MONEY and q.latest
    got = _one("Lenders have borrowed about $41bn from the Calder emergency facility, figures showed on Thursday.",
               "What's the latest on how much lenders have borrowed from the Calder emergency facility?")
    assert got == "about $41bn"


def test_a_total_sum_is_a_sum_not_a_count() -> None:
    assert analyse("What was the Brenn Motors chief's total compensation for 2024?").kind is Kind.MONEY
    got = _one("The Brenn Motors chief's total compensation for 2024 came to $7.3m, including 40 share awards.",
               "What was the Brenn Motors chief's total compensation for 2024?")
    assert got == "$7.3m"


def test_an_estimate_asks_for_a_figure_of_any_kind() -> None:
    assert analyse("What limit have the Brenn owners asked the court to put on their liability?").also
    got = _one("Engineers now put the cost of rebuilding the Orlen viaduct at between $1.1bn and $1.3bn.",
               "What is the latest estimate for rebuilding the Orlen viaduct?")
    assert got is not None and "$1.1bn" in got


def test_which_serving_official_asks_for_a_person_whatever_the_verb() -> None:
    q = analyse("Which serving minister did the Calder prosecutor charge?")
    assert q.kind is Kind.PERSON and q.focus == "minister"


def test_how_much_of_an_owners_debt_asks_for_a_sum() -> None:
    q = analyse("How much of Brenn Capital's bond debt was written off?")
    assert q.kind is Kind.MONEY and q.focus == "debt"


def test_what_someone_was_paid_is_a_sum_never_a_percentage() -> None:
    got = _one("The Brenn Bank chairman was paid about 40% more last year, although the bank's shares fell.",
               "How much was the Brenn Bank chairman paid last year?")
    assert got is None


def test_how_someone_summed_something_up_asks_for_their_words() -> None:
    q = analyse("How did Ostrova sum up her talks with the mine owners?")
    assert q.kind is Kind.QUOTE and not q.speaker_group
    got = _one("The labour minister, Dana Ostrova, held talks in Velden with the mine owners that she described "
               "as \"tense but useful\".", "How did Ostrova sum up her talks with the mine owners?")
    assert got == "tense but useful"


def test_a_speaker_named_with_a_who_clause_or_earlier_in_the_sentence_is_credited() -> None:
    search = MemorySearch()
    search.add("Mayor Ilse Brandt, who opened the Velden shelter, said of the volunteers: \"They kept this town "
               "alive.\"", source="desk.example", title="Report", day="2025-06-02", article=301)
    search.add("Ilse Brandt toured the Velden shelter with officials that she later described as \"worn out\".",
               source="desk.example", title="Report", day="2025-06-03", article=302)
    q = analyse("What did Mayor Brandt say about the Velden shelter?")
    fits = {c.text: speaker_fit(q, ev, c) for ev in retrieve(q, search, None, anchor_weights(q, search))
            for c in quote_candidates(ev.parsed)}
    assert fits == {"They kept this town alive": W.QUOTE_SPEAKER, "worn out": W.QUOTE_SPEAKER * W.PRONOUN_SPEAKER}


def test_a_sum_with_a_currency_code_answers_how_much_and_is_no_one() -> None:
    sentence = ("The Calder government will cover up to CHF9bn of losses on some Brenn Bank assets, once Ostra "
                "Bank has absorbed the first CHF5bn.")
    assert _one(sentence, "How much of the Brenn Bank losses will the Calder government cover?") == "up to CHF9bn"

    search = MemorySearch()
    search.add(sentence, source="desk.example", title="Report", day="2025-06-02", article=301)
    q = analyse("Who will absorb the first losses on the Brenn Bank assets?")
    offered = {s.candidate.text for s in rank(q, retrieve(q, search, None, anchor_weights(q, search)))}
    assert "Ostra Bank" in offered and not any("CHF" in text for text in offered)


def test_a_light_verb_of_the_question_does_not_make_a_figure_count_its_noun() -> None:
    got = _one("The number of people known to have died in the collapse of the Velden tower rose to four on Friday.",
               "How many flats did the Velden tower have?")
    assert got is None


def test_what_a_measure_would_bring_in_is_a_sum_never_a_percentage() -> None:
    q = analyse("How much would the levy bring in?")
    assert q.kind is Kind.MONEY and q.asks_sum and q.relation == "raise"
    assert analyse("Who did the board bring in?").relation == "appoint"  # a person brought in is appointed
    got = _one("Finance minister Ola Brenn said the planned rise in the levy on bank profits to 30% would go ahead.",
               "How much did Brenn say keeping the levy rise would bring in?")
    assert got is None


def test_who_is_doing_something_is_not_answered_by_who_will_not() -> None:
    got = _one("The Halden government has said the finance minister, Ola Brenn, will not negotiate with the "
               "dock unions.", "Who is negotiating with the dock unions?")
    assert got is None


def test_the_total_of_a_settlement_is_a_sum() -> None:
    q = analyse("What's the total of the miners' settlement?")
    assert q.kind is Kind.MONEY and q.focus == "settlement"
    got = _one("Lawyers for the Velden miners announced a settlement of about $41m with the owners of the mine, "
               "which 212 families will share.", "What's the total of the miners' settlement?")
    assert got == "about $41m"


def test_what_something_went_for_is_the_price_it_sold_for() -> None:
    q = analyse("How much did the harbour site go for?")
    assert q.kind is Kind.MONEY and q.relation == "sell"


def test_people_counted_by_their_compound_are_what_it_names() -> None:
    got = _one("The Velden council said 14 of its staff members were among the injured.",
               "How many Velden council employees were injured?")
    assert got == "14"
    assert _one("The Velden transit authority runs four bus garages.",
                "How many buses does the Velden transit authority run?") is None


def test_a_body_named_by_its_initials_acts_through_its_own_council() -> None:
    got = _one("The Sahel Union's Peace and Security Council on Friday gave the military 30 days to return to "
               "their barracks.", "How long did the SU give the soldiers to go back to barracks?")
    assert got == "30 days"


def test_a_newer_total_over_several_things_is_not_the_figure_of_one() -> None:
    search = MemorySearch()
    search.add("Regulators estimated that the failure of Brenn Bank would cost the deposit fund about $2.5bn.",
               source="desk.example", title="Report", day="2025-06-02", article=301)
    search.add("Regulators estimate that the failures of Alder Bank, Brenn Bank and Calder Bank will cost the "
               "deposit fund more than $30bn in total.", source="wire.example", title="Report", day="2025-06-09",
               article=302)
    got = answer_question("What will Brenn Bank's collapse cost the deposit fund?", search, []).answer
    assert got == "about $2.5bn"



def test_where_is_the_mine_is_not_answered_by_the_place_name_in_the_mines_own_name() -> None:
    search = reports(("2012-08-01", "The Santa Rita mine has stayed closed since the accident."))
    assert answer_question("Where is the mine, exactly?", search, []).answer is None
