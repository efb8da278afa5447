"""Score `ask --json -` on an eval set: answer accuracy, abstention accuracy, misses, latency.

usage: python -m bench.eval_qa [SETDIR] [--show]   (SETDIR defaults to tests/data/eval)
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.evalset import BotRunner, answer_is_right, eval_dir, read_jsonl


@dataclass
class QAScores:
    """Share of answerable questions answered right and of unanswerable ones abstained, with misses."""

    answerable: float
    abstained: float
    lines: list[str]
    misses: list[str]


def ask_all(setdir: Path, questions: list[str]) -> tuple[list[dict[str, Any]], float]:
    """Ingest the set's articles into a fresh store and ask every question in one CLI process."""
    bot = BotRunner()
    try:
        bot.run("ingest", str(setdir / "articles"))
        started = time.perf_counter()
        out = bot.run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")], time.perf_counter() - started
    finally:
        bot.close()


def score(items: list[dict[str, Any]], replies: list[dict[str, Any]]) -> QAScores:
    """Judge each reply as the eval does: an accepted answer inside a short answer, or an abstention."""
    if len(replies) != len(items):
        raise ValueError(f"expected {len(items)} answers, got {len(replies)}")
    pairs = list(zip(items, replies, strict=True))
    answerable = [(i, r) for i, r in pairs if not i.get("unanswerable")]
    unanswerable = [(i, r) for i, r in pairs if i.get("unanswerable")]
    right = [(i, r) for i, r in answerable if r.get("answer") and answer_is_right(r["answer"], i["answers"])]
    abstained = [(i, r) for i, r in unanswerable if not r.get("answer")]
    a, b = len(right) / max(1, len(answerable)), len(abstained) / max(1, len(unanswerable))
    lines = [f"{'set':<14}{'score':>14}{'target':>9}",
             f"{'answerable':<14}{len(right):>5}/{len(answerable):<4}{a:>5.0%}{'>= 90%':>9}",
             f"{'unanswerable':<14}{len(abstained):>5}/{len(unanswerable):<4}{b:>5.0%}{'>= 90%':>9}"]
    misses = [f"{i['id']}: {i['question']} -> {r.get('answer')!r} (want {i['answers'][:2] or 'abstain'})"
              for i, r in pairs if (i, r) not in right and (i, r) not in abstained]
    return QAScores(a, b, lines, misses)


def main() -> int:
    setdir = eval_dir(sys.argv[1:])
    items = read_jsonl(setdir / "qa.jsonl")
    replies, elapsed = ask_all(setdir, [i["question"] for i in items])
    result = score(items, replies)
    print("\n".join(result.lines))
    print(f"one process answered {len(items)} questions in {elapsed:.2f} s (start-up included)")
    if result.misses:
        print("misses:", *result.misses, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
