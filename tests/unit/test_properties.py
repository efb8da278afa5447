"""Property-based tests: random text, Unicode, huge lines and broken commands thrown at the router,
the command parsers and the config loader. Always one reply or one error sentence, never anything
else escaping; kept fast (modest example counts, a deadline per example)."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.chat.router import Router
from bot.domain import IncomingMessage
from bot.runtime.opml import parse_opml
from bot.runtime.syntax import SyntaxProblem, parse_subscribe, parse_track
from bot.settings import ConfigError, Settings, load_settings
from tests.unit.test_router_limits import FakeCore

FAST = settings(max_examples=80, deadline=timedelta(milliseconds=1500),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

COMMAND_WORDS = ["help", "stories", "sources", "status", "subscribe", "unsubscribe", "subscriptions", "digest",
                 "add", "remove", "import", "export", "track", "untrack", "leave", "feed", "opml", "live", "daily",
                 "only:", "except:", "terms:", "exclude:", "hostage-talks", '"', "'", "“", ",", "\\", "@room"]
# Random Unicode (control characters, surrogate-free), command-like fragments, and huge lines
text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(COMMAND_WORDS), st.text(max_size=12)), max_size=30).map(" ".join),
    st.builds(lambda w, n, tail: w + " " + (" " * n if n % 2 else "x" * n) + tail,
              st.sampled_from(COMMAND_WORDS), st.integers(0, 300_000), st.text(max_size=20)),
    # well-formed heads with runaway tails: whitespace runs, endless word lists
    st.builds(lambda n, tail: 'x "T" terms: a' + " " * n + tail, st.integers(0, 100_000), st.text(max_size=10)),
    st.builds(lambda kind, n: f"hostage-talks live {kind}:" + ",".join(f"w{i}" for i in range(n)),
              st.sampled_from(["only", "except"]), st.integers(0, 5_000)),
)


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message and "Traceback" not in message


@FAST
@given(text)
def test_subscribe_parser_returns_a_request_or_one_sentence(args: str) -> None:
    try:
        request = parse_subscribe(args, "UTC")
    except SyntaxProblem as exc:
        assert one_line(str(exc)), str(exc)
    else:
        assert request.story and request.mode in ("live", "daily")
        assert len(request.only) <= 20 and len(request.except_) <= 20


@FAST
@given(text)
def test_track_parser_returns_a_request_or_one_sentence(args: str) -> None:
    try:
        request = parse_track(args)
    except SyntaxProblem as exc:
        assert one_line(str(exc)), str(exc)
    else:
        assert request.terms and len(request.terms) <= 50


@FAST
@given(st.one_of(text, st.builds(lambda body: f'<opml version="2.0"><body>{body}</body></opml>', text)))
def test_opml_parser_returns_feeds_or_one_sentence(document: str) -> None:
    try:
        feeds = parse_opml(document)
    except ValueError as exc:
        assert one_line(str(exc)[:2000]), str(exc)[:200]
    else:
        assert 1 <= len(feeds) <= 500


def message(words: str) -> IncomingMessage:
    return IncomingMessage("console", "console", "someone", words, "m1", None, True)


@FAST
@given(text)
async def test_router_gives_at_most_one_reply_and_asks_nothing_it_should_not(words: str) -> None:
    core = FakeCore()
    replies = await Router(core).handle(message(words))
    assert len(replies) <= 1
    if replies:
        assert replies[0].heading.strip() and "failed on my side" not in replies[0].heading
    assert all(len(q) <= 500 for q in core.asked)
    if not words.strip():
        assert replies == [] and core.asked == []


# --- the config loader ------------------------------------------------------------------------------

def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value == math.inf else "-inf" if value == -math.inf
                                                else repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


scalars = st.one_of(st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=40), st.sampled_from(["America", "Europe/London", "UTC", "", "../..", "\x00"]))
values = st.one_of(scalars, st.lists(scalars, max_size=4))
BOT_KEYS = ["timezone", "seeds_dir", "database_url", "interval_minutes", "seeds_rescan_seconds", "failure_alert_after",
            "max_items_per_feed", "fulltext_per_poll", "fulltext_per_host", "digest_top_updates",
            "live_posts_per_window", "live_window_minutes", "console", "slack", "matrix"]
sections = st.sampled_from(["", "[polling]", "[delivery]", "[admins]"])
bot_toml = st.lists(st.tuples(sections, st.sampled_from(BOT_KEYS), values), max_size=8).map(
    lambda entries: "\n".join(f"{section}\n{key} = {toml_value(value)}" for section, key, value in entries))
feeds_toml = st.lists(st.tuples(st.sampled_from(["url", "title", "stories", "fulltext", "interval_minutes", "x"]),
                                values), max_size=5).map(
    lambda entries: "[[feed]]\n" + "\n".join(f"{key} = {toml_value(value)}" for key, value in entries))
raw = st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode))


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("config")
    (folder / "stories.toml").write_text('[[story]]\nid = "hostage-talks"\nterms = ["hostage"]\n')
    return folder


def load(config_dir: Path) -> Settings | None:
    env = {"NEWSDESK_CONFIG_DIR": str(config_dir), "NEWSDESK_DATABASE_URL": "sqlite:///:memory:"}
    try:
        return load_settings(env)
    except ConfigError as exc:
        assert one_line(str(exc)), str(exc)
        return None


@FAST
@given(bot=st.one_of(bot_toml, raw), feeds=st.one_of(feeds_toml, raw))
def test_config_loader_gives_settings_or_one_sentence(config_dir: Path, bot: str | bytes, feeds: str | bytes) -> None:
    (config_dir / "bot.toml").write_bytes(bot if isinstance(bot, bytes) else bot.encode())
    (config_dir / "feeds.toml").write_bytes(feeds if isinstance(feeds, bytes) else feeds.encode())
    loaded = load(config_dir)
    if loaded is not None:
        for number in (loaded.seeds_rescan_seconds, loaded.default_poll_seconds, loaded.live_window_seconds):
            assert math.isfinite(number) and number > 0
        assert all(1 * 60 <= f.interval_seconds <= 10080 * 60 for f in loaded.feeds)
