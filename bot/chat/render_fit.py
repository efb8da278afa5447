"""Fitting a post into a platform's size limit: cut at a character budget, with a note saying so.

Renderers split what they can (Slack) and measure what they produce (Matrix); when a post is
still too big for what one post may take, `fit_post` keeps its beginning (heading, lines, then
citations, in that order) up to `limit` characters and ends it with a line saying how much was
left out. Pure: no platform knowledge here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from bot.domain import Citation, Post

MIN_KEPT = 40  # a piece shorter than this is dropped rather than cut to a stub


def post_chars(post: Post) -> int:
    """The characters of a post's own content (heading, lines, citations; not its replies)."""
    return (len(post.heading) + sum(len(line) for line in post.lines)
            + sum(_citation_chars(c) for c in post.citations))


def _citation_chars(c: Citation) -> int:
    return len(c.title) + len(c.url) + len(c.source) + len(c.sentence)


def _cut(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    return text[: max(0, room - 1)].rstrip() + "…"


def fit_post(post: Post, limit: int) -> Post:
    """`post` with at most about `limit` characters of content, plus a note line when anything was cut."""
    total = post_chars(post)
    if total <= limit:
        return post
    room = max(limit, MIN_KEPT)
    heading = _cut(post.heading, min(room, max(MIN_KEPT, room // 4)))
    room -= len(heading)
    lines: list[str] = []
    for line in post.lines:
        if room < MIN_KEPT:
            break
        lines.append(_cut(line, room))
        room -= len(lines[-1])
    citations: list[Citation] = []
    for citation in post.citations:
        if _citation_chars(citation) > room:
            break
        citations.append(citation)
        room -= _citation_chars(citation)
    shown = post_chars(dataclasses.replace(post, heading=heading, lines=lines, citations=citations))
    lines.append(f"[{total - shown:,} more characters not shown: too long for one message]")
    return dataclasses.replace(post, heading=heading, lines=lines, citations=citations)


def largest_fitting(post: Post, fits: Callable[[Post], bool], start: int) -> Post:
    """The least-cut `fit_post(post, n)` for which `fits` holds, n found by bisection below `start`."""
    if fits(post):
        return post
    low, high = 0, min(start, post_chars(post))
    best = fit_post(post, 0)
    while low <= high:
        middle = (low + high) // 2
        candidate = fit_post(post, middle)
        if fits(candidate):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best
