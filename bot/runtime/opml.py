"""OPML for `import opml` and `export opml`: reading feeds out of a document, writing them into one.

Pure functions (tested on their own); a feed outline's category names the stories it is polled for.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from bot.domain import Attachment
from bot.redact import redact_url

URL = re.compile(r"^https?://\S+$")
MAX_OPML_FEEDS = 500  # feeds one `import opml` may add


def opml_attachment(attachments: tuple[Attachment, ...]) -> Attachment | None:
    """The attachment `import opml` should read: the first named .opml, else the first one."""
    for attachment in attachments:
        if attachment.name.lower().endswith(".opml"):
            return attachment
    return attachments[0] if attachments else None


def parse_opml(text: str, what: str = "That") -> list[tuple[str, str, list[str]]]:
    """(url, title, story ids) for each feed outline in an OPML document.

    Raises ValueError with one sentence about `what` ("That", "The attached file feeds.opml"),
    also when it lists more than `MAX_OPML_FEEDS` feeds.
    """
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ValueError(f"{what} has a DOCTYPE or entities; OPML with those is not accepted.")
    try:
        root = ET.fromstring(text.strip())
    except ET.ParseError as exc:
        raise ValueError(f"{what} is not valid OPML ({exc}).") from exc
    if root.tag.lower() != "opml":
        raise ValueError(f"{what} is XML but not OPML (its root element is <{root.tag}>, not <opml>).")
    found = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or ""
        if not URL.match(url):
            continue
        stories = [s.strip().lower() for s in (outline.get("category") or "").replace("/", ",").split(",") if s.strip()]
        found.append((url, outline.get("title") or outline.get("text") or "", stories))
        if len(found) > MAX_OPML_FEEDS:
            total = sum(1 for o in root.iter("outline") if URL.match(o.get("xmlUrl") or ""))
            raise ValueError(f"{what} lists {total:,} feeds; at most {MAX_OPML_FEEDS} can be imported at once "
                             "(split the file).")
    if not found:
        raise ValueError(f"{what} has no outlines with an xmlUrl (a feed's address), so there is nothing to import.")
    return found


def export_opml(feeds: list[dict[str, object]]) -> str:
    """OPML 2.0 listing the feeds; each outline's category names its stories (credentials in URLs masked)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             "<head><title>newsdesk-bot feeds</title></head>", "<body>"]
    for f in feeds:
        title = str(f.get("title") or redact_url(str(f["url"])))
        stories = ",".join(f.get("stories") or [])  # type: ignore[arg-type]
        lines.append(f'<outline type="rss" text={quoteattr(title)} title={quoteattr(title)} '
                     f'xmlUrl={quoteattr(redact_url(str(f["url"])))} category={quoteattr(stories)}/>')
    lines += ["</body>", "</opml>"]
    return "\n".join(lines)
