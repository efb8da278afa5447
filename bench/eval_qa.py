"""Score `ask --json -` on an eval set: answer accuracy, abstention accuracy, misses, latency.

usage: python -m bench.eval_qa [SETDIR] [--show]   (SETDIR defaults to tests/data/eval)
"""

from __future__ import annotations

import json
import sys
import time

from bench.evalset import BotRunner, answer_is_right, eval_dir, read_jsonl


def main() -> int:
    setdir = eval_dir(sys.argv[1:])
    items = read_jsonl(setdir / "qa.jsonl")
    bot = BotRunner()
    try:
        bot.run("ingest", str(setdir / "articles"))
        started = time.perf_counter()
        out = bot.run("ask", "--json", "-", stdin="\n".join(i["question"] for i in items) + "\n")
        elapsed = time.perf_counter() - started
    finally:
        bot.close()
    replies = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if len(replies) != len(items):
        print(f"expected {len(items)} answers, got {len(replies)}")
        return 1
    answerable = [(i, r) for i, r in zip(items, replies, strict=True) if not i.get("unanswerable")]
    unanswerable = [(i, r) for i, r in zip(items, replies, strict=True) if i.get("unanswerable")]
    right = [(i, r) for i, r in answerable if r.get("answer") and answer_is_right(r["answer"], i["answers"])]
    abstained = [(i, r) for i, r in unanswerable if not r.get("answer")]
    print(f"{'set':<14}{'score':>14}")
    print(f"{'answerable':<14}{len(right):>5}/{len(answerable):<4}{len(right) / max(1, len(answerable)):>5.0%}")
    print(f"{'unanswerable':<14}{len(abstained):>5}/{len(unanswerable):<4}"
          f"{len(abstained) / max(1, len(unanswerable)):>5.0%}")
    print(f"one process answered {len(items)} questions in {elapsed:.2f} s (start-up included)")
    misses = [(i, r) for i, r in answerable if (i, r) not in right] + \
             [(i, r) for i, r in unanswerable if (i, r) not in abstained]
    if misses:
        print("misses:")
        for i, r in misses:
            print(f"  {i['id']}: {i['question']} -> {r.get('answer')!r} (want {i['answers'][:2] or 'abstain'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
