"""Story pages: the [web] settings, and the templates escaping every field a feed or a person can fill."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html

from bot.domain import Citation, Story
from bot.settings import ConfigError, load_settings
from bot.store.questions import AskedQuestion
from bot.store.repo import StorySummary
from bot.web.pages import page_environment, render_story_page
from bot.web.story_view import (
    Asked,
    Change,
    Development,
    FeedHealth,
    KeyNumber,
    Source,
    StoryLine,
    StoryPage,
    safe_link,
)

REPO = Path(__file__).resolve().parents[2]
EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


def settings_with(tmp_path: Path, web: str, **env: str) -> object:
    (tmp_path / "bot.toml").write_text(f"[web]\n{web}\n", encoding="utf-8")
    (tmp_path / "stories.toml").write_text((REPO / "config" / "stories.toml").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    return load_settings({"NEWSDESK_CONFIG_DIR": str(tmp_path), **env}).web_pages


def test_pages_are_off_by_default_and_links_need_a_public_url(tmp_path: Path) -> None:
    off = load_settings({"NEWSDESK_CONFIG_DIR": str(REPO / "config")}).web_pages
    assert not off.enabled and off.story_url("hostage-talks") is None
    on = settings_with(tmp_path, 'pages = true\npublic_url = "https://desk.example/news/"')
    assert on.story_url("hostage-talks") == "https://desk.example/news/stories/hostage-talks"
    assert settings_with(tmp_path, "pages = true").story_url("hostage-talks") is None


@pytest.mark.parametrize("web, problem", [
    ('pages = "yes"', "key 'web.pages': must be true or false, not 'yes'"),
    ('pages = true\npublic_url = "ftp://desk.example"', "key 'web.public_url': must be an http(s) address"),
    ('pages = true\npublic_url = "https://desk.example/?a=1"', "key 'web.public_url': must be an http(s) address"),
    ('pages = true\npublic_url = "https://user:pw@desk.example"', "not 'https://user:***@desk.example'"),
    ("pages = true\npublic_url = 3", "key 'web.public_url': must be an https:// URL string, not 3"),
    ('web = 1', None),
])
def test_bad_web_settings_stop_start_up_with_one_sentence(tmp_path: Path, web: str, problem: str | None) -> None:
    if problem is None:  # a key of [web] the pages do not own is left to the HTTP server
        assert not settings_with(tmp_path, web).enabled
        return
    with pytest.raises(ConfigError) as caught:
        settings_with(tmp_path, web)
    assert problem in str(caught.value) and "pw" not in str(caught.value)


def test_the_token_comes_from_the_environment_and_must_be_long(tmp_path: Path) -> None:
    token = "a" * 24
    assert settings_with(tmp_path, "pages = true", NEWSDESK_PAGES_TOKEN=token).token == token
    assert token not in repr(settings_with(tmp_path, "pages = true", NEWSDESK_PAGES_TOKEN=token))
    with pytest.raises(ConfigError, match="NEWSDESK_PAGES_TOKEN: must be at least 16"):
        settings_with(tmp_path, "pages = true", NEWSDESK_PAGES_TOKEN="short")


@pytest.mark.parametrize("url, kept", [
    ("https://example.org/a?b=1", True), ("HTTP://example.org/", True), ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False), ("data:text/html,<b>", False), ("seed:000_seed.txt", False),
    ("//evil.example/", False), ("https://exa mple.org/", False), ("", False),
])
def test_only_http_links_are_kept(url: str, kept: bool) -> None:
    assert safe_link(url) == (url if kept else "")


def hostile_page() -> StoryPage:
    when = datetime(2024, 3, 30, tzinfo=UTC)
    src = Source.of(Citation(EVIL, "javascript:alert(3)", EVIL, when, EVIL))
    linked = Source.of(Citation(EVIL, 'https://example.org/"><script>alert(4)</script>', EVIL, when, EVIL))
    change = Change(EVIL, EVIL, EVIL, src, linked, EVIL)
    dev = Development(7, "changed", EVIL, linked, change, 2)
    asked = Asked.of(AskedQuestion(EVIL, EVIL, EVIL, (Citation(EVIL, "javascript:x", EVIL, when, EVIL),), when))
    return StoryPage(
        story=Story("s", EVIL, EVIL), articles=1, developments_total=1, changes_total=1, latest=dev,
        key_numbers=[KeyNumber(EVIL, ((EVIL, src), (EVIL, linked)))], people=[(EVIL, 3)],
        upcoming=[(EVIL, EVIL, src)], timeline=[dev, Development(8, "changed", EVIL, src, Change("", EVIL, EVIL, src,
                                                                                                  src, EVIL))],
        page=1, pages=1, changes=[change], questions=[asked],
        feeds=[FeedHealth(EVIL, EVIL, EVIL, False, 2, EVIL, EVIL, 1)], seed_articles=1, seed_files=1, as_of=EVIL)


def test_every_field_of_a_story_page_is_escaped() -> None:
    body = render_story_page(page_environment(), hostile_page(), stylesheet="/stories.css", title=EVIL,
                             home="/stories", chart="/c.png", newer="", older="")
    assert "<script" not in body.lower() and "<img src=x" not in body
    doc = lxml_html.fromstring(body)
    assert doc.xpath("//script") == [] and [i.get("src") for i in doc.xpath("//img")] == ["/c.png"]
    hrefs = doc.xpath("//a/@href")
    assert 'https://example.org/"><script>alert(4)</script>' in hrefs  # one attribute, quoted
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    text = doc.text_content()
    assert text.count(EVIL) >= 20  # shown as text wherever it was put


def test_the_index_escapes_titles_and_sentences() -> None:
    page = hostile_page()
    line = StoryLine(StorySummary(page.story, 1, 1, None), page.latest, 1)
    body = page_environment().get_template("stories.html").render(
        stylesheet="/stories.css", title="Stories", lines=[line], links={"s": "/stories/s"})
    assert "<script" not in body.lower() and EVIL in lxml_html.fromstring(body).text_content()
