"""Question analysis (bot.understand.answer.question.analyse): type, focus, relation, role, time intent.

Questions are our own, written for these tests (no eval set's names or wording).
"""

from __future__ import annotations

import pytest

from bot.understand.answer.question import Kind, analyse


@pytest.mark.parametrize(("question", "kind"), [
    ("Who chairs the harbour board?", Kind.AGENT),
    ("Whom did the mayor meet in Porto?", Kind.AGENT),
    ("Where will the ferry dock tonight?", Kind.PLACE),
    ("When did the strike begin?", Kind.DATE),
    ("What time does the ferry leave?", Kind.TIME),
    ("How long did the blockade last?", Kind.DURATION),
    ("How many trucks were stranded at the border?", Kind.COUNT),
    ("How much did the new terminal cost?", Kind.MONEY),
    ("What share of the workers voted to strike?", Kind.PERCENT),
    ("How old is the harbour master?", Kind.AGE),
    ("How far from the coast did the tanker sink?", Kind.MEASURE),
    ("What did the mayor say about the strike?", Kind.QUOTE),
    ("Why did the union reject the offer?", Kind.REASON),
    ("Did the council approve the budget?", Kind.YESNO),
    ("Which ship ran aground?", Kind.PHRASE),
    ("Which lawyer represents the union?", Kind.PERSON),
    ("Which company built the terminal?", Kind.ORG),
    ("Who is Marta Quintal?", Kind.DESCRIBE),
])
def test_expected_answer_type(question: str, kind: Kind) -> None:
    assert analyse(question).kind is kind


def test_how_many_takes_the_counted_noun_not_its_owner() -> None:
    assert analyse("How many trucks were stranded at the border?").focus == "truck"
    assert analyse("How many of the union's members went on strike?").focus == "member"


def test_subject_and_object_roles_follow_word_order_and_do_support() -> None:
    led = analyse("Who led the delegation?")
    assert (led.relation, led.role) == ("lead", "subj")
    met = analyse("Whom did the mayor meet in Porto?")
    assert met.role == "obj"


def test_the_speaker_of_a_statement_question() -> None:
    q = analyse("What did the port director say about the strike?")
    assert q.kind is Kind.QUOTE and "director" in q.speaker


def test_now_latest_still_mark_a_question_about_the_current_state() -> None:
    for question in ("How many ships are stranded now?", "What is the latest count of stranded ships?",
                     "Are the workers still on strike?", "How many ships have been stranded so far?"):
        assert analyse(question).latest, question
    assert not analyse("How many ships were stranded on Monday?").latest


def test_a_named_date_is_kept_for_matching_the_report() -> None:
    q = analyse("How many ships were stranded on February 3?")
    assert [(d.month, d.day) for d in q.dates] == [(2, 3)]
    assert analyse("What did the mayor say on Monday?").dates[0].weekday == 0


def test_anchors_are_content_words_without_wh_words_or_time_intent() -> None:
    q = analyse("How many ships are still stranded outside the harbour now?")
    lemmas = [a.lemma for a in q.anchors]
    assert "ship" in lemmas and "harbour" in lemmas
    assert not {"how", "many", "still", "now"} & set(lemmas)


def test_measure_questions_name_their_units() -> None:
    assert "mile" in analyse("How far did the tanker drift?").units


def test_the_object_left_open_inside_a_reported_clause() -> None:
    assert analyse("What did the mayor say the fire destroyed?").embedded == "destroy"


def test_the_asked_verb_is_the_main_clauses_not_the_once_clauses() -> None:
    # the parser reads "post" as a noun; the verb of "once everyone was out" is not what is asked
    assert analyse("What did the Navy SEALs post once everyone was out?").relation == "post"
    assert analyse("What did the police say after the raid was over?").relation == "say"


def test_after_do_support_the_last_word_before_the_clause_ends_is_the_verb_the_parser_missed() -> None:
    assert analyse("When does the Halberg to Port Ellin line reopen?").relation == "reopen"
    assert analyse("Whom did Yair Lapid meet in Lisbon?").relation == "meet"


def test_the_name_of_question_keeps_its_noun_when_a_verb_follows() -> None:
    q = analyse("What is the name of the navy vessel carrying supplies?")
    assert q.named and q.focus == "vessel"


def test_a_capitalised_name_the_tagger_misreads_stays_a_name_and_owns_is_the_relation() -> None:
    q = analyse("Which firm actually owns the Ever Given?")
    assert q.relation == "own"
    anchors = {a.lemma: a for a in q.anchors}
    assert anchors["given"].proper and anchors["ever"].proper and "own" in anchors


def test_a_verb_the_parser_made_the_root_noun_is_the_relation() -> None:
    assert analyse("What did the operator first blame for the grounding?").relation == "blame"


def test_a_type_noun_compounded_with_the_copulas_noun_sets_the_type_whatever_verb_follows() -> None:
    q = analyse("What's the latest compensation figure the canal authority has publicly asked for?")
    assert q.kind is Kind.MONEY and q.latest


def test_at_the_moment_and_at_this_point_ask_for_the_newest_report() -> None:
    assert analyse("Who is home secretary at the moment?").latest
    assert analyse("Who's the prime minister at this point?").latest
    assert not analyse("Who was home secretary in 2019?").latest


def test_a_time_clause_does_not_give_a_copular_question_its_relation() -> None:
    assert analyse("Who was Twitter's chairman when Musk made his bid?").relation == "chairman"
    assert analyse("Is anyone still out there searching?").relation == "search"


def test_someones_line_on_a_toll_asks_what_they_say_not_a_count() -> None:
    assert analyse("What's Trump's line on the death toll?").kind is Kind.QUOTE
    assert analyse("What is Qatar's stance on the deal?").kind is Kind.QUOTE
    assert analyse("What is the death toll?").kind is Kind.COUNT
