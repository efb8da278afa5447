"""Story pages end to end: a running bot over the dev articles (and a hostile feed on 127.0.0.1), its pages
served over real HTTP on 127.0.0.1 and read as an editor's browser would get them."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import ClientSession, web
from lxml import html as lxml_html
from sqlalchemy import create_engine, text

from bot.runtime.app import Runtime
from bot.runtime.core import build_core
from bot.settings import load_settings
from bot.web.pages import add_story_pages
from bot.web.story_view import story_page
from tests.support.runtime_kit import ARTICLES, ConsoleChannel, drop_seed, drop_today, make_core, wait_for
from tests.support.story_site import (
    HOSTILE_FEED_TITLE,
    HOSTILE_SENTENCE,
    HOSTILE_TITLE,
    PUBLIC_URL,
    StorySite,
    story_site,
    write_config,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

NEWSMAX = "https://www.newsmax.com/world/globaltalk/israel-talks-egypt/2024/03/30/id/1159220/"
SEED_OUTLET = "project seed document"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[StorySite]:
    async with story_site(tmp_path_factory.mktemp("site"), questions=("who are the mediators?",
                                                                      "who won the 1966 World Cup?")) as running:
        yield running


async def fetch(url: str, **kw: object) -> tuple[int, dict[str, str], str]:
    async with ClientSession() as client, client.get(url, **kw) as response:  # type: ignore[arg-type]
        return response.status, dict(response.headers), await response.text()


def section(doc: lxml_html.HtmlElement, name: str) -> lxml_html.HtmlElement:
    found = doc.xpath(f"//section[@id='{name}']")
    assert found, f"no section {name}"
    return found[0]


def words(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


async def test_index_lists_each_story_with_counts_and_latest_development(site: StorySite) -> None:
    status, headers, body = await fetch(f"{site.url}/stories")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    doc = lxml_html.fromstring(body)
    store = site.runtime.core.store
    items = doc.xpath("//ul[@class='stories']/li")
    assert [words(li.xpath(".//h2")[0]) for li in items] == ["Hostage-release talks", "Rafah offensive dispute"]
    hostage = items[0]
    assert hostage.xpath(".//h2/a/@href") == ["/stories/hostage-talks"]
    count = len(store.list_updates(story="hostage-talks"))
    assert f"{count} developments" in words(hostage)
    assert "2 questions asked" in words(hostage)
    # the latest development by publication is from the feed's item of 1 Apr
    latest = words(hostage.xpath(".//p[@class='latest']")[0])
    assert latest.startswith("Latest: ") and latest.endswith(f"{HOSTILE_FEED_TITLE}, 1 Apr 2024")
    # ... the same development the story's page shows first
    story = lxml_html.fromstring((await fetch(f"{site.url}/stories/hostage-talks"))[2])
    first = words(section(story, "timeline").xpath(".//p[@class='sentence']")[0])
    assert latest == f"Latest: {first} {HOSTILE_FEED_TITLE}, 1 Apr 2024"


async def test_story_page_shows_the_change_136_to_130_with_both_sources(site: StorySite) -> None:
    status, _, body = await fetch(f"{site.url}/stories/hostage-talks")
    assert status == 200
    doc = lxml_html.fromstring(body)
    changes = section(doc, "changes").xpath(".//li")
    held = [li for li in changes if "hostages (hold):" in words(li) and re.search(r"\b136 -> 130\b", words(li))]
    assert held, [words(li) for li in changes]
    now, was = held[0].xpath(".//p[@class='sources']/span[@class='source']")
    assert now.xpath("./a/@href") == [NEWSMAX] and words(now) == "newsmax.com, 30 Mar 2024"
    assert words(was) == f"{SEED_OUTLET}, 11 Feb 2024" and not was.xpath("./a")  # a seed file has no link
    # the state of play carries the figure's history too
    numbers = [words(li) for li in section(doc, "state").xpath(".//ul[@class='numbers']/li")]
    assert any(n.startswith("hostages (hold): 136 (project seed document, 11 Feb 2024) -> 130 (newsmax.com")
               for n in numbers), numbers


async def test_timeline_is_newest_first_with_the_mediators_sentence_and_its_link(site: StorySite) -> None:
    _, _, body = await fetch(f"{site.url}/stories/hostage-talks")
    doc = lxml_html.fromstring(body)
    items = section(doc, "timeline").xpath(".//ol[@class='timeline']/li")
    dates = [li.xpath(".//p[@class='meta']//time/@datetime")[0] for li in items]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2024-04-01" and dates[-1] == "2024-01-30"
    mediators = [li for li in items if "Qatar and Egypt had been mediating" in words(li)]
    assert mediators
    assert mediators[0].xpath(".//p[@class='meta']//a/@href") == [NEWSMAX]
    seed = [li for li in items if "Both Qatar and Egypt have been the mediators" in words(li)]
    assert seed and f"{SEED_OUTLET}, 11 Feb 2024" in words(seed[0])
    # every link on the page is http(s) or the page's own
    for href in doc.xpath("//a/@href"):
        assert href.startswith(("http://", "https://", "/stories", "#")), href


async def test_questions_asked_in_chat_show_with_the_answers_given(site: StorySite) -> None:
    _, _, body = await fetch(f"{site.url}/stories/hostage-talks")
    asked = section(lxml_html.fromstring(body), "questions").xpath(".//ol[@class='questions']/li")
    mediators = [q for q in asked if "who are the mediators?" in words(q)]
    assert mediators
    expected = site.runtime.core.ask("who are the mediators?").answer
    assert expected and words(mediators[0].xpath(".//p[@class='a']")[0]) == f"A {expected}"
    assert mediators[0].xpath(".//ul[@class='cited']//a/@href")  # the sources it gave, linked
    # a question the bot could not answer is shown as such, not dropped
    unknown = [q for q in asked if "who won the 1966 World Cup?" in words(q)]
    assert site.runtime.core.ask("who won the 1966 World Cup?").answer is None
    assert unknown and words(unknown[0].xpath(".//p[contains(@class, 'a')]")[0]) == "A The bot did not know."
    # newest first
    assert asked.index(unknown[0]) < asked.index(mediators[0])


async def test_feeds_that_feed_the_story_show_with_their_health(site: StorySite) -> None:
    _, _, body = await fetch(f"{site.url}/stories/hostage-talks")
    feeds = section(lxml_html.fromstring(body), "feeds")
    rows = feeds.xpath(".//table[@class='feeds']/tbody/tr")
    assert len(rows) == 1
    cells = [words(td) for td in rows[0].xpath("./td")]
    assert cells[0] == f"{HOSTILE_FEED_TITLE} {site.feed.url}"
    assert cells[1].startswith("ok") and rows[0].get("class") == "ok" and cells[2] == "1"
    # the dev articles filed under the story (wire copies included) came from the seeds folder
    assert "8 articles came from 8 files (seeds or ingest)." in words(feeds)
    _, _, rafah = await fetch(f"{site.url}/stories/rafah-offensive")
    assert "No feed serves this story." in words(section(lxml_html.fromstring(rafah), "feeds"))


async def test_a_feed_item_holding_markup_shows_as_text(site: StorySite) -> None:
    status, headers, body = await fetch(f"{site.url}/stories/hostage-talks")
    assert status == 200
    assert "<script" not in body.lower()
    assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in body
    doc = lxml_html.fromstring(body)
    sentences = [words(p) for p in doc.xpath("//p[@class='sentence']")]
    assert HOSTILE_SENTENCE in sentences
    titles = [words(t) for t in doc.xpath("//span[@class='title']")]
    assert HOSTILE_TITLE in titles
    assert "script-src" not in headers["Content-Security-Policy"]
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers.get("Content-Encoding") in ("gzip", "deflate", "br")  # a phone gets the page compressed


async def test_an_unknown_story_is_a_404_page_with_its_name_escaped(site: StorySite) -> None:
    status, _, body = await fetch(f"{site.url}/stories/%3Cb%3Enope%3C%2Fb%3E")
    assert status == 404
    assert "No story is tracked as &#39;&lt;b&gt;nope&lt;/b&gt;&#39;." in body


async def test_pages_only_read(site: StorySite) -> None:
    async with ClientSession() as client:
        for method in ("POST", "PUT", "DELETE"):
            async with client.request(method, f"{site.url}/stories/hostage-talks") as response:
                assert response.status == 405
        async with client.head(f"{site.url}/stories/hostage-talks") as response:
            assert response.status == 200 and response.content_type == "text/html"


async def test_no_chart_renderer_no_chart(site: StorySite) -> None:
    _, _, body = await fetch(f"{site.url}/stories/hostage-talks")
    assert "<img" not in body
    status, _, _ = await fetch(f"{site.url}/stories/hostage-talks/timeline.png")
    assert status == 404


async def test_the_timeline_pages_through_every_development_once(site: StorySite) -> None:
    core = site.runtime.core
    story = next(s for s in core.store.list_stories() if s.id == "hostage-talks")
    total = len(core.store.list_updates(story="hostage-talks"))
    first = story_page(core.store, site.runtime.questions, story, 1, page_size=10)
    assert first.pages == -(-total // 10) and len(first.timeline) == 10
    seen = [d.id for p in range(1, first.pages + 1)
            for d in story_page(core.store, site.runtime.questions, story, p, page_size=10).timeline]
    assert len(seen) == len(set(seen)) == total
    assert story_page(core.store, site.runtime.questions, story, 999, page_size=10).page == first.pages


async def test_a_page_seen_before_shows_what_arrived_since(site: StorySite) -> None:
    """Pages are remembered until their story changes: a new article and a new question show at once."""
    url = f"{site.url}/stories/hostage-talks"
    before = (await fetch(url))[2]
    sentence = "A Qatari negotiator said one hostage was freed on Monday, leaving 129 hostages held in Gaza."
    drop_seed(site.seeds, "zz_new.txt", "# source: https://wire.example/new\n# date: 2024-04-02\n"
              "# title: Hostage talks: one captive freed as mediators push truce\n\n"
              "Mediators from Qatar and Egypt said on Tuesday that the hostage talks in Cairo would resume next week."
              f"\n\n{sentence}\n")
    assert await wait_for(lambda: any(u.sentence == sentence
                                      for u in site.runtime.core.store.list_updates(story="hostage-talks")), 30)
    await site.channel.say(site.runtime, "how many hostages are still held?")
    after = lxml_html.fromstring((await fetch(url))[2])
    newest = section(after, "timeline").xpath(".//ol[@class='timeline']/li")[:2]
    assert sentence in [words(li.xpath(".//p[@class='sentence']")[0]) for li in newest] and sentence not in before
    assert all(li.xpath(".//p[@class='meta']//a/@href") == ["https://wire.example/new"] for li in newest)
    asked = section(after, "questions").xpath(".//ol[@class='questions']/li")
    assert "how many hostages are still held?" in words(asked[0])


# ---- access, settings and the chart, on a store with nothing ingested ------------------------------

@pytest_asyncio.fixture(loop_scope="module")
async def bare(tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    config = write_config(tmp_path / "config", "http://127.0.0.1:9/feed.xml")
    yield {"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}", "NEWSDESK_CONFIG_DIR": str(config),
           "NEWSDESK_SEEDS_DIR": str(tmp_path / "seeds"), "NEWSDESK_DATA_DIR": str(tmp_path / "data")}


async def serve(env: dict[str, str], ingest: tuple[str, ...] = (), **kw: object) -> tuple[web.AppRunner, str, bool]:
    core = build_core(load_settings(env))
    core.pipeline.ingest_paths([ARTICLES / name for name in ingest])
    app = web.Application()
    added = add_story_pages(app, core.store, core.settings, **kw)  # type: ignore[arg-type]
    app.on_cleanup.append(lambda _: _close(core))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}", added


async def _close(core: object) -> None:
    core.close()  # type: ignore[attr-defined]


async def test_with_a_token_pages_need_it_as_query_or_bearer(bare: dict[str, str]) -> None:
    token = "s3cret-desk-token-0123"
    runner, url, _ = await serve({**bare, "NEWSDESK_PAGES_TOKEN": token})
    try:
        status, headers, body = await fetch(f"{url}/stories")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert "Hostage-release talks" not in body
        assert (await fetch(f"{url}/stories?token=wrong-{token}"))[0] == 401
        assert (await fetch(f"{url}/stories/hostage-talks"))[0] == 401
        status, _, body = await fetch(f"{url}/stories?token={token}")
        assert status == 200 and f'href="/stories/hostage-talks?token={token}"' in body
        status, headers, body = await fetch(f"{url}/stories/hostage-talks?token={token}")
        assert status == 200 and f"token={token}" in body and "Content-Encoding" not in headers
        status, _, body = await fetch(f"{url}/stories/hostage-talks",
                                      headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and "Hostage-release talks" in body and "token=" not in body
        assert (await fetch(f"{url}/stories.css"))[0] == 200  # the stylesheet holds no story data
    finally:
        await runner.cleanup()


async def test_a_store_that_cannot_be_read_gives_one_sentence(bare: dict[str, str]) -> None:
    runner, url, _ = await serve(bare)
    try:
        broken = create_engine(bare["NEWSDESK_DATABASE_URL"])
        with broken.begin() as conn:
            conn.execute(text("DROP TABLE questions"))
        broken.dispose()
        status, _, body = await fetch(f"{url}/stories/hostage-talks")
        assert status == 500 and "This page could not be made just now" in body and "Traceback" not in body
        assert (await fetch(f"{url}/stories"))[0] == 500
    finally:
        await runner.cleanup()


async def test_pages_off_in_config_add_no_route(bare: dict[str, str]) -> None:
    bot_toml = Path(bare["NEWSDESK_CONFIG_DIR"]) / "bot.toml"
    bot_toml.write_text(bot_toml.read_text(encoding="utf-8").replace("pages = true", "pages = false"),
                        encoding="utf-8")
    runner, url, added = await serve(bare)
    try:
        assert added is False
        assert (await fetch(f"{url}/stories"))[0] == 404
    finally:
        await runner.cleanup()


async def test_an_injected_chart_is_shown_and_served(bare: dict[str, str]) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"fake-but-opaque-bytes"
    asked: list[str] = []

    def chart(story: str) -> bytes | None:
        asked.append(story)
        return png if story == "hostage-talks" else None

    runner, url, _ = await serve(bare, ingest=("001.txt",), chart=chart)
    try:
        _, _, body = await fetch(f"{url}/stories/hostage-talks")
        img = lxml_html.fromstring(body).xpath("//section[@id='chart']//img")
        assert img and img[0].get("src") == "/stories/hostage-talks/timeline.png" and img[0].get("alt")
        _, _, quiet = await fetch(f"{url}/stories/rafah-offensive")  # nothing on it yet: no chart at all
        assert "<img" not in quiet and not lxml_html.fromstring(quiet).xpath("//section[@id='chart']")
        async with ClientSession() as client, client.get(f"{url}/stories/hostage-talks/timeline.png") as response:
            assert response.status == 200 and response.content_type == "image/png"
            assert await response.read() == png
        assert (await fetch(f"{url}/stories/rafah-offensive/timeline.png"))[0] == 404  # nothing to draw
        assert (await fetch(f"{url}/stories/nope/timeline.png"))[0] == 404
        assert asked == ["hostage-talks", "rafah-offensive"]
    finally:
        await runner.cleanup()


async def test_live_threads_and_digests_link_to_the_full_timeline(bare: dict[str, str]) -> None:
    seeds = Path(bare["NEWSDESK_SEEDS_DIR"])
    core = make_core({**bare, "NEWSDESK_FETCH_ALLOW": "127.0.0.1"}, seeds_rescan_seconds=0.2)
    channel = ConsoleChannel()
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=3600)
    await rt.start(start_adapters=False)
    try:
        await rt.first_scan.wait()
        await channel.say(rt, "subscribe hostage-talks")
        await channel.say(rt, "subscribe hostage-talks daily 23:59")
        drop_today(seeds, "001.txt")
        link = f"Full timeline: {PUBLIC_URL}/stories/hostage-talks"
        assert await wait_for(lambda: "Qatar proposes six-week war pause" in channel.text, timeout=20)
        parent = next(line for line in channel.text.splitlines() if "live updates" in line)
        after = channel.text[channel.text.index(parent):]
        assert link in after.split("Qatar proposes six-week war pause")[0]  # in the thread's parent post
        reply = await channel.say(rt, "digest hostage-talks")
        assert link in reply
        # a daily digest's story reply ends with the link too
        daily = next(s for s in rt.repo.subscriptions(story="hostage-talks") if s.mode == "daily")
        assert rt.delivery.queue_digest(daily.id) > 0
        replies = [r for r in rt.repo.rows() if r.kind == "digest-reply" and r.subscription_id == daily.id]
        assert replies and replies[0].post.lines[-1] == link
    finally:
        await rt.stop()
        core.close()
        shutil.rmtree(seeds, ignore_errors=True)
