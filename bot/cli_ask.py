"""The CLI's `ask [--story ID] [--json] QUESTION` (or `-`: one question per line from stdin)."""

from __future__ import annotations

import json
import sys
from typing import Any

from bot.chat.language_gate import UNREADABLE_REPLY, unreadable
from bot.chat.render_text import render_text
from bot.chat.router import MAX_QUESTION_CHARS, answer_post, too_long_question
from bot.domain import Answer
from bot.runtime.core import Core


def answer_json(answer: Answer) -> dict[str, Any]:
    """An answer in the stable shape of `ask --json`."""
    return {
        "question": answer.question, "answer": answer.answer, "text": answer.text, "story": answer.story,
        "as_of": answer.as_of.date().isoformat() if answer.as_of else None,
        "citations": [{"title": c.title, "url": c.url, "source": c.source,
                       "published": c.published.date().isoformat() if c.published else None,
                       "sentence": c.sentence} for c in answer.citations],
    }


def ask(core: Core, words: list[str], story: str | None, as_json: bool) -> int:
    """Answer the question (or each line of stdin for `-`) as text or JSON lines; 2 on an unknown story, or when
    a single question was refused (too long, unreadable)."""
    known = {s.id for s in core.store.list_stories()}
    if story and story not in known:
        print(f"newsdesk-bot: no story '{story}'; tracked stories: {', '.join(sorted(known))}.", file=sys.stderr)
        return 2
    questions = [line.strip() for line in sys.stdin] if words == ["-"] else [" ".join(words)]
    refused = 0
    for question in questions:
        if not question:
            continue
        refusal = too_long_question(question) or (UNREADABLE_REPLY if unreadable(question) else None)
        if refusal:  # said instead of an answer, in the shape the caller reads
            refused += 1
            shown = question if len(question) <= MAX_QUESTION_CHARS else question[:MAX_QUESTION_CHARS] + "…"
            if as_json:
                print(json.dumps({"question": shown, "answer": None, "text": refusal,
                                  "story": story, "as_of": None, "citations": []}, ensure_ascii=False), flush=True)
            else:
                print(refusal, flush=True)
            continue
        answer = core.ask(question, story)
        if as_json:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer_post(answer)) + ("\n" if len(questions) > 1 else ""), flush=True)
    return 2 if refused and words != ["-"] else 0
