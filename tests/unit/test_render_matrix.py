"""Rendering posts as Matrix content: markup, escaping, threads, edits, and no accidental pings."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.chat.render_matrix import (
    HTML_FORMAT,
    WORD_JOINER,
    edit_content,
    message_content,
    neutralise,
    render_post,
)
from bot.domain import Citation, Post


def test_neutralise_breaks_room_pings_and_user_ids_but_keeps_the_words_readable() -> None:
    text = neutralise("@room @ROOM: ask @alice:example.org or @bob:matrix.example:8448, mail a@b")
    assert "@room" not in text.lower()
    assert "@alice:example.org" not in text
    assert "@bob:matrix.example:8448" not in text
    assert (
        text.replace(WORD_JOINER, "")
        == "@room @ROOM: ask @alice:example.org or @bob:matrix.example:8448, mail a@b"
    )


def test_neutralise_leaves_ordinary_text_alone() -> None:
    assert neutralise("Talks in Cairo resumed at 10:00; email desk@example.org") == (
        "Talks in Cairo resumed at 10:00; email desk@example.org"
    )


def test_html_is_escaped_and_plain_body_has_no_markup() -> None:
    post = Post(heading="Fish & <chips>", lines=["a < b", "", "second line"])
    rendered = render_post(post)
    assert rendered.html == "<p><strong>Fish &amp; &lt;chips&gt;</strong></p><p>a &lt; b<br>second line</p>"
    assert rendered.body == "Fish & <chips>\n\na < b\nsecond line"


def test_citations_link_only_http_urls_and_quote_the_sentence() -> None:
    good = Citation(
        "Talks resume", "https://x.example/a?b=1&c=2", "Wire", datetime(2024, 5, 6, tzinfo=UTC), "They met."
    )
    bad = Citation("Sneaky", "javascript:alert(1)", "", None, "")
    rendered = render_post(Post(heading="H", citations=[good, bad]))
    assert '<a href="https://x.example/a?b=1&amp;c=2">Talks resume</a> (Wire, 2024-05-06)' in rendered.html
    assert "<blockquote>They met.</blockquote>" in rendered.html
    assert '<a href="javascript' not in rendered.html
    assert "<li>Sneaky</li>" in rendered.html
    assert '[1] Talks resume (Wire, 2024-05-06) https://x.example/a?b=1&c=2\n    "They met."' in rendered.body


def test_thread_content_falls_back_to_a_reply_to_the_latest_event() -> None:
    content = message_content(Post(heading="h"), thread_root="$root", in_reply_to="$last")
    assert content["m.relates_to"] == {
        "rel_type": "m.thread",
        "event_id": "$root",
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": "$last"},
    }
    assert content["msgtype"] == "m.notice"
    assert content["format"] == HTML_FORMAT
    assert content["m.mentions"] == {}
    assert "m.relates_to" not in message_content(Post(heading="h"))


def test_edit_replaces_with_new_content_and_a_starred_fallback() -> None:
    content = edit_content("$orig", Post(heading="new", lines=["@room"]))
    assert content["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$orig"}
    assert content["body"].startswith("* new")
    assert content["m.new_content"]["body"] == f"new\n\n@{WORD_JOINER}room"
    assert content["m.new_content"]["m.mentions"] == {}


def test_matrix_permalinks_in_feed_links_are_never_linked_and_show_no_raw_user_id() -> None:
    for url in ("https://matrix.to/#/@admin:example.org", "https://matrix.to/#/%40admin%3Aexample.org",
                "https://MATRIX.TO/#/!room:example.org", "https://app.element.io/#/@admin:example.org"):
        rendered = render_post(Post(heading="H", citations=[Citation("Notice", url, "Wire", None, "")]))
        assert "<a " not in rendered.html, url
        assert "matrix.to" not in rendered.body.lower() and "@admin:example.org" not in rendered.body, url
        assert "matrix.to" not in rendered.html.lower()


def test_room_pings_and_user_ids_in_a_citation_url_are_broken_in_the_plain_body() -> None:
    url = "https://example.org/@admin:example.org/@room"
    rendered = render_post(Post(heading="H", citations=[Citation("", url, "", None, "")]))
    assert "@admin:example.org" not in rendered.body and "@room" not in rendered.body
    assert f'<a href="{url}">' in rendered.html  # an ordinary web link still links to the real address


def test_a_runaway_post_fits_one_matrix_event_with_a_note_even_as_an_edit() -> None:
    post = Post("title " * 1_000_000, ["<&> " * 500_000, "日本語 " * 100_000],
                [Citation("t", "https://x.example/a", "Wire", None, "quote " * 5_000) for _ in range(20)])
    for content in (message_content(post, thread_root="$root"), edit_content("$event", post)):
        size = len(json.dumps(content).encode())
        assert size < 65_536 - 2_000, size  # Synapse's event limit, with room for the event's envelope
        assert "more characters not shown: too long for one message" in content["body"]
    small = Post("Talks resume", ["Mediators met in Cairo."])
    assert "not shown" not in message_content(small)["body"]
