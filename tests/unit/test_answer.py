"""Behaviour of the grounded answerer on small made-up news texts."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain import StorySentence
from bot.text import split_sentences
from bot.understand.answer import MemorySearch, answer_question, build_query
from tests.conftest import requires_wordnet

_ids = iter(range(1, 10_000))


def _article(
    search: MemorySearch,
    aid: int,
    text: str,
    *,
    source: str,
    title: str,
    day: str,
    stories: tuple[str, ...] = ("harbour-strike",),
) -> None:
    sentences = [
        StorySentence(
            next(_ids),
            aid,
            pos,
            s,
            f"https://{source}/story-{aid}",
            title,
            source,
            datetime.fromisoformat(day),
        )
        for pos, s in enumerate(split_sentences(text))
    ]
    search.add_article(sentences, stories)


@pytest.fixture
def search() -> MemorySearch:
    s = MemorySearch()
    _article(
        s,
        1,
        (
            "Dock workers in the port city walked out on Monday over pay.\n"
            "Norway and Chile have been the mediators of the talks between the union and the port "
            "authority.\n"
            "The next round of talks will be held in Lisbon on Thursday, union officials said.\n"
            "The strike has stranded 42 container ships outside the harbour.\n"
            "Union leader Marta Quintal said the workers would not return without a written offer.\n"
            "She added that the port authority had ignored three earlier proposals."
        ),
        source="harbour-news.example",
        title="Port strike enters first week",
        day="2025-01-10",
    )
    _article(
        s,
        2,
        (
            "The port authority said 30 container ships remain stranded outside the harbour.\n"
            "Talks resumed with both mediators present."
        ),
        source="coastal-times.example",
        title="Fewer ships stranded as talks resume",
        day="2025-01-20",
    )
    return s


def test_who_question_is_answered_with_the_coordinated_names_and_their_sentence(search: MemorySearch) -> None:
    ans = answer_question("Who are the mediators?", search, [])
    assert ans.answer is not None and "Norway and Chile" in ans.answer
    assert "Norway and Chile have been the mediators" in ans.text
    assert ans.citations[0].source == "harbour-news.example"


def test_where_question_gets_the_place_after_the_preposition(search: MemorySearch) -> None:
    ans = answer_question("Where will the next round of talks be held?", search, [])
    assert ans.answer is not None and "Lisbon" in ans.answer


def test_when_question_gets_the_day(search: MemorySearch) -> None:
    ans = answer_question("When will the next round of talks be held?", search, [])
    assert ans.answer is not None and "Thursday" in ans.answer


def test_who_question_finds_a_person_named_before_a_title_free_verb(search: MemorySearch) -> None:
    ans = answer_question("Who is the union leader?", search, [])
    assert ans.answer is not None and "Marta Quintal" in ans.answer


def test_how_many_question_returns_the_number_with_its_noun(search: MemorySearch) -> None:
    ans = answer_question("How many proposals had the port authority ignored?", search, [])
    assert ans.answer is not None and "three" in ans.answer and "proposals" in ans.answer


def test_unsupported_question_is_abstained_not_guessed(search: MemorySearch) -> None:
    for question in (
        "How many cranes were damaged?",
        "Who won the football match?",
        "When did the airport reopen?",
    ):
        ans = answer_question(question, search, [])
        assert ans.answer is None, question
        assert "don't know" in ans.text
        assert ans.citations == ()


def test_changed_value_leads_with_newest_source_and_mentions_the_earlier_one(search: MemorySearch) -> None:
    ans = answer_question("How many container ships are stranded outside the harbour?", search, [])
    assert ans.answer is not None and "30" in ans.answer
    assert ans.as_of == datetime(2025, 1, 20)
    assert "42" in ans.text and "earlier" in ans.text.lower()
    assert [c.source for c in ans.citations] == ["coastal-times.example", "harbour-news.example"]


def test_citation_carries_the_supporting_sentence_title_and_link(search: MemorySearch) -> None:
    ans = answer_question("Where will the next round of talks be held?", search, [])
    cite = ans.citations[0]
    assert (
        cite.sentence == "The next round of talks will be held in Lisbon on Thursday, union officials said."
    )
    assert cite.title == "Port strike enters first week"
    assert cite.url == "https://harbour-news.example/story-1"
    assert "Port strike enters first week" in ans.text and "10 Jan 2025" in ans.text
    assert ans.story == "harbour-strike"


def test_story_filter_keeps_answers_inside_the_story(search: MemorySearch) -> None:
    ans = answer_question("Who are the mediators?", search, [], story="another-story")
    assert ans.answer is None


def test_query_includes_inflections_of_question_words() -> None:
    terms = build_query("How many hostages were freed?")
    for form in ('"hostage"', '"hostages"', '"free"', '"freed"'):
        assert form in terms


@pytest.fixture
def speech() -> MemorySearch:
    s = MemorySearch()
    _article(
        s,
        3,
        (
            'Union leader Marta Quintal said the port authority\'s offer was "an insult to every docker".\n'
            "Port director Henrik Aas said the union's demands would bankrupt the harbour.\n"
            "The union's demands have not been published.\n"
            "Talks will resume on Friday, and the port authority said it would sign an agreement if the "
            "union dropped its pay claim."
        ),
        source="harbour-news.example",
        title="Union rejects offer",
        day="2025-01-12",
    )
    return s


def test_what_did_x_say_answers_with_what_that_speaker_said(speech: MemorySearch) -> None:
    ans = answer_question("What did Quintal say about the offer?", speech, [])
    assert ans.answer is not None and "insult" in ans.answer
    ans = answer_question("What did Aas say about the union's demands?", speech, [])
    assert ans.answer is not None and "bankrupt" in ans.answer


def test_asking_for_content_the_sources_only_mention_is_abstained(speech: MemorySearch) -> None:
    ans = answer_question("What are the union's demands?", speech, [])
    assert ans.answer is None


def test_yes_no_question_is_not_confirmed_by_a_mere_intention(speech: MemorySearch) -> None:
    ans = answer_question("Did the port authority sign an agreement?", speech, [])
    assert ans.answer is None


def test_memory_search_satisfies_the_sentence_search_protocol() -> None:
    from bot.understand.answer import SentenceSearch

    assert isinstance(MemorySearch(), SentenceSearch)


# --- attribution, typed slots, roles and abstention, on made-up reports (none of the eval's words) ---


@pytest.fixture
def dispute() -> MemorySearch:
    s = MemorySearch()
    _article(
        s,
        10,
        (
            "Talks to end the dock strike in Valmora stalled on Sunday, union officials said.\n"
            "Ines Carvalho, who heads the dockworkers' union, spoke to reporters after the meeting.\n"
            '"The offer is an insult to every family on the quay," she said, adding that the union '
            "would not sign it.\n"
            "Port director Tomas Brandt called the strike \"a blow to the whole region\" and said the "
            "authority would not cut the bonuses of crane operators.\n"
            "Harbour police chief Anders Holm said the quay was calm.\n"
            "Labour Minister Helena Sousa met union leaders in Lisbon on Saturday.\n"
            "Shipping firms said they would divert vessels to other ports.\n"
            "The weekly newspaper Costa Hoje reported that the authority had hired extra guards.\n"
            "Brandt said he would not resign, adding that the dispute predated his appointment.\n"
            "Opposition councillors demanded Brandt's resignation because the strike had cost the city "
            "9 million euros."
        ),
        source="harbour-news.example",
        title="Dock strike talks stall",
        day="2025-03-03",
    )
    return s


def test_quote_before_a_pronoun_speaker_is_what_that_speaker_said(dispute: MemorySearch) -> None:
    ans = answer_question("What did Carvalho say about the offer?", dispute, [])
    assert ans.answer is not None and "insult to every family" in ans.answer


def test_describe_question_is_answered_with_the_description_not_the_thing(dispute: MemorySearch) -> None:
    ans = answer_question("What did Brandt call the strike?", dispute, [])
    assert ans.answer is not None and "a blow to the whole region" in ans.answer
    assert "strike" not in ans.answer


def test_who_heads_finds_the_relative_clause_not_another_organisations_chief(dispute: MemorySearch) -> None:
    ans = answer_question("Who heads the dockworkers' union?", dispute, [])
    assert ans.answer is not None and "Carvalho" in ans.answer


def test_who_heads_is_abstained_when_no_one_is_said_to_head_it(dispute: MemorySearch) -> None:
    assert answer_question("Who heads the shipping firms?", dispute, []).answer is None


def test_which_noun_question_gets_a_phrase_of_that_kind(dispute: MemorySearch) -> None:
    ans = answer_question("Which bonuses did Brandt say the authority would not cut?", dispute, [])
    assert ans.answer is not None and "crane operators" in ans.answer


def test_which_noun_question_takes_the_name_given_in_apposition(dispute: MemorySearch) -> None:
    ans = answer_question("Which newspaper reported that the authority had hired extra guards?", dispute, [])
    assert ans.answer is not None and "Costa Hoje" in ans.answer


def test_which_noun_question_is_abstained_when_nothing_named_is_of_that_kind(dispute: MemorySearch) -> None:
    assert answer_question("Which ports will the vessels be diverted to?", dispute, []).answer is None


def test_name_question_needs_a_name_given_for_that_role(dispute: MemorySearch) -> None:
    assert answer_question("What is the name of the union official who spoke on Sunday?", dispute, []).answer is None


def test_outcome_question_is_abstained_when_no_outcome_is_reported(dispute: MemorySearch) -> None:
    assert answer_question("What was the outcome of Sousa's meeting with union leaders?", dispute, []).answer is None


@requires_wordnet
def test_whom_did_x_meet_is_answered_with_who_was_met(dispute: MemorySearch) -> None:
    ans = answer_question("Whom did Helena Sousa meet in Lisbon?", dispute, [])
    assert ans.answer is not None and "union leaders" in ans.answer


def test_why_not_question_takes_the_reason_from_the_negated_statement(dispute: MemorySearch) -> None:
    ans = answer_question("Why will Brandt not resign?", dispute, [])
    assert ans.answer is not None and "predated his appointment" in ans.answer


def test_who_is_x_is_answered_with_what_the_report_says_x_is(dispute: MemorySearch) -> None:
    ans = answer_question("Who is Anders Holm?", dispute, [])
    assert ans.answer is not None and "police chief" in ans.answer
    ans = answer_question("Who is Ines Carvalho?", dispute, [])
    assert ans.answer is not None and "heads the dockworkers' union" in ans.answer
    ans = answer_question("Who is Helena Sousa?", dispute, [])
    assert ans.answer is not None and "Labour Minister" in ans.answer
    ans = answer_question("What is Costa Hoje?", dispute, [])
    assert ans.answer is not None and "weekly newspaper" in ans.answer
    assert answer_question("Who is Lisbon?", dispute, []).answer is None  # named, never described


def test_yes_no_question_is_not_answered_by_an_open_whether_clause() -> None:
    s = MemorySearch()
    _article(
        s,
        20,
        "The port director declined to say whether the authority would hire replacement crews.",
        source="harbour-news.example",
        title="Director silent on crews",
        day="2025-03-05",
    )
    assert answer_question("Will the authority hire replacement crews?", s, []).answer is None


@requires_wordnet
def test_who_question_takes_the_agent_of_a_passive_when_no_one_is_named() -> None:
    s = MemorySearch()
    _article(
        s,
        21,
        "Night shifts at the terminal are being covered by retired crane drivers until the strike ends.",
        source="harbour-news.example",
        title="Retirees step in",
        day="2025-03-06",
    )
    ans = answer_question("Who is covering the night shifts?", s, [])
    assert ans.answer is not None and "retired crane drivers" in ans.answer


@pytest.fixture
def reasons() -> MemorySearch:
    s = MemorySearch()
    _article(
        s,
        22,
        (
            "The dockworkers' union opposes the new rota. Such a change would cut night pay by a third "
            "and leave crews exhausted, union leader Ines Carvalho said.\n"
            "City officials said the harbour would stay closed as long as the strike lasted, citing safety "
            "concerns.\n"
            "Ships were diverted to Porto after the harbour master ordered the channel closed."
        ),
        source="harbour-news.example",
        title="Rota row",
        day="2025-03-07",
    )
    return s


def test_why_question_finds_the_reason_in_the_sentence_that_follows(reasons: MemorySearch) -> None:
    ans = answer_question("Why does the union oppose the new rota?", reasons, [])
    assert ans.answer is not None and "cut night pay" in ans.answer


def test_why_question_prefers_a_stated_reason_to_a_condition(reasons: MemorySearch) -> None:
    ans = answer_question("Why will the harbour stay closed?", reasons, [])
    assert ans.answer is not None and "safety concerns" in ans.answer


@requires_wordnet
def test_who_question_takes_an_unnamed_role_that_did_the_deed(reasons: MemorySearch) -> None:
    ans = answer_question("Who ordered the channel closed?", reasons, [])
    assert ans.answer is not None and "harbour master" in ans.answer


@requires_wordnet
def test_a_verb_in_the_question_finds_the_role_noun_derived_from_it() -> None:
    s = MemorySearch()
    _article(
        s,
        71,
        (
            "Talks between the ferry union and the island council resumed on Tuesday.\n"
            "Negotiators met again under a government-appointed mediator, retired judge Colm Brennan.\n"
            "The council said it hoped for a deal before the summer season."
        ),
        source="isle-news.example",
        title="Ferry talks resume",
        day="2025-05-06",
    )
    ans = answer_question("Who is mediating the talks?", s, [])
    assert ans.answer is not None and "Colm Brennan" in ans.answer


def test_who_led_a_group_is_unknown_when_only_some_other_thing_was_led() -> None:
    s = MemorySearch()
    _article(
        s,
        72,
        (
            "Following a Lisbon meeting led by union chief Rosa Vidal, the council made a new offer.\n"
            "The council sent a delegation to the capital on Friday to lobby ministers."
        ),
        source="isle-news.example",
        title="Council lobbies ministers",
        day="2025-05-08",
    )
    assert answer_question("Who led the delegation the council sent to the capital?", s, []).answer is None
    assert answer_question("Who commands the Northern Front?", s, []).answer is None
    assert "Rosa Vidal" in (answer_question("Who led the Lisbon meeting?", s, []).answer or "")


def test_a_title_before_one_name_does_not_make_an_earlier_name_the_holder() -> None:
    s = MemorySearch()
    _article(
        s,
        73,
        "Mayor Ana Costa met Port Director Luis Prado in Faro on Monday to discuss the ferry contract.",
        source="isle-news.example",
        title="Mayor meets port chief",
        day="2025-05-09",
    )
    ans = answer_question("Who directs the port?", s, [])
    assert ans.answer is None or "Ana Costa" not in ans.answer


def test_who_question_is_answered_by_the_group_spelt_out_after_a_comma() -> None:
    s = MemorySearch()
    _article(
        s,
        74,
        (
            "Envoys of the two sides began indirect talks in Lusova on Tuesday.\n"
            "The first phase of the proposed deal would see 80 prisoners released, mostly teenagers, "
            "women and elderly detainees."
        ),
        source="wire-east.example",
        title="Truce talks open",
        day="2025-06-03",
    )
    ans = answer_question("Who would be released in the first phase?", s, [])
    assert ans.answer is not None
    assert "teenagers" in ans.answer and "elderly detainees" in ans.answer


@requires_wordnet
def test_next_round_is_answered_by_a_sentence_announcing_another_meeting() -> None:
    s = MemorySearch()
    _article(
        s,
        75,
        (
            "Negotiators for the union and the operator met on Thursday under a mediator.\n"
            "The strike began after talks on a new pay deal collapsed late on Sunday.\n"
            "Another meeting is planned for Monday in the town hall."
        ),
        source="daily-ledger.example",
        title="Port talks resume",
        day="2025-09-12",
    )
    assert "Monday" in (answer_question("When is the next round of talks?", s, []).answer or "")
    assert "town hall" in (answer_question("Where will the next round of talks take place?", s, []).answer or "")


def test_a_meeting_that_already_happened_is_not_the_next_one() -> None:
    s = MemorySearch()
    _article(
        s,
        76,
        "The two sides met again on Thursday in Pirel, officials said.",
        source="wire-east.example",
        title="Talks go on",
        day="2025-06-13",
    )
    assert answer_question("When is the next round of talks?", s, []).answer is None


def test_who_heads_a_named_body_accepts_the_agency_standing_for_its_name() -> None:
    s = MemorySearch()
    _article(
        s,
        77,
        (
            "The relief agency Aidwell warned of shortages in the camps.\n"
            "Marta Kunz, who heads the agency, said stocks would run out within a week."
        ),
        source="relief-news.example",
        title="Aidwell warns of camp shortages",
        day="2025-03-02",
    )
    assert "Marta Kunz" in (answer_question("Who heads Aidwell?", s, []).answer or "")


def test_who_someone_spoke_to_is_the_one_they_told() -> None:
    s = MemorySearch()
    _article(
        s,
        78,
        "Union secretary Mira Donnelly told Radio Westmark that members wanted a 9 percent raise.",
        source="harbour-news.example",
        title="Dockworkers walk out",
        day="2025-09-08",
    )
    assert "Radio Westmark" in (answer_question("Who did Mira Donnelly speak to?", s, []).answer or "")


def test_a_numbered_broadcaster_keeps_its_number() -> None:
    s = MemorySearch()
    _article(
        s,
        79,
        (
            "Mayor Petra Lindqvist said the closure would last at least six months.\n"
            'Interviewed by Channel 9 on Wednesday evening, Lindqvist said the city had "no choice".'
        ),
        source="riverside-post.example",
        title="Bridge closed",
        day="2025-10-02",
    )
    assert "Channel 9" in (answer_question("Which broadcaster interviewed the mayor?", s, []).answer or "")


@requires_wordnet
def test_how_long_something_takes_is_answered_by_how_long_it_lasts() -> None:
    s = MemorySearch()
    _article(
        s,
        80,
        (
            "The company promised to build a new access road before construction begins.\n"
            "Haugen said building work would last five years and create 1,500 jobs."
        ),
        source="north-courier.example",
        title="Dam compensation raised",
        day="2025-11-12",
    )
    assert "five years" in (answer_question("How long would construction take?", s, []).answer or "")


@requires_wordnet
def test_a_firm_joined_by_an_ampersand_answers_which_company() -> None:
    s = MemorySearch()
    _article(
        s,
        81,
        (
            "The city closed the Kestrel bridge after inspectors found deep cracks.\n"
            "Engineers from the firm Castor & Webb carried out the inspection, the council said.\n"
            "Mayor Petra Lindqvist rejected the criticism, saying earlier inspections had found only minor damage."
        ),
        source="riverside-post.example",
        title="Bridge closed",
        day="2025-10-02",
    )
    assert "Castor & Webb" in (answer_question("Which company inspected the bridge?", s, []).answer or "")


@requires_wordnet
def test_an_acronym_in_the_question_matches_the_spelt_out_name_and_money_counts_in_dollars() -> None:
    s = MemorySearch()
    _article(
        s,
        82,
        (
            "Aid agencies say nearly 200,000 people depend on the highway for food.\n"
            "The United Nations has set aside 12 million dollars for emergency food deliveries."
        ),
        source="lusova-herald.example",
        title="Truce talks stall",
        day="2025-06-10",
    )
    assert "12 million dollars" in (answer_question("How much money has the UN set aside?", s, []).answer or "")


def test_the_subject_is_the_name_before_its_place_of_origin() -> None:
    s = MemorySearch()
    _article(
        s,
        83,
        "Mayor Tomas Keller of Brenna criticised the railway for failing to install a fire detection system.",
        source="valley-daily.example",
        title="Tunnel repairs begin",
        day="2025-04-18",
    )
    assert "Tomas Keller" in (answer_question("Who criticised the railway?", s, []).answer or "")


@requires_wordnet
def test_a_multiword_synonym_in_the_text_supports_the_question_word() -> None:
    s = MemorySearch()
    _article(
        s,
        84,
        (
            "A freight train caught fire in the Brenna tunnel on Sunday.\n"
            "Safety inspector Lena Berg will look into the fire, officials said.\n"
            "Mayor Tomas Keller praised the fire crews."
        ),
        source="valley-daily.example",
        title="Tunnel fire",
        day="2025-04-14",
    )
    assert "Lena Berg" in (answer_question("Who will investigate the fire?", s, []).answer or "")


def test_which_things_is_answered_by_the_list_after_the_asked_noun() -> None:
    s = MemorySearch()
    _article(
        s,
        85,
        (
            "The rail tunnel was closed on Sunday after a fire in a freight train.\n"
            "Freight companies warned of delays of up to a week for deliveries to the south, mainly of "
            "food, fuel and building materials."
        ),
        source="alpine-wire.example",
        title="Tunnel shut",
        day="2025-04-14",
    )
    ans = answer_question("What deliveries will be delayed?", s, [])
    assert ans.answer is not None and "fuel" in ans.answer and "building materials" in ans.answer
