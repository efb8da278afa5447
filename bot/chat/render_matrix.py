"""Render a platform-neutral `Post` as Matrix message content.

Every message is an `m.notice` (the convention for bot output: other bots do not answer notices)
with HTML in `formatted_body` (format `org.matrix.custom.html`) and a clean plain-text `body`.
Text that came from feeds must never ping anyone: each message carries an empty `m.mentions`
(intentional mentions, so clients and servers skip the old body-matching rules), and `@room` and
Matrix user ids in the text are broken with an invisible word joiner so no client turns them into
mentions or pills. Feed links that are Matrix permalinks (`https://matrix.to/#/@user:server`,
rooms, events) are never linked, and shown with their host and ids broken the same way, since
clients render such links as user or room pills.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.chat.render_fit import largest_fitting
from bot.domain import Citation, Image, Post

HTML_FORMAT = "org.matrix.custom.html"
# Synapse refuses events over 65,536 bytes (M_TOO_LARGE). A post's body and HTML together, as JSON,
# stay under this budget, so even an edit (which carries both twice) is well inside the limit.
CONTENT_BUDGET = 28_000
WORD_JOINER = "\u2060"

_ROOM_PING = re.compile(r"@(room)\b", re.IGNORECASE)
_USER_ID = re.compile(r"@([A-Za-z0-9._=/+\-]+:[A-Za-z0-9.\-]+(?::\d+)?)")
_SAFE_SCHEMES = ("http://", "https://")
_PERMALINK = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^/?#]*\.)?matrix\.to(?::\d+)?(?:[/?#]|$)"
                        r"|#/(?:@|%40|!|%21|#|%23|\+|%2b)|^matrix:", re.IGNORECASE)


@dataclass(frozen=True)
class RenderedPost:
    """A post as Matrix wants it: plain `body` and HTML `formatted_body`."""

    body: str
    html: str


def neutralise(text: str) -> str:
    """Break `@room` and user ids in text so they cannot notify or render as pills."""
    text = _ROOM_PING.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)
    return _USER_ID.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)


def is_permalink(url: str) -> bool:
    """Whether `url` points at a Matrix user, room or event (a matrix.to link or a matrix: URI)."""
    return bool(_PERMALINK.search(url))


def shown_url(url: str) -> str:
    """A URL as text in a message: ids broken; a permalink's host broken too, so nothing links to a pill."""
    if is_permalink(url):
        url = re.sub(r"(?i)matrix\.to", "matrix" + WORD_JOINER + ".to", url)
        url = re.sub(r"(?i)(@|%40|!|%21|#/#|%23|\+|%2b)", lambda m: m.group(1) + WORD_JOINER, url)
    return neutralise(url)


def _date(published: datetime | None) -> str:
    return published.strftime("%Y-%m-%d") if published else ""


def _citation_plain(index: int, citation: Citation) -> str:
    meta = ", ".join(part for part in (neutralise(citation.source), _date(citation.published)) if part)
    title = neutralise(citation.title) or shown_url(citation.url)
    line = f"[{index}] {title}"
    if meta:
        line += f" ({meta})"
    if citation.url and not citation.url.startswith("seed:"):  # a seed file is named by its title
        line += f" {shown_url(citation.url)}"
    if citation.sentence:
        line += f'\n    "{neutralise(citation.sentence)}"'
    return line


def _citation_html(citation: Citation) -> str:
    title = html.escape(neutralise(citation.title) or shown_url(citation.url))
    if citation.url.startswith(_SAFE_SCHEMES) and not is_permalink(citation.url):
        title = f'<a href="{html.escape(citation.url, quote=True)}">{title}</a>'
    meta = ", ".join(
        html.escape(part) for part in (neutralise(citation.source), _date(citation.published)) if part
    )
    item = title + (f" ({meta})" if meta else "")
    if citation.sentence:
        item += f"<blockquote>{html.escape(neutralise(citation.sentence))}</blockquote>"
    return f"<li>{item}</li>"


def render_post(post: Post) -> RenderedPost:
    """Render one post (not its replies) as plain text and HTML, neutralising pings."""
    heading = neutralise(post.heading.strip())
    lines = [neutralise(line) for line in post.lines if line.strip()]
    plain: list[str] = []
    markup: list[str] = []
    if heading:
        plain.append(heading)
        markup.append(f"<p><strong>{html.escape(heading)}</strong></p>")
    if lines:
        plain.append("\n".join(lines))
        markup.append("<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>")
    if post.citations:
        plain.append(
            "Sources:\n" + "\n".join(_citation_plain(i, c) for i, c in enumerate(post.citations, start=1))
        )
        markup.append("<p>Sources:</p><ol>" + "".join(_citation_html(c) for c in post.citations) + "</ol>")
    return RenderedPost(body="\n\n".join(plain), html="".join(markup))


def _json_size(rendered: RenderedPost) -> int:
    return len(json.dumps({"body": rendered.body, "formatted_body": rendered.html}))


def fitted_render(post: Post) -> RenderedPost:
    """`render_post`, with the post cut (and a note saying so) when it would exceed `CONTENT_BUDGET`."""
    return render_post(largest_fitting(post, lambda p: _json_size(render_post(p)) <= CONTENT_BUDGET,
                                       CONTENT_BUDGET))


def notice_content(text: str) -> dict[str, Any]:
    """A plain `m.notice` (used for the bot's own short status sentences)."""
    return {"msgtype": "m.notice", "body": text, "m.mentions": {}}


def message_content(
    post: Post, thread_root: str | None = None, in_reply_to: str | None = None
) -> dict[str, Any]:
    """Content of an `m.room.message` for `post`, in the thread `thread_root` when given.

    Thread replies carry `is_falling_back` with `m.in_reply_to` pointing at the latest event we
    know in the thread, so clients without thread support show a plain reply.
    """
    rendered = fitted_render(post)
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": rendered.body,
        "format": HTML_FORMAT,
        "formatted_body": rendered.html,
        "m.mentions": {},
    }
    if thread_root:
        content["m.relates_to"] = thread_relation(thread_root, in_reply_to)
    return content


def thread_relation(thread_root: str, in_reply_to: str | None = None) -> dict[str, Any]:
    """`m.relates_to` of an event in the thread `thread_root`, falling back to a reply for old clients."""
    return {"rel_type": "m.thread", "event_id": thread_root, "is_falling_back": True,
            "m.in_reply_to": {"event_id": in_reply_to or thread_root}}


def image_content(image: Image, mxc: str, thread_root: str | None = None,
                  in_reply_to: str | None = None) -> dict[str, Any]:
    """Content of an `m.image` showing `image`, uploaded to the media repository at `mxc`.

    The alt text is the `body` (what screen readers and text-only clients show; with `filename`
    set, clients show it as the caption) and `info` gives the picture's w, h, mimetype and size.
    Feed text in the alt text can never ping anyone (`neutralise`).
    """
    content: dict[str, Any] = {
        "msgtype": "m.image",
        "body": neutralise(image.alt),
        "filename": image.name,
        "url": mxc,
        "info": {"w": image.width, "h": image.height, "mimetype": image.mimetype, "size": len(image.data)},
        "m.mentions": {},
    }
    if thread_root:
        content["m.relates_to"] = thread_relation(thread_root, in_reply_to)
    return content


def edit_content(event_id: str, post: Post) -> dict[str, Any]:
    """Content of an `m.replace` edit that makes `event_id` show `post`."""
    rendered = fitted_render(post)
    new_content = {
        "msgtype": "m.notice",
        "body": rendered.body,
        "format": HTML_FORMAT,
        "formatted_body": rendered.html,
        "m.mentions": {},
    }
    return {
        "msgtype": "m.notice",
        "body": "* " + rendered.body,
        "format": HTML_FORMAT,
        "formatted_body": "* " + rendered.html,
        "m.new_content": new_content,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        "m.mentions": {},
    }
