"""`brief STORY` as an editor reads it from the CLI: what is scheduled next and who is involved,
without the noise (outlets, datelines, fragments of titles, places, passing mentions)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EVAL_ARTICLES, REPO


def bot(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env={**env, "PATH": "/usr/bin:/bin"}, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def part(brief: str, heading: str, following: str) -> list[str]:
    lines = [line.strip() for line in brief.splitlines()]
    return lines[lines.index(heading) + 1:lines.index(following)]


def test_the_brief_says_what_is_scheduled_next_and_who_is_involved(env: dict[str, str]) -> None:
    bot(env, "ingest", str(EVAL_ARTICLES))
    talks = bot(env, "brief", "hostage-talks")
    assert part(talks, "Scheduled next:", "Last 5 developments:") == [
        "- 2024-03-31: Egypt's Al Qahera News TV said on Saturday, quoting a security source, that truce talks "
        "between Israel and Hamas would start again on Sunday in Cairo. (newsmax.com, 30 Mar)"]
    people = part(talks, "People and bodies involved:", "Scheduled next:")[0]
    assert people.startswith("- Hamas (") and "Benjamin Netanyahu (" in people and "William Burns (" in people
    for noise in ("State (", "Reuters", "Al Qahera", "Channel 13"):
        assert noise not in people
    assert people.count("Netanyahu") == 1  # "Netanyahu" counted as "Benjamin Netanyahu"
    rafah = part(bot(env, "brief", "rafah-offensive"), "People and bodies involved:", "Scheduled next:")[0]
    assert rafah == "- Hamas (10), Benjamin Netanyahu (8), Joe Biden (6)"  # no JERUSALEM, ABC, Rafah, Khan Younis
