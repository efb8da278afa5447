"""Through the console: a story tracked with Arabic terms files Arabic articles, and a question the
bot cannot read gets one sentence naming the language it reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.runtime.app import Runtime
from tests.support.runtime_kit import ConsoleChannel, drop_seed, make_core

ARABIC_ARTICLE = """# source: https://ar.example/talks-1
# date: 2024-04-07
# title: مفاوضات القاهرة

استؤنفت مفاوضات الهدنة في القاهرة يوم الأحد بمشاركة وفود من قطر ومصر.

وقال مسؤول إن المفاوضات حول الرهائن ما زالت مستمرة.

وأضاف أن الوفد سيعود إلى الدوحة بعد يومين.
"""


@pytest.fixture
async def console(env: dict[str, str]) -> AsyncIterator[tuple[Runtime, ConsoleChannel]]:
    channel = ConsoleChannel()
    core = make_core(env)
    rt = Runtime(core, [channel.adapter])
    await rt.start(start_adapters=False)
    yield rt, channel
    await rt.stop()
    core.close()


async def test_arabic_terms_file_arabic_articles(console: tuple[Runtime, ConsoleChannel], env: dict[str, str]) -> None:
    rt, channel = console
    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "ar.txt", ARABIC_ARTICLE)
    await rt.scan_seeds()
    reply = await channel.say(rt, 'track talks-ar "Talks (Arabic press)" terms: مفاوضات, الرهائن')
    assert "1 stored article(s) already match it" in reply
    assert "talks-ar - Talks (Arabic press): 1 article(s)" in await channel.say(rt, "stories")


@pytest.mark.parametrize("question", ["من هم الوسطاء؟", "الوسطاء", "Кто посредники?"])
async def test_a_question_in_another_script_gets_one_sentence(console: tuple[Runtime, ConsoleChannel],
                                                              question: str) -> None:
    rt, channel = console
    reply = await channel.say(rt, question)
    assert "I can only read questions in English" in reply
    assert "don't know the command" not in reply
    assert len([line for line in reply.splitlines() if line.strip()]) == 1
