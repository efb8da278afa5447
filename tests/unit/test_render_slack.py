"""Slack rendering: escaping, mention neutralising, links, Block Kit limits and lossless splitting."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.chat.render_slack import (
    BLOCKS_PER_MESSAGE,
    MAX_MESSAGES_PER_POST,
    MESSAGE_TEXT_LIMIT,
    TEXT_OBJECT_LIMIT,
    block_text,
    escape,
    link,
    plain_from_slack,
    render_post,
    split_text,
)
from bot.domain import Citation, Post
from tests.support.slack_emulator import block_kit_problem, pings


def cite(i: int = 0, sentence: str = "Egypt & Qatar proposed a pause.") -> Citation:
    return Citation(
        title=f"Report {i}",
        url=f"https://news.example/{i}?a=1&b=2",
        source="Wire",
        published=datetime(2024, 5, 6, tzinfo=UTC),
        sentence=sentence,
    )


def test_escape_handles_the_three_mrkdwn_control_characters() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape("&amp;") == "&amp;amp;"  # text that looks escaped is shown as written


@pytest.mark.parametrize(
    "hostile",
    ["<!channel>", "<!here>", "<!everyone>", "<@U123ABC>", "<@W123|someone>", "<!subteam^S1|@desk>"],
)
def test_escaped_special_mentions_do_not_ping(hostile: str) -> None:
    assert pings(hostile)  # the emulator's parser does see the raw form as a ping
    assert pings(escape(hostile)) == []


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@Channel", "@HERE"])
def test_bare_broadcast_words_are_broken_with_an_invisible_joiner(word: str) -> None:
    out = escape(f"hey {word}!")
    assert word not in out
    assert out.replace("\u2060", "") == f"hey {word}!"


def test_ordinary_at_signs_and_emails_are_left_alone() -> None:
    assert escape("mail desk@here.org or @channels") == "mail desk@here.org or @channels"


def test_link_escapes_title_and_url_and_refuses_non_http_schemes() -> None:
    assert link("https://x.example/a?b=1&c=2", "A | B > C") == "<https://x.example/a?b=1&amp;c=2|A | B &gt; C>"
    assert link("https://x.example/a|b>c", "t") == "<https://x.example/a%7Cb%3Ec|t>"
    assert link("javascript:alert(1)", "click") == "click (javascript:alert(1))"
    assert link("https://x.example/", "") == "<https://x.example/|https://x.example/>"


def test_split_text_keeps_every_character_and_respects_the_limit() -> None:
    text = " ".join(f"word{i}" for i in range(2000))
    pieces = split_text(text, 100)
    assert all(0 < len(p) <= 100 for p in pieces)
    assert " ".join(pieces) == text


def test_split_text_never_cuts_an_entity_in_two() -> None:
    text = escape("&" * 1500)  # 7,500 characters with no space to break at
    pieces = split_text(text, 3000)
    assert "".join(pieces) == text
    assert all(len(p) <= 3000 and not re.search(r"&[a-z]{0,3}$", p) for p in pieces)


def test_small_post_is_one_message_with_heading_lines_and_citation_context() -> None:
    [message] = render_post(Post("Hostage talks", ["Line one.", "Line two."], [cite()]))
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["section", "section", "context"]
    assert message.blocks[0]["text"]["text"] == "*Hostage talks*"
    assert message.blocks[1]["text"]["text"] == "Line one.\nLine two."
    context = [el["text"] for el in message.blocks[2]["elements"]]
    assert context[0] == "<https://news.example/0?a=1&amp;b=2|Report 0> · Wire · 2024-05-06"
    assert context[1] == "\u201cEgypt &amp; Qatar proposed a pause.\u201d"
    assert message.text.startswith("*Hostage talks*\nLine one.")
    assert all(b["text"]["verbatim"] for b in message.blocks if b["type"] == "section")


def test_a_huge_post_splits_within_every_limit_and_loses_nothing() -> None:
    lines = [f"{i}: " + "ceasefire " * 300 for i in range(30)]  # ~140,000 characters in all
    post = Post("Overnight", lines, [cite(i, "quote " * 800) for i in range(10)])
    messages = render_post(post)
    assert 3 <= len(messages) <= MAX_MESSAGES_PER_POST
    for message in messages:
        assert block_kit_problem(message.blocks) is None
        assert len(message.blocks) <= BLOCKS_PER_MESSAGE
        assert len(message.text) <= MESSAGE_TEXT_LIMIT
        assert sum(len(block_text(b)) for b in message.blocks) <= MESSAGE_TEXT_LIMIT
        for block in message.blocks:
            for el in [block.get("text")] + block.get("elements", []):
                assert el is None or len(el["text"]) <= TEXT_OBJECT_LIMIT
    words = " ".join(
        block_text(b) for m in messages for b in m.blocks if "continued, part" not in block_text(b)
    ).split()
    expected = " ".join(["*Overnight*", *lines]).split()
    assert words[: len(expected)] == expected
    assert sum(w.count("quote") for w in words) == 10 * 800
    assert "continued, part 2 of" in block_text(messages[1].blocks[0])


def test_empty_post_still_renders_a_valid_message() -> None:
    [message] = render_post(Post(""))
    assert block_kit_problem(message.blocks) is None and message.text


def test_plain_from_slack_turns_references_into_readable_text() -> None:
    raw = "<@UBOT> ask <@U1|maria> in <#C1|desk> about <https://x.example|this> &amp; <https://y.example> <!here>"
    assert plain_from_slack(raw, "UBOT") == (
        "ask @maria in #desk about this (https://x.example) & https://y.example @here"
    )
    assert plain_from_slack("a &lt;b&gt;\n  c", None) == "a <b>\nc"
    assert plain_from_slack("write <mailto:desk@news.example|desk@news.example>") == "write desk@news.example"


def test_a_runaway_post_is_cut_to_the_message_cap_with_a_note_and_stays_valid() -> None:
    post = Post("word " * 1_000_000, ["line " * 200_000], [cite(i, "quote " * 800) for i in range(100)])
    messages = render_post(post)
    assert len(messages) <= MAX_MESSAGES_PER_POST
    for message in messages:
        assert block_kit_problem(message.blocks) is None
        assert len(message.blocks) <= BLOCKS_PER_MESSAGE and len(message.text) <= MESSAGE_TEXT_LIMIT
    assert "more characters not shown: too long for one message" in messages[-1].text
