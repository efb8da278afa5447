"""The router at its edge: a long question is refused in one sentence before anything works on it."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from bot.chat.router import MAX_QUESTION_CHARS, Router
from bot.domain import Answer, IncomingMessage


@dataclass
class FakeCore:
    """A CorePort whose answerer records what it was asked."""

    asked: list[str] = field(default_factory=list)
    settings: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(admins={}))
    store: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(story_summaries=list, source_health=list))

    def ask(self, question: str, story: str | None = None) -> Answer:
        self.asked.append(question)
        return Answer(question=question, answer=None, text="I don't know.", story=story, as_of=None)


def message(text: str) -> IncomingMessage:
    return IncomingMessage("console", "console", "someone", text, "m1", None, True)


async def test_a_question_over_the_limit_gets_one_sentence_and_never_reaches_the_answerer() -> None:
    core = FakeCore()
    router = Router(core)
    for question in ("who " * 20_000 + "?", "who are the mediators " + "x" * MAX_QUESTION_CHARS + "?",
                     "why " + " " * 1_000_000 + "?"):
        started = time.perf_counter()
        replies = await router.handle(message(question))
        assert time.perf_counter() - started < 0.5
        assert len(replies) == 1 and not replies[0].lines
        assert f"at most {MAX_QUESTION_CHARS} characters" in replies[0].heading
    assert core.asked == []


async def test_a_question_within_the_limit_is_answered() -> None:
    core = FakeCore()
    question = "who are the mediators " + "x" * (MAX_QUESTION_CHARS - 30) + "?"
    assert len(question) <= MAX_QUESTION_CHARS
    replies = await Router(core).handle(message(question))
    assert core.asked == [question] and len(replies) == 1


async def test_a_burst_of_slow_questions_leaves_the_default_thread_pool_free() -> None:
    release = threading.Event()

    class SlowCore(FakeCore):
        def ask(self, question: str, story: str | None = None) -> Answer:
            release.wait(10)
            return super().ask(question, story)

    router = Router(SlowCore())
    burst = min(32, (os.cpu_count() or 1) + 4) + 2  # more than the loop's default pool has threads
    answering = [asyncio.create_task(router.handle(message(f"who is number {i}?"))) for i in range(burst)]
    try:
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.to_thread(lambda: None), timeout=5)  # what seeds scans and the outbox do
        waited = time.perf_counter() - started
    finally:
        release.set()
        await asyncio.gather(*answering)
    assert waited < 0.5, waited
