"""A figure a later source changed does not lead a reply: the answerer follows the changes the update
finder recorded to the newest value, and names the replaced one. Real SQLite store, real pipeline."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import RawArticle
from bot.runtime.core import Core, build_core
from bot.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
STORY = """[[story]]
id = "antibiotic-recall"
title = "Antibiotic recall"
description = "The recall of a contaminated antibiotic."
terms = ["antibiotic*", "recall*", "infection*", "vial*", "contaminat*"]
exclude = []
"""
BODIES = [
    "A batch of an injectable antibiotic has been recalled after 23 patients in six hospitals developed "
    "bloodstream infections, the medicines authority said on Monday.\n"
    "About 18,400 vials from the batch were shipped across the country in late September.\n"
    "Doctors found the first infections in six hospitals late last month, the authority said.",
    "The medicines authority said cases had now been identified in 14 hospitals, up from six when the "
    "recall began.\n"
    "Recalled vials had been delivered to 64 hospitals and clinics in total, it said.",
]
START = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.fixture
def recall_core(tmp_path: Path) -> Core:
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    (config / "stories.toml").write_text(STORY)
    core = build_core(load_settings({"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
                                     "NEWSDESK_CONFIG_DIR": str(config), "NEWSDESK_DATA_DIR": str(tmp_path / "data")}))
    for day, body in enumerate(BODIES):
        core.pipeline.ingest([RawArticle(url=f"https://health.test/recall/{day}", title=f"Recall, day {day}",
                                         text=body, source="health.test", published=START + timedelta(days=day * 7),
                                         origin="test")])
    yield core
    core.close()


def test_how_many_so_far_is_answered_with_the_figure_that_replaced_the_first_one(recall_core: Core) -> None:
    changed = [u for u in recall_core.store.list_updates() if u.kind == "changed" and "14 hospitals" in u.sentence]
    assert changed and changed[0].previous is not None  # the update finder saw six become 14
    reply = recall_core.ask("In how many hospitals have infections been found?")
    assert reply.answer == "14 hospitals"
    assert "An earlier source said six hospitals" in reply.text, reply.text
    assert [c.url for c in reply.citations][:2] == ["https://health.test/recall/1", "https://health.test/recall/0"]


def test_a_question_tied_to_the_first_report_keeps_that_reports_figure(recall_core: Core) -> None:
    reply = recall_core.ask("In how many hospitals had infections been found, according to the first report?")
    assert reply.answer != "14 hospitals"



def _story_core(tmp_path: Path, extra_terms: str, site: str, bodies: list[str], days_apart: int) -> Core:
    """A core whose one story also follows `extra_terms`, with `bodies` ingested `days_apart` apart."""
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    (config / "stories.toml").write_text(STORY.replace('"vial*"', '"vial*", ' + extra_terms))
    core = build_core(load_settings({"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
                                     "NEWSDESK_CONFIG_DIR": str(config), "NEWSDESK_DATA_DIR": str(tmp_path / "data")}))
    for day, body in enumerate(bodies):
        core.pipeline.ingest([RawArticle(url=f"https://{site}/{day}", title=f"{site}, day {day}", text=body,
                                         source=site.split("/")[0], published=START + timedelta(days=day * days_apart),
                                         origin="test")])
    return core


def test_a_date_a_later_source_moved_is_answered_with_the_new_date(tmp_path: Path) -> None:
    core = _story_core(tmp_path, '"line", "reopen*"', "rail.test/line", [
        "The company said repairs would allow the line between Arden and Selby to reopen on November 9.\n"
        "The antibiotic shipments on the line were halted after the recall.",
        "The company said the line would now reopen on November 23, two weeks later than it had planned.\n"
        "Inspectors found more damage to the antibiotic depot near the line, it said."], 5)
    try:
        reply = core.ask("When does the Arden to Selby line reopen?")
        assert reply.answer is not None and reply.answer.startswith("November 23"), reply.text
        assert "November 9" in reply.text  # the replaced date is named with its source
    finally:
        core.close()


def test_a_past_tense_question_about_the_figure_takes_its_revision(recall_core: Core) -> None:
    reply = recall_core.ask("In how many hospitals were infections found?")
    assert reply.answer == "14 hospitals", reply.text


def test_a_weak_figure_of_another_doing_recorded_as_a_change_does_not_replace_the_answer(tmp_path: Path) -> None:
    core = _story_core(tmp_path, '"strike*", "worker*", "lay*"', "labour.test/strike", [
        "The three vial makers have now laid off more than 3,000 workers who are not on strike, according to "
        "company statements.\nThe strike has halted antibiotic vial deliveries to hospitals.",
        "The vial makers now say they have laid off about 4,800 workers because of the strike.\n"
        "Hospitals are rationing antibiotic vials, the health ministry said.",
        "About 5,000 workers at the Arlen plant joined the strike on Monday.\n"
        "The union said the strike would go on until the vial makers raised pay for antibiotic vials."], 5)
    try:
        changed = {u.sentence: u.previous.sentence for u in core.store.list_updates()
                   if u.kind == "changed" and u.previous is not None}
        joined = next(previous for sentence, previous in changed.items() if sentence.startswith("About 5,000"))
        assert "4,800" in joined  # the finder took the strikers for a revised lay-off count: the answer must not
        reply = core.ask("How many workers have the vial makers laid off because of the walkout?")
        assert reply.answer == "about 4,800 workers", reply.text
    finally:
        core.close()


def test_a_count_raised_as_a_new_total_without_its_noun_replaces_the_first_count(tmp_path: Path) -> None:
    core = _story_core(tmp_path, '"breach*", "patient*"', "privacy.test/breach", [
        "The antibiotic maker said a breach of its ordering system may have exposed the records of 2.1 million "
        "patients.\nThe antibiotic recall was not affected by the breach, the company said.",
        "The antibiotic maker said on Monday that the breach affected 300,000 more patients than it first "
        "thought, bringing the total to 2.4 million.\nIt will write to every patient affected by the breach, the "
        "antibiotic maker said."], 6)
    try:
        reply = core.ask("How many patients had their records exposed in the breach?")
        assert reply.answer == "2.4 million", reply.text
        assert "2.1 million patients" in reply.text  # the first count is named as what an earlier source said
    finally:
        core.close()
