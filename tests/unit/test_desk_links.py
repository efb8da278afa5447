"""Stored links lose tracking parameters; saved web pages are read as articles or refused; a seed
file without a date is undated; seed files are cited by title; `sources` groups files read once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.chat.render_text import citation_line
from bot.chat.sources_view import source_lines
from bot.domain import Citation
from bot.ingest.feeds import parse_feed
from bot.ingest.links import strip_tracking
from bot.ingest.seeds import SeedError, parse_article_text, parse_seed, read_seed, undated_files
from bot.store.repo import SourceHealth

ARTICLE_PAGE = """<!doctype html><html><head><title>Talks resume in Cairo | Desk</title>
<meta property="og:url" content="https://desk.example/talks?utm_source=rss&amp;id=7">
<meta property="og:site_name" content="Desk"><meta property="article:published_time" content="2024-04-02">
</head><body><nav>Home | World | Sport</nav><article><h1>Talks resume in Cairo</h1>
<p>Negotiators from Qatar and Egypt met Israeli and Hamas delegations in Cairo on Sunday to resume talks on a
truce and the release of hostages held in Gaza, officials from both mediating countries said.</p>
<p>The talks are expected to last several days, and a senior official said the gaps between the sides had
narrowed on the number of prisoners to be freed in the first phase of the deal.</p>
<p>An Israeli delegation led by the head of the Mossad is expected to join on Monday, according to reports.</p>
</article><footer>Contact us</footer></body></html>"""


@pytest.mark.parametrize(("url", "clean"), [
    ("https://a.example/x?utm_source=rss&utm_medium=rss&utm_campaign=c", "https://a.example/x"),
    ("https://a.example/x?id=7&fbclid=abc&gclid=d&mc_cid=1&mc_eid=2", "https://a.example/x?id=7"),
    ("https://a.example/x?page=2#xtor=RSS-1", "https://a.example/x?page=2"),
    ("https://a.example/x?page=2#section", "https://a.example/x?page=2#section"),
    ("https://a.example/x", "https://a.example/x"), ("seed:a.txt", "seed:a.txt"),
])
def test_strip_tracking(url: str, clean: str) -> None:
    assert strip_tracking(url) == clean


def test_feed_items_and_seed_headers_are_stored_without_tracking() -> None:
    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><item><title>A</title>"
            b"<link>https://a.example/x?utm_source=rss&amp;id=3</link><description>Text.</description></item>"
            b"</channel></rss>")
    item = parse_feed(body, "https://a.example/feed").items[0]
    assert item.url == "https://a.example/x?id=3" and item.guid == "https://a.example/x?utm_source=rss&id=3"
    raw = parse_article_text("# source: https://b.example/y?utm_medium=rss\n# date: 2024-01-02\n\nBody text.", "y.txt")
    assert raw.url == "https://b.example/y"


def test_a_txt_without_a_date_is_undated_not_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("# title: Notes\n\nQatar said talks would resume.\n", encoding="utf-8")
    [raw] = parse_seed(read_seed(path), "notes.txt")
    assert raw.published is None
    (tmp_path / "dated.txt").write_text("# date: 2024-01-02\n\nText.\n", encoding="utf-8")
    assert undated_files([tmp_path], lambda key: None) == ["notes.txt"]


def test_an_html_page_gives_its_article(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    [raw] = parse_seed(read_seed(path), "page.html")
    assert raw.title == "Talks resume in Cairo" and raw.source == "Desk"
    assert raw.url == "https://desk.example/talks?id=7"
    assert raw.published == datetime(2024, 4, 2, tzinfo=UTC)
    assert "Negotiators from Qatar" in raw.text and "Home | World" not in raw.text and "<" not in raw.text


@pytest.mark.parametrize("name", ["nav.html", "nav.txt"])
def test_a_page_with_no_article_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("<!doctype html><html><body><nav>Home | World</nav></body></html>", encoding="utf-8")
    with pytest.raises(SeedError, match="no article text was found in this HTML page"):
        parse_seed(read_seed(path), name)


def test_a_seed_file_is_cited_by_its_title() -> None:
    line = citation_line(Citation("Talks resume", "seed:000_seed.txt", "seed file", None, "s"))
    assert line == "seed file, undated: Talks resume" and "<seed:" not in line


def test_sources_lists_the_watched_folder_and_groups_files_read_once(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    now = datetime(2024, 4, 2, tzinfo=UTC)
    health = [
        SourceHealth("feed", "Wire desk", "ok", 0, None, now, None, 9, "https://reader:pw@w.example/rss"),
        SourceHealth("seed", str(seeds / "000_seed.txt"), "ok", 0, None, now, None, 1, str(seeds / "000_seed.txt")),
        *[SourceHealth("seed", f"/tmp/once/{i}.txt", "ok", 0, None, now, None, 1, f"/tmp/once/{i}.txt")
          for i in range(4)],
    ]
    lines = source_lines(health, seeds)
    assert lines[0].startswith("[feed] Wire desk (https://reader:***@w.example/rss): ok, 9 item(s)")
    assert lines[1].startswith("[seeds folder] 000_seed.txt: ok, 1 item(s)")
    assert lines[2].startswith("[ingested once] 4 file(s) read with 'ingest', not watched: 4 article(s)")
    assert len(lines) == 3
