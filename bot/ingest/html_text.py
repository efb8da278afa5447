"""HTML fragments from feeds to clean plain text.

Feed items carry HTML (``content:encoded``, Atom ``content``, escaped ``description``). The bot
stores plain text, split later into sentences, so this keeps paragraph breaks as newlines (one
paragraph per line, as the rest of the bot expects) and drops what a reader never sees: scripts,
styles, embedded frames, images (tracking pixels included), comments, and terminal control
characters and escape sequences (which would clear screens or fake links where text is printed).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from bot.text import strip_controls

_SKIP = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "svg", "math",
    "canvas", "head", "title", "select", "button", "form", "audio", "video",
})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "base", "col"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_LINE_BREAKS = re.compile(r"\s*\n\s*")  # a break with the blanks around it (and empty lines)
_LEFTOVER_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag not in _VOID:
            self._skipping.append(tag)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            elif tag in self._skipping:
                del self._skipping[self._skipping.index(tag):]
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one paragraph per line, no markup, scripts or images.

    Plain text passes through unchanged apart from whitespace. Text that was escaped twice by its
    publisher (``&amp;amp;``, ``&amp;#x27;``) is unescaped once more.
    """
    if not fragment:
        return ""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    text = "".join(collector.parts)
    if _LEFTOVER_ENTITY.search(text):
        text = html.unescape(text)
    text = strip_controls(text)  # a feed may carry terminal escapes, raw or as &#27;
    return _LINE_BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()  # one line per paragraph, none blank


def plain_title(value: str, is_html: bool) -> str:
    """A one-line title: markup and control characters removed, entities unescaped."""
    text = html_to_text(value) if is_html else strip_controls(html.unescape(value))
    return " ".join(text.split())
