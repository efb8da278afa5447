"""Property-based: random and broken commands through the runtime's router, over a real SQLite store.

One reply at most, never a "failed on my side", and the store changes only when the reply is not
a refusal or a usage line: nothing is subscribed, added, tracked or queued by a broken command.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Answer, IncomingMessage
from bot.runtime.app import Runtime
from tests.support.runtime_kit import make_core
from tests.unit.test_properties import COMMAND_WORDS, text

ADMIN = "console"  # listed under [admins] console in config/bot.toml
HEADS = ["subscribe hostage-talks", "subscribe", "unsubscribe", "add feed", "remove feed", "import opml",
         "track border-talks", "untrack", "digest", "leave", "export opml", "status", "sources", "help",
         "mute hostage-talks", "mute", "unmute", "unsubscribe hostage-talks"]
commands = st.one_of(text, st.builds(lambda head, rest: f"{head} {rest}", st.sampled_from(HEADS), text),
                     st.lists(st.sampled_from(COMMAND_WORDS), min_size=1, max_size=8).map(" ".join))


def no_answer(question: str, story: str | None) -> Answer:
    return Answer(question, None, "I don't know.", story, None)


@pytest.fixture
def runtime(env: dict[str, str], tmp_path: Path) -> Iterator[Runtime]:
    core = make_core(env)
    yield Runtime(core, [], ask=no_answer)
    core.close()


def snapshot(rt: Runtime) -> tuple[object, ...]:
    subs = tuple((s.channel, s.story, s.mode, s.daily_at, s.timezone, tuple(s.only), tuple(s.except_), s.enabled)
                 for s in rt.repo.subscriptions())
    feeds = tuple(sorted(str(f["url"]) for f in rt.core.store.feed_rows()))
    stories = tuple(sorted(s.id for s in rt.core.store.list_stories()))
    return subs, feeds, stories, len(rt.repo.rows())


def refusal(heading: str, lines: list[str]) -> bool:
    return (any(line.startswith("Usage:") for line in lines) or heading.startswith(("I don't know the command",
            "Only admins", "That question is")) or "Nothing was imported" in heading)


@settings(max_examples=60, deadline=timedelta(seconds=3),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(commands)
async def test_broken_commands_get_one_reply_and_change_nothing(runtime: Runtime, words: str) -> None:
    before = snapshot(runtime)
    replies = await runtime.router.handle(IncomingMessage("console", "console", ADMIN, words, "m1", None, True))
    after = snapshot(runtime)
    assert len(replies) <= 1
    if not replies:
        assert before == after and not words.strip()
        return
    heading, lines = replies[0].heading, replies[0].lines
    assert heading.strip() and "failed on my side" not in heading and "Traceback" not in heading + "".join(lines)
    if refusal(heading, lines):
        assert before == after, (words[:200], heading)
