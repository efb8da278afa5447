"""Plain-text rendering of posts, for the console and for logs.

Control characters are stripped on the way out too (text stored before ingest stripped them
must not reach a terminal either).
"""

from __future__ import annotations

from bot.domain import Citation, Post
from bot.text import strip_controls

SEED_PREFIX = "seed:"  # the stored link of a seed file without a `# source:` URL; never shown


def format_date(citation: Citation) -> str:
    """The citation's publication date as YYYY-MM-DD, or 'undated'."""
    return citation.published.date().isoformat() if citation.published else "undated"


def citation_line(citation: Citation) -> str:
    """One line naming a source: outlet, date, title and link (a seed file has no link: its title names it)."""
    where = f" <{citation.url}>" if citation.url and not citation.url.startswith(SEED_PREFIX) else ""
    return f"{citation.source or 'source'}, {format_date(citation)}: {citation.title}{where}"


def render_text(post: Post, indent: int = 0) -> str:
    """A post and its thread as indented plain text, without terminal control characters."""
    pad = " " * indent
    out = [pad + post.heading] if post.heading else []
    out.extend(pad + "  " + line if post.heading else pad + line for line in post.lines)
    out.extend(pad + "  - " + citation_line(c) for c in post.citations)
    out = [strip_controls(line) for line in out]
    for reply in post.replies:
        out.append(render_text(reply, indent + 4))
    return "\n".join(out)
