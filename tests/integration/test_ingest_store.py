"""Ingesting seed files into a real store: idempotence, near-duplicates, stories, both databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.ingest.links import strip_tracking
from bot.runtime.core import build_core
from bot.settings import load_settings
from tests.conftest import EVAL, EVAL_ARTICLES, REPO


def _labelled_stories() -> dict[str, set[str]]:
    labels = {}
    for line in (EVAL / "updates.jsonl").read_text().splitlines():
        row = json.loads(line)
        stories = set()
        for key in ("baseline_facts", "new_facts"):
            stories |= set((row.get(key) or {}).keys())
        labels[row["file"]] = {s.replace("_", "-") for s in stories}
    return labels


def test_eval_articles_are_filed_under_their_labelled_stories(core) -> None:
    report = core.pipeline.ingest_paths([EVAL_ARTICLES])
    assert not report.failures
    labels = _labelled_stories()
    with core.store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT a.url, group_concat(s.story_id) FROM articles a "
            "LEFT JOIN article_stories s ON s.article_id = a.id GROUP BY a.id").all()
    by_url = {}
    for path in EVAL_ARTICLES.glob("*.txt"):
        header = path.read_text().splitlines()[0]
        url = header.split(":", 1)[1].strip()
        by_url[strip_tracking(url) if url.startswith("http") else f"seed:{path.name}"] = path.name  # as stored
    filed = {by_url[url]: set((stories or "").split(",")) - {""} for url, stories in rows}
    assert filed == {name: labels[name] for name in filed}
    summaries = {s.story.id: s.articles for s in core.store.story_summaries()}
    assert summaries == {"hostage-talks": 7, "rafah-offensive": 5}


def test_reingesting_the_same_files_changes_nothing(core) -> None:
    first = core.pipeline.ingest_paths([EVAL_ARTICLES])
    count = core.store.article_count()
    second = core.pipeline.ingest_paths([EVAL_ARTICLES])
    assert first.added == 9 and second.added == 0 and second.files_skipped == 11
    assert core.store.article_count() == count


def test_same_article_under_another_file_name_is_not_stored_twice(core, tmp_path: Path) -> None:
    core.pipeline.ingest_paths([EVAL_ARTICLES / "001.txt"])
    copy = tmp_path / "renamed.txt"
    shutil.copy(EVAL_ARTICLES / "001.txt", copy)
    report = core.pipeline.ingest_paths([copy])
    assert report.added == 0 and report.unchanged == 1
    assert core.store.article_count() == 1


def test_syndicated_rewrite_is_recorded_as_another_source(core) -> None:
    core.pipeline.ingest_paths([EVAL_ARTICLES / "003.txt"])
    report = core.pipeline.ingest_paths([EVAL_ARTICLES / "003w.txt"])
    assert report.merged == 1 and report.added == 0
    assert core.store.article_count() == 1
    [hit] = core.store.search("Lazzarini anxiety panic", limit=1)
    assert core.store.source_count(hit.sentence.article_id) == 2


def test_distinct_articles_on_the_same_story_are_not_merged(core) -> None:
    report = core.pipeline.ingest_paths([EVAL_ARTICLES / "001.txt", EVAL_ARTICLES / "008.txt"])
    assert report.added == 2 and report.merged == 0


def test_changed_seed_file_is_read_again_as_a_revision(core, tmp_path: Path) -> None:
    seed = tmp_path / "story.txt"
    seed.write_text("# source: https://example.org/a\n# date: 2024-03-01\n# title: T\n\n"
                    "Hostage talks resumed in Cairo on Monday. Qatar and Egypt are mediating the talks.\n")
    core.pipeline.ingest_paths([seed])
    seed.write_text("# source: https://example.org/a\n# date: 2024-03-01\n# title: T\n\n"
                    "Hostage talks resumed in Cairo on Monday. Qatar and Egypt are mediating the talks. "
                    "A new hostage proposal was handed over on Tuesday.\n")
    report = core.pipeline.ingest_paths([seed])
    assert report.revised == 1 and core.store.article_count() == 1
    assert core.store.search("proposal handed Tuesday", limit=1)[0].sentence.text.startswith("A new")


def test_full_text_search_finds_the_mediators_sentence(core) -> None:
    core.pipeline.ingest_paths([EVAL_ARTICLES])
    hits = core.store.search("who are the mediators", story="hostage-talks", limit=5)
    assert any("Qatar and Egypt have been the mediators" in h.sentence.text for h in hits)


@pytest.mark.postgres
def test_postgresql_store_ingests_and_searches_like_sqlite(postgres_url: str, env: dict[str, str]) -> None:
    env = {**env, "NEWSDESK_DATABASE_URL": postgres_url}
    pg = build_core(load_settings(env))
    try:
        report = pg.pipeline.ingest_paths([EVAL_ARTICLES])
        assert report.added == 9 and report.merged == 2
        again = pg.pipeline.ingest_paths([EVAL_ARTICLES])
        assert again.added == 0
        hits = pg.store.search("mediators Qatar Egypt", story="hostage-talks", limit=5)
        assert any("mediators" in h.sentence.text for h in hits)
        assert {s.story.id: s.articles for s in pg.store.story_summaries()} == {
            "hostage-talks": 7, "rafah-offensive": 5}
    finally:
        pg.close()


def test_a_broken_seed_file_is_reported_and_the_rest_still_ingested(core, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(EVAL_ARTICLES / "001.txt", folder / "001.txt")
    shutil.copy(REPO / "tests" / "data" / "feeds" / "billion_laughs.xml", folder / "bad.xml")
    (folder / "README.md").write_text("# Seeds\n\nNot an article.\n")
    report = core.pipeline.ingest_paths([folder])
    assert report.added == 1
    assert len(report.failures) == 1 and "bad.xml" in report.failures[0]
    health = {Path(h.name).name: h for h in core.store.source_health()}
    assert health["bad.xml"].status == "error" and health["001.txt"].status == "ok"
    assert "README.md" not in health


def test_feed_snapshot_seed_files_are_ingested_item_by_item(core) -> None:
    report = core.pipeline.ingest_paths([REPO / "tests" / "data" / "feeds" / "rss2_wire.xml"])
    assert report.added + report.merged == 9 and not report.failures


def test_a_story_search_finds_its_sentence_under_hundreds_of_better_matches_elsewhere(core, tmp_path: Path) -> None:
    shown = "\n\n".join(f"Israeli troops in Rafah shelled a fuel depot near block {n}." for n in range(400))
    (tmp_path / "rafah.txt").write_text("# source: https://example.com/rafah\n# date: 2024-02-20\n"
                                        f"# title: Rafah strikes\n\n{shown}\n")
    (tmp_path / "talks.txt").write_text(
        "# source: https://example.com/talks\n# date: 2024-02-21\n# title: Hostage talks resume in Cairo\n\n"
        "Truce negotiations between Israel and Hamas resumed in Cairo on Wednesday, mediated by Qatar and Egypt.\n\n"
        "Hamas negotiators in Cairo studied a hostage release proposal from the mediators that would swap "
        "captives for prisoners at an aid depot on the border over several weeks.\n")
    assert not core.pipeline.ingest_paths([tmp_path]).failures
    assert len(core.store.search("depot", limit=400)) >= 300  # the other story outranks it many times over
    hits = core.store.search("depot", story="hostage-talks", limit=5)
    assert [h.sentence.text for h in hits][:1] == [
        "Hamas negotiators in Cairo studied a hostage release proposal from the mediators that would swap "
        "captives for prisoners at an aid depot on the border over several weeks."]
