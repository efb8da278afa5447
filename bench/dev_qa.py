"""Dev harness: ingest an eval set into a fresh SQLite store once, then ask every question in-process.

Scores exactly like `score_qa.py` (bench.evalset.answer_is_right) and prints the misses with
`--show`; `--why` adds the reply text. Faster than the CLI for tuning the answerer.

usage: PYTHONPATH=. python bench/dev_qa.py [--show] [--why] [SETDIR ...]
  SETDIR: a folder with articles/ and qa.jsonl (and optionally config/); default tests/data/eval
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from bench.evalset import answer_is_right
from bot.runtime.core import build_core
from bot.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


def run(setdir: Path, show: bool, why: bool) -> tuple[int, int, int, int, int]:
    """(right, answerable, abstained, unanswerable, wrong) for one set; prints one line and misses."""
    config = setdir / "config" if (setdir / "config").is_dir() else REPO / "config"
    with tempfile.TemporaryDirectory() as tmp:
        core = build_core(load_settings({"NEWSDESK_CONFIG_DIR": str(config), "NEWSDESK_DATA_DIR": tmp,
                                         "NEWSDESK_DATABASE_URL": f"sqlite:///{tmp}/qa.db"}))
        try:
            core.pipeline.ingest_paths([setdir / "articles"])
            items = [json.loads(line) for line in (setdir / "qa.jsonl").read_text().splitlines() if line.strip()]
            right = answerable = abstained = unanswerable = wrong = 0
            latencies = []
            for item in items:
                started = time.perf_counter()
                reply = core.ask(item["question"])
                latencies.append(time.perf_counter() - started)
                got = reply.answer
                if item.get("unanswerable"):
                    unanswerable += 1
                    ok = not got
                    abstained += ok
                else:
                    answerable += 1
                    ok = bool(got) and answer_is_right(got, item["answers"])
                    right += ok
                wrong += bool(got) and not ok
                if show and not ok:
                    print(f"  [{'ABSTAIN' if not got else 'WRONG'}] {item['question']} -> {got!r} "
                          f"(want {item['answers'][:2]})")
                    if why:
                        print("      " + reply.text.replace("\n", "\n      "))
        finally:
            core.close()
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000 if latencies else 0.0
    print(f"{setdir.name:22s} right {right}/{answerable} abstained {abstained}/{unanswerable} "
          f"wrong {wrong}/{len(items)} p95 {p95:.0f} ms", flush=True)
    return right, answerable, abstained, unanswerable, wrong


def main() -> None:
    """Score the sets named on the command line (default: the project's copy of the eval set)."""
    args = sys.argv[1:]
    dirs = [Path(a) for a in args if not a.startswith("--")] or [REPO / "tests" / "data" / "eval"]
    for d in dirs:
        run(d, "--show" in args, "--why" in args)


if __name__ == "__main__":
    main()
