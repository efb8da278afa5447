"""Console rendering never prints terminal control sequences, even from text stored before ingest stripped them."""

from __future__ import annotations

from bot.chat.render_text import render_text
from bot.domain import Citation, Post


def test_console_rendering_strips_escape_sequences_from_every_part_of_a_post() -> None:
    cite = Citation("Talks\x1b]8;;https://evil.example/\x07resume", "https://x.example/1", "Wire\x1b[2J", None, "")
    post = Post("Heading\x1b[2J\x1b[H", ["line\x07 one\x1b]0;title\x07"], [cite],
                replies=[Post("reply\x9b31m", ["nested\x00"])])
    shown = render_text(post)
    assert not any(ch in shown for ch in "\x1b\x07\x00\x9b")
    assert "Heading" in shown and "line one" in shown and "Talksresume" in shown and "    reply" in shown
