"""A corrected article is one fact, not two: after a revision (same URL, changed text) the digest,
the brief, `updates` and `search` show the corrected figure once, noted as corrected, never the
superseded one. Real CLI, real SQLite store."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.runtime.core import build_core
from bot.settings import load_settings
from bot.understand.digest import build_digest
from tests.conftest import REPO


def bot(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env={**env, "PATH": "/usr/bin:/bin"}, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def article(url: str, day: datetime, title: str, *sentences: str) -> str:
    return f"# source: {url}\n# date: {day.date().isoformat()}\n# title: {title}\n\n" + "\n".join(sentences) + "\n"


def write_earlier(path: Path, today: datetime) -> None:
    path.write_text(article("https://ap.example/hostage-count", today - timedelta(days=2), "Hostage count",
                               "Hamas is holding 130 hostages in Gaza, Israeli officials said.",
                            "Qatar and Egypt are mediating talks on a truce."))


def reported(today: datetime) -> str:
    return article("https://reuters.example/talks-resume", today, "Hostage talks resume in Cairo",
                    "Hamas is holding 134 hostages in Gaza, the Israeli army said on Monday.",
                   "Negotiators from Qatar and Egypt met Hamas officials in Cairo for a new round of talks.")


def test_a_revised_article_shows_its_corrected_figure_once(env: dict[str, str], tmp_path: Path) -> None:
    today = datetime.now(UTC)
    earlier, report = tmp_path / "earlier.txt", tmp_path / "report.txt"
    write_earlier(earlier, today)
    first = reported(today)
    report.write_text(first)
    assert "1 new article" in bot(env, "ingest", str(earlier))
    assert "1 new article" in bot(env, "ingest", str(report))
    report.write_text(first.replace("134 hostages", "133 hostages"))
    assert "1 revised" in bot(env, "ingest", str(report))

    digest = bot(env, "digest", "hostage-talks")
    assert "134" not in digest.replace("corrected from 134", "")
    assert digest.count("133") == 2  # the headline and its one development line, nothing twice
    assert "hostages (hold): 130 -> 133 (reuters.example" in digest and "corrected from 134)" in digest

    brief = bot(env, "brief", "hostage-talks")
    numbers = brief.split("People and bodies involved:")[0]
    assert "130 (ap.example" in numbers and "-> 133 (reuters.example" in numbers and "134" not in numbers
    latest = brief.split("Last 5 developments:")[1]
    assert latest.count("133") == 1 and "134" not in latest.replace("corrected from 134", "")

    updates = bot(env, "updates", "--story", "hostage-talks")
    assert "holding 133 hostages" in updates and "holding 134 hostages" not in updates
    assert "corrected from 134 (the article was revised)" in updates

    found = bot(env, "search", "hostages", "holding")
    assert "133 hostages" in found and "134 hostages" not in found


@pytest.mark.postgres
def test_a_correction_reads_the_same_on_postgresql(postgres_url: str, env: dict[str, str], tmp_path: Path) -> None:
    core = build_core(load_settings({**env, "NEWSDESK_DATABASE_URL": postgres_url}))
    try:
        today = datetime.now(UTC)
        earlier, report = tmp_path / "earlier.txt", tmp_path / "report.txt"
        write_earlier(earlier, today)
        report.write_text(reported(today))
        core.pipeline.ingest_paths([earlier, report])
        report.write_text(reported(today).replace("134 hostages", "133 hostages"))
        assert core.pipeline.ingest_paths([report]).revised == 1
        post = build_digest(core.store, core.store.list_stories(), today - timedelta(hours=24), "hostage-talks")
        assert post is not None
        lines = "\n".join([*post.lines, *(line for reply in post.replies for line in reply.lines)])
        assert "corrected from 134)" in lines and "134" not in lines.replace("corrected from 134)", "")
        assert [h.sentence.text for h in core.store.search("hostages holding") if "134" in h.sentence.text] == []
    finally:
        core.close()
