"""Fact keys of a sentence (from its annotation), the bounded novelty index and the change judgement."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import StorySentence
from bot.understand.language.annotate import annotate_sentences
from bot.understand.updates import MemoryIndex
from bot.understand.updates.changes import slots_of
from bot.understand.updates.counts import comparable, counts_people
from bot.understand.updates.facts import facts_of, number_text
from bot.understand.updates.memory import MemoryView
from bot.understand.updates.novelty import best_cover, candidate_pools, coverage, is_repeat
from tests.unit.test_updates import STORY, article, feed

DAY = datetime(2024, 2, 1, tzinfo=UTC)


def facts(text: str):  # type: ignore[no-untyped-def]
    return facts_of(annotate_sentences([text], DAY)[0])


def test_fact_keys_are_names_numbers_quotes_and_lemmas() -> None:
    f = facts('"We are closer than ever," said Majed al-Ansari as 130 hostages were held in Gaza.')
    assert {"e:majed", "e:ansari", "e:gaza"} <= f.names
    assert f.numbers == {"n:130"}
    assert f.quotes
    assert {"l:hold", "l:hostage"} <= f.lemmas
    assert "l:say" not in f.units  # reporting verbs are not facts
    assert f.is_fact and len(f.lookup) <= 14


def test_lemmas_match_a_reworded_sentence_in_other_inflections() -> None:
    new = facts("Mediators held talks with Hamas envoys in Cairo.")
    old = facts("Hamas envoys were holding a talk with the mediators in Cairo.")
    assert coverage(new, [frozenset(old.units)]) == 1.0


def test_demonyms_and_short_forms_cover_the_name() -> None:
    new = facts("Egyptian and Qatari mediators met in Cairo.")
    old = facts("Mediators from Egypt and Qatar met in Cairo.")
    assert coverage(new, [frozenset(old.units)]) == 1.0


def test_count_slots_name_the_noun_and_deaths_share_one_slot() -> None:
    held = slots_of(annotate_sentences(["About 130 hostages are still held in Gaza."], DAY)[0])
    assert [(s.key, s.value) for s in held if s.key.startswith("s:q:")] == [("s:q:hostage", "130")]
    toll = slots_of(annotate_sentences(["The death toll rose to 415 on Tuesday."], DAY)[0])
    killed = slots_of(annotate_sentences(["The quake killed at least 210 people."], DAY)[0])
    assert toll[0].key == killed[0].key == "s:q:dead"
    assert comparable(toll[0], killed[0])


def counts(text: str) -> list[tuple[str, str]]:
    return [(s.key, s.value) for s in slots_of(annotate_sentences([text], DAY)[0]) if s.key.startswith("s:q:")]


def test_a_toll_put_at_a_figure_and_people_said_to_have_died_are_one_death_count() -> None:
    assert ("s:q:dead", "89") in counts("Officials now put the death toll from the fires at 89, the most in a century.")
    assert counts("Officials say at least 97 people are confirmed to have died in the fires.") == [("s:q:dead", "97")]


def test_a_number_of_a_noun_counts_that_noun() -> None:
    assert counts("That would give the party a majority of 170.") == [("s:q:majority", "170")]
    assert counts("The police said the number of missing people had fallen to 31.") == [("s:q:people", "31")]
    assert counts("The buyer would owe a break-up fee of $3bn.") == [("s:q:fee:$", "3000000000")]


def test_a_sum_told_in_or_of_a_noun_counts_that_noun_whatever_verb_carries_it() -> None:
    caused = counts("The governor estimated that the storm caused $90bn of damage across the island.")
    did = counts("The storm made landfall with top winds of 154 mph and did as much as $95 billion in damage.")
    assert ("s:q:damage:$", "90000000000") in caused and ("s:q:damage:$", "95000000000") in did
    assert counts("The company lost $500m in the first quarter.") != [("s:q:quarter:$", "500000000")]


def test_a_sum_borrowed_and_the_borrowing_that_rose_are_one_count() -> None:
    rose = counts("Borrowing under the central bank's new lending scheme rose to $53.7bn in the week to Wednesday.")
    borrowed = counts("Banks also borrowed $11.9bn through the new lending scheme.")
    assert rose[0][0] == borrowed[0][0] == "s:q:v-borrow:$"


def test_a_poll_share_belongs_to_the_party_it_is_put_on() -> None:
    average = counts("The average of the week's polls has Labour on 40% and the Conservatives on 21%.")
    later = counts("Averaging all polls completed in the seven days to July 3 puts Labour on 39%.")
    assert ("s:q:labour:%", "40") in average and ("s:q:conservatives:%", "21") in average
    assert ("s:q:labour:%", "39") in later


def test_counts_far_apart_are_different_quantities() -> None:
    a = slots_of(annotate_sentences(["Some 40 hostages would be released."], DAY)[0])[0]
    b = slots_of(annotate_sentences(["Some 1,300 hostages would be released."], DAY)[0])[0]
    assert not comparable(a, b)


def test_the_index_looks_only_before_the_article_and_a_bounded_number_of_rows() -> None:
    index = MemoryIndex()
    early = article("About 130 hostages are still held in Gaza, Israeli figures show.",
                    published=datetime(2024, 2, 1, tzinfo=UTC))
    late = article("About 125 hostages are still held in Gaza, Israeli figures show.",
                   published=datetime(2024, 3, 1, tzinfo=UTC))
    index.judge(STORY, late)
    index.judge(STORY, early)
    seen_from_early = MemoryView(index, STORY.id, (datetime(2024, 2, 1, tzinfo=UTC), early[0].article_id))
    assert seen_from_early.earlier(["n:125", "n:130"], 8) == []
    mid_february = MemoryView(index, STORY.id, (datetime(2024, 2, 15, tzinfo=UTC), 0))
    assert [h[0] for h in mid_february.earlier(["n:125", "n:130"], 8)] == ["n:130"]
    after = MemoryView(index, STORY.id, (datetime(2024, 2, 15, tzinfo=UTC), 0), after=True)
    assert [h[0] for h in after.earlier(["n:125", "n:130"], 8)] == ["n:125"]
    many = MemoryIndex()
    for day in range(1, 25):
        many.judge(STORY, article(f"Talks on the truce resumed in Cairo on day {day} of the crisis.",
                                  published=datetime(2024, 1, day, tzinfo=UTC)))
    view = MemoryView(many, STORY.id, (datetime(2024, 2, 1, tzinfo=UTC), 0))
    assert len(view.earlier(["e:cairo"], 8)) == 8  # capped per key, newest first


def test_repeat_decision_uses_the_best_earlier_sentence() -> None:
    index = MemoryIndex()
    first: list[StorySentence] = article("Qatar and Egypt mediated the truce talks in Cairo on Tuesday.")
    index.judge(STORY, first)
    again = facts("Egypt and Qatar mediated truce talks in Cairo on Tuesday.")
    pools, _ = candidate_pools([again], MemoryView(index, STORY.id, (datetime(2024, 3, 1, tzinfo=UTC), 99)))
    assert is_repeat(best_cover(again, pools[0]))


def test_a_toll_revised_down_to_a_figure_is_the_death_count() -> None:
    assert ("s:q:dead", "38") in counts("Officials revised the death toll down to 38 on Thursday, saying one "
                                        "victim had been counted twice.")


def test_ages_and_figures_dated_years_back_are_no_values_the_story_revises() -> None:
    a = annotate_sentences(["The 28-year-old engineer faces up to 50 years in prison."], DAY)[0]
    assert [s.value for s in slots_of(a, DAY) if s.key.startswith("s:q:")] == ["50"]
    old = annotate_sentences(["The toll exceeds the 85 people killed in 2018 in the Paradise fire."], DAY)[0]
    assert not [s for s in slots_of(old, DAY) if s.value == "85"]


def test_posts_a_cabinet_has_many_of_are_told_apart() -> None:
    def posts(text: str) -> list[str]:
        return [s.key for s in slots_of(annotate_sentences([text], DAY)[0]) if s.key.startswith("s:t:")]

    education = posts("Bridget Phillipson has been appointed education secretary.")
    health = posts("Wes Streeting has been appointed health secretary.")
    assert education and health and education != health


def test_only_a_count_of_people_may_revise_a_count_of_people() -> None:
    assert counts_people("s:q:hostage") and counts_people("s:q:worker")
    assert not counts_people("s:q:bid") and not counts_people("s:q:vehicle")


def test_a_month_is_a_fact_key_so_a_moved_target_month_is_new() -> None:
    earlier = facts("The mayor said the bridge would open to traffic by April 2025.")
    later = facts("The mayor said the bridge would open to traffic by June 2025.")
    assert "d:2025-04" in earlier.units and "d:2025-06" in later.units
    assert not any(u.startswith("d:") for u in facts("The mayor said the bridge would open next year.").units)


def test_a_figure_keeps_one_key_whatever_noise_its_float_carries() -> None:
    assert number_text(64.4 * 1e9) == number_text(64_400_000_000) == "64400000000"
    assert [number_text(v) for v in (2.5, 7, 123456789012345)] == ["2.5", "7", "123456789012345"]


def test_a_sum_borrowed_under_a_scheme_is_one_count_from_week_to_week() -> None:
    early = article("Borrowing under the Velden Term Funding Scheme rose to $53.7bn in the week to Wednesday.")
    later = article("Borrowing under the Velden Term Funding Scheme rose to $64.4bn in the week to Wednesday.", day=8)
    _, (_, updates) = feed(early, later)
    flagged = [u for u in updates if u.kind == "changed"]
    assert flagged and flagged[0].previous is not None and "$53.7bn" in flagged[0].previous.value
