"""Slack formatting: a `Post` as Block Kit messages, and Slack message text as plain text.

Everything that comes from feeds is escaped for mrkdwn (`&`, `<`, `>`) and stripped of its power to
notify people: `<!channel>` and friends are escaped into literal text, and bare `@channel`,
`@here` and `@everyone` get an invisible word joiner after the `@`. Text objects are sent with
`verbatim: true` so Slack does not auto-link names or mentions in them either.

Slack's documented limits are kept by splitting: at most 50 blocks and 40,000 characters of text
per message and 3,000 characters per section or context text. A post that does not fit becomes
several messages, every character of its content in one of them, up to `MAX_MESSAGES_PER_POST`
messages; a post bigger than that (a runaway feed item) is cut to fit them, its last message
saying how much was left out, so one post can never flood a channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.chat.render_fit import largest_fitting
from bot.domain import Citation, Post

BLOCKS_PER_MESSAGE = 50
TEXT_OBJECT_LIMIT = 3000
MESSAGE_TEXT_LIMIT = 40000
CONTEXT_ELEMENTS = 10
MAX_MESSAGES_PER_POST = 5
# Room left for the continuation marker and newlines when text is packed into one message.
_MESSAGE_BUDGET = MESSAGE_TEXT_LIMIT - 1000

_BROADCAST = re.compile(r"(?<!\w)@(channel|here|everyone)\b", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_ENTITY_TAIL = re.compile(r"&[a-z]{0,3}$")


@dataclass
class SlackMessage:
    """One chat.postMessage worth of content: Block Kit blocks and the plain `text` fallback."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""


def escape(text: str) -> str:
    """Escape plain text for Slack mrkdwn so it shows as written and can never notify anyone."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _WORD_JOINER + m.group(1), text)


def link(url: str, title: str) -> str:
    """A mrkdwn link `<url|title>`; anything but an http(s) URL is shown as escaped text instead."""
    label = escape(" ".join(title.split()) or url)
    if not re.match(r"https?://[^\s]+$", url):
        return f"{label} ({escape(url)})" if url and not url.startswith("seed:") else label
    safe_url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe_url}|{label}>"


def split_text(text: str, limit: int = TEXT_OBJECT_LIMIT) -> list[str]:
    """Split (already escaped) text into pieces of at most `limit` characters, losing nothing.

    Pieces end at a line break or a space when there is one; an entity such as `&amp;` is never
    cut in two. Joining the pieces with the separators they were split at gives the text back.
    """
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n"), window.rfind(" "))
        if cut <= 0:
            cut = limit
            tail = _ENTITY_TAIL.search(window)
            if tail:
                cut = tail.start()
            pieces.append(rest[:cut])
            rest = rest[cut:]
        else:
            pieces.append(rest[:cut])
            rest = rest[cut + 1 :]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _sections(paragraphs: list[str]) -> list[dict[str, Any]]:
    """Pack escaped paragraphs into as few sections as the text limit allows, in order."""
    blocks: list[dict[str, Any]] = []
    current = ""
    for para in paragraphs:
        for piece in split_text(para):
            if current and len(current) + 1 + len(piece) <= TEXT_OBJECT_LIMIT:
                current = f"{current}\n{piece}"
            else:
                if current:
                    blocks.append(_section(current))
                current = piece
    if current:
        blocks.append(_section(current))
    return blocks


def _when(published: datetime | None) -> str:
    return published.strftime("%Y-%m-%d") if published else ""


def citation_blocks(citation: Citation) -> list[dict[str, Any]]:
    """Context block(s) for one citation: `<url|title> · source · date`, then the quoted sentence."""
    meta = [escape(part) for part in (citation.source, _when(citation.published)) if part]
    head = " · ".join([link(citation.url, citation.title), *meta])
    if len(head) > TEXT_OBJECT_LIMIT:  # an absurd URL: show it as text rather than lose any of it
        head = " · ".join([escape(citation.title), escape(citation.url), *meta])
    elements = [_mrkdwn(p) for p in split_text(head)]
    if citation.sentence.strip():
        quoted = escape("\u201c" + " ".join(citation.sentence.split()) + "\u201d")
        elements += [_mrkdwn(p) for p in split_text(quoted)]
    return [
        {"type": "context", "elements": elements[i : i + CONTEXT_ELEMENTS]}
        for i in range(0, len(elements), CONTEXT_ELEMENTS)
    ]


def block_text(block: dict[str, Any]) -> str:
    """All the text a block carries (what counts against the per-message text limit)."""
    if block["type"] == "section":
        return str(block["text"]["text"])
    if block["type"] == "context":
        return "\n".join(str(el["text"]) for el in block["elements"])
    return ""


def post_blocks(post: Post) -> list[dict[str, Any]]:
    """Every block of `post` (heading, lines, citations) before splitting into messages."""
    blocks: list[dict[str, Any]] = []
    if post.heading.strip():
        heading = escape(" ".join(post.heading.split()))
        blocks += [_section(f"*{p}*") for p in split_text(heading, TEXT_OBJECT_LIMIT - 2)]
    blocks += _sections([escape(line) for line in post.lines if line.strip()])
    for citation in post.citations:
        blocks += citation_blocks(citation)
    return blocks


def render_post(post: Post) -> list[SlackMessage]:
    """Render `post` as one or more Slack messages within Slack's limits (see module docstring).

    Messages after the first start with a small context line naming the post and its part, so a
    reader can tell a continuation from a new post.
    """
    groups = _groups(post)
    if len(groups) > MAX_MESSAGES_PER_POST:
        post = largest_fitting(post, lambda p: len(_groups(p)) <= MAX_MESSAGES_PER_POST,
                               MAX_MESSAGES_PER_POST * _MESSAGE_BUDGET)
        groups = _groups(post)
    messages = []
    heading = " ".join(post.heading.split())
    title = escape(heading if len(heading) <= 150 else heading[:150] + "…") or "post"
    for number, group in enumerate(groups, start=1):
        if number > 1:
            marker = f"_{title} (continued, part {number} of {len(groups)})_"
            group = [{"type": "context", "elements": [_mrkdwn(marker)]}, *group]
        text = "\n".join(t for t in (block_text(b) for b in group) if t)
        messages.append(SlackMessage(blocks=group, text=text))
    return messages


def _groups(post: Post) -> list[list[dict[str, Any]]]:
    """The post's blocks packed into messages within the block and text limits."""
    blocks = post_blocks(post)
    if not blocks:
        blocks = [_section(escape("(empty)"))]
    groups: list[list[dict[str, Any]]] = [[]]
    size = 0
    for block in blocks:
        length = len(block_text(block)) + 1
        if groups[-1] and (len(groups[-1]) >= BLOCKS_PER_MESSAGE - 1 or size + length > _MESSAGE_BUDGET):
            groups.append([])
            size = 0
        groups[-1].append(block)
        size += length
    return groups


_SPECIAL = re.compile(r"<([^<>]*)>")


def plain_from_slack(text: str, bot_user_id: str | None = None) -> str:
    """Turn Slack message text (escaped mrkdwn with `<...>` references) into plain text.

    Mentions of the bot itself are dropped (they only address the message); other references
    become readable text: `@name`, `#channel`, `@here`, or a link's label with its URL.
    """

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            if bot_user_id and target[1:] == bot_user_id:
                return ""
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            if label:
                return label
            return "@" + target[1:].split("^")[0]
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        if label and label not in target:
            return f"{label} ({target})"
        return target

    text = _SPECIAL.sub(replace, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
