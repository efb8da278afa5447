"""Feed HTML becomes clean text with one paragraph per line."""

from __future__ import annotations

from bot.ingest.html_text import html_to_text, plain_title
from bot.text import split_sentences


def test_paragraphs_become_lines_and_markup_scripts_styles_and_pixels_vanish() -> None:
    fragment = (
        "<style>p{color:red}</style><p>Talks resumed in <b>Cairo</b> on Sunday.</p>"
        "<script>alert('x')</script><p>Qatar and Egypt mediate<br>the talks.</p>"
        '<img src="https://t.example/pixel.gif" width="1" height="1"><noscript>enable js</noscript>'
    )
    text = html_to_text(fragment)
    assert text == "Talks resumed in Cairo on Sunday.\nQatar and Egypt mediate\nthe talks."
    assert split_sentences(text)[0] == "Talks resumed in Cairo on Sunday."


def test_double_escaped_entities_are_unescaped() -> None:
    assert html_to_text("Hamas&amp;#x27;s leaders &amp;amp; mediators") == "Hamas's leaders & mediators"
    assert plain_title("Regional &amp; wire", is_html=False) == "Regional & wire"
    assert plain_title("<b>Bold</b>  title\n", is_html=True) == "Bold title"


def test_unclosed_script_swallows_nothing_before_it() -> None:
    assert html_to_text("<p>Kept.</p><script>never shown") == "Kept."
