"""`ingest` and the seeds folder treat files alike, as a user sees it at the command line: a web page's
article is extracted (or the page refused), an undated file is reported undated, links lose tracking
parameters, seed files are cited by title, and `sources` groups one-off files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_runtime_process import bot
from tests.unit.test_desk_links import ARTICLE_PAGE

NAV_ONLY = "<!doctype html><html><body><nav>Home | World | Sport</nav></body></html>"
UNDATED = "# title: Desk notes on the talks\n\nQatar and Egypt said the Cairo talks on the hostages would resume.\n"


def test_ingest_and_the_seeds_folder_read_files_alike(env: dict[str, str], tmp_path: Path) -> None:
    once = tmp_path / "once"
    once.mkdir()
    (once / "page.html").write_text(ARTICLE_PAGE, encoding="utf-8")
    (once / "nav.html").write_text(NAV_ONLY, encoding="utf-8")
    (once / "notes.txt").write_text(UNDATED, encoding="utf-8")
    result = bot(env, "ingest", str(once / "page.html"), str(once / "nav.html"), str(once / "notes.txt"))
    assert "2 new article(s)" in result.stdout, result.stdout + result.stderr
    assert "undated: notes.txt has no '# date:' header, so it is stored as undated" in result.stdout
    assert "nav.html: no article text was found in this HTML page" in result.stderr

    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    seeds.mkdir(parents=True, exist_ok=True)
    (seeds / "nav.html").write_text(NAV_ONLY, encoding="utf-8")
    (seeds / "saved.htm").write_text(ARTICLE_PAGE.replace("Cairo on Sunday", "Cairo on Tuesday"), encoding="utf-8")
    chat = bot(env, "chat", stdin="sources\nwho are the mediators?\n")
    out = chat.stdout
    assert "[seeds folder] saved.htm: ok, 1 item(s)" in out, out + chat.stderr
    assert "[seeds folder] nav.html" in out and "no article text was found" in out
    assert "[ingested once] 3 file(s) read with 'ingest', not watched" in out
    assert "<!doctype" not in out.lower() and "Traceback" not in chat.stderr

    answer = bot(env, "ask", "--json", "who are the mediators?")
    cites = json.loads(answer.stdout)["citations"]
    assert all("utm_" not in c["url"] for c in cites)
    updates = bot(env, "updates", "--json", "--since", "36500d").stdout
    assert "utm_source" not in updates and "<!doctype" not in updates.lower()
    digest = bot(env, "digest", "--since", "36500d").stdout
    assert "<seed:" not in digest
