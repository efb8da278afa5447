"""The story page in a real headless Chromium at a phone's width, served by a running bot over the dev articles.

Skipped, with the reason, where Debian's `chromium` and `chromium-driver` are not installed (.ci/run
installs them). The phone-width screenshot is kept as a test artifact under tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

import pytest

from tests.support.story_site import HOSTILE_SENTENCE, HOSTILE_TITLE, story_site
from tests.support.webdriver import Browser, browser_missing, headless_chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
NEWSMAX = "https://www.newsmax.com/world/globaltalk/israel-talks-egypt/2024/03/30/id/1159220/"
PHONE_WIDTH = 390

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")


async def items_with(browser: Browser, css: str, words: str) -> list[str]:
    """The elements matching `css` whose rendered text holds `words`."""
    return [e for e in await browser.find_all(css) if words in await browser.text(e)]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


async def test_story_page_in_chromium_at_phone_width(tmp_path: Path) -> None:
    async with story_site(tmp_path) as site, headless_chromium(width=PHONE_WIDTH) as browser:
        await browser.open(f"{site.url}/stories")
        story_links = await items_with(browser, "ul.stories h2 a", "Hostage-release talks")
        assert story_links and (await browser.attribute(story_links[0], "href")).endswith("/stories/hostage-talks")

        await browser.open(f"{site.url}/stories/hostage-talks")
        assert await browser.script("return document.title") == "Hostage-release talks · newsdesk"

        # the mediators' sentence, with its source link
        mediators = await items_with(browser, "ol.timeline li", "Qatar and Egypt had been mediating")
        assert mediators
        links = await browser.find_all("p.meta a", within=mediators[0])
        assert [await browser.attribute(a, "href") for a in links] == [NEWSMAX]
        assert await browser.text(links[0]) == "newsmax.com"

        # the 136 -> 130 change, with both sources
        changes = await items_with(browser, "#changes li", "hostages (hold): 136 -> 130")
        assert changes, [await browser.text(e) for e in await browser.find_all("#changes li")]
        text = await browser.text(changes[0])
        assert re.search(r"now: newsmax\.com, 30 Mar 2024; was: project seed document, 11 Feb 2024", text), text
        assert [await browser.attribute(a, "href") for a in await browser.find_all("a", within=changes[0])] \
            == [NEWSMAX]

        # a feed item holding <script> shows as text, and nothing ran
        hostile = await items_with(browser, "ol.timeline li", "hoax message reading")
        assert hostile and HOSTILE_SENTENCE in await browser.text(hostile[0])
        assert HOSTILE_TITLE in await browser.text(hostile[0])
        assert await browser.script("return document.getElementsByTagName('script').length") == 0
        assert not await browser.alert_open()

        # the stylesheet applied, and nothing is wider than the phone
        assert await browser.script("return getComputedStyle(document.body).margin") == "0px"
        widths = await browser.script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == PHONE_WIDTH, widths

        png = await browser.screenshot()
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "story-page-phone.png"
        shot.write_bytes(png)
        width, height = png_size(png)
        assert width == PHONE_WIDTH * 2 and height > 844 * 2  # the whole page at the phone's pixel ratio
        print(f"screenshot: {shot} ({width}x{height})")

        # printable: navigation hidden, sources' links spelled out, and Chromium makes a PDF of it
        await browser.devtools("Emulation.setEmulatedMedia", {"media": "print"})
        assert await browser.script("return getComputedStyle(document.querySelector('nav.toc')).display") == "none"
        first_link = await browser.script("return document.querySelector('li.dev .source a').href")
        printed = await browser.script(
            "return getComputedStyle(document.querySelector('li.dev .source a'), '::after').content")
        assert printed == f'" <{first_link}>"', printed
        pdf = base64.b64decode((await browser.devtools("Page.printToPDF", {}))["data"])
        assert pdf.startswith(b"%PDF")
        (ARTIFACTS / "story-page-print.pdf").write_bytes(pdf)
