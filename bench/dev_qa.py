"""Dev harness: answer every question of the shared eval set from an in-memory index.

Loads /work/shared/eval/articles (headers `# key: value`), files each article under the
stories `updates.jsonl` gives it, asks every question of `qa.jsonl` through
`answer_question`, and scores exactly like `score_qa.py`.

usage: PYTHONPATH=. python bench/dev_qa.py [--holdout | --heldin] [--show] [--eval DIR]
  --eval tests/data/unseen  our own made-up check set (no updates.jsonl: one story)
  --holdout  score only every third question (index % 3 == 2), kept out of development
  --store    ask the real SQLite/FTS5 store (articles ingested by the CLI) instead of memory
  --heldin   score only the other two thirds
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from bench.evalset import answer_is_right
from bot.domain import StorySentence
from bot.text import split_sentences
from bot.understand.answer import MemorySearch, answer_question


def load_articles(eval_dir: Path) -> MemorySearch:
    """Index every article's sentences under the stories updates.jsonl files it under."""
    stories: dict[str, set[str]] = {}
    timeline = eval_dir / "updates.jsonl"
    for line in (timeline.read_text() if timeline.is_file() else "").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        ids = stories.setdefault(row["file"], set())
        for key in ("baseline_facts", "new_facts", "updates"):
            ids.update((row.get(key) or {}).keys())
    search = MemorySearch()
    sid = 0
    for aid, path in enumerate(sorted((eval_dir / "articles").glob("*.txt")), start=1):
        raw = path.read_text()
        head, _, body = raw.partition("\n\n")
        meta = dict(re.findall(r"^# (\w+): (.*)$", head, re.M))
        url = meta.get("source", "")
        source = urlparse(url).netloc.removeprefix("www.") if url.startswith("http") else url
        published = datetime.fromisoformat(meta["date"]) if "date" in meta else None
        sentences = []
        for pos, text in enumerate(split_sentences(body)):
            sid += 1
            sentences.append(
                StorySentence(
                    sid,
                    aid,
                    pos,
                    text,
                    url if url.startswith("http") else "",
                    meta.get("title", ""),
                    source,
                    published,
                )
            )
        search.add_article(sentences, sorted(stories.get(path.name, ("unseen",))))
    return search


def main() -> None:
    """Ask every question, print a table of results, misses and latency."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", default="/work/shared/eval")
    ap.add_argument("--holdout", action="store_true")
    ap.add_argument("--heldin", action="store_true")
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--store", action="store_true")
    args = ap.parse_args()
    eval_dir = Path(args.eval)
    runner = None
    stories: list = []
    if args.store:
        from bench.evalset import BotRunner  # noqa: PLC0415
        from bot.store import open_store  # noqa: PLC0415

        runner = BotRunner()
        runner.run("ingest", str(eval_dir / "articles"))
        search = open_store(runner.env["NEWSDESK_DATABASE_URL"])
        stories = search.list_stories()
    else:
        search = load_articles(eval_dir)
    items = [json.loads(line) for line in (eval_dir / "qa.jsonl").read_text().splitlines() if line.strip()]
    groups: dict[str, list[tuple[bool, bool]]] = {"held-in": [], "held-out": []}
    latencies: list[float] = []
    misses: list[str] = []
    for idx, item in enumerate(items):
        held_out = idx % 3 == 2
        if (args.holdout and not held_out) or (args.heldin and held_out):
            continue
        t0 = time.perf_counter()
        ans = answer_question(item["question"], search, stories)
        latencies.append((time.perf_counter() - t0) * 1000)
        unanswerable = bool(item.get("unanswerable"))
        ok = not ans.answer if unanswerable else bool(ans.answer) and answer_is_right(ans.answer, item["answers"])
        groups["held-out" if held_out else "held-in"].append((unanswerable, ok))
        if not ok:
            misses.append(
                f"{item['id']}{' (held-out)' if held_out else ''}: {item['question']} -> "
                f"{ans.answer!r} (want {item['answers'][:2]})"
            )
    rows = [(name, g) for name, g in groups.items() if g]
    rows.append(("whole", [r for _, g in rows for r in g]))
    print(f"{'set':10} {'answerable':>16} {'abstained':>16}")
    for name, g in rows:
        a = [ok for un, ok in g if not un]
        b = [ok for un, ok in g if un]
        print(
            f"{name:10} {sum(a):>4}/{len(a):<3} {sum(a) / max(len(a), 1):>6.0%} "
            f"{sum(b):>4}/{len(b):<3} {sum(b) / max(len(b), 1):>6.0%}"
        )
    if args.show:
        print("\n".join(misses))
    if runner is not None:
        search.close()
        runner.close()
    lat = sorted(latencies)
    p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
    print(f"latency ms: p50 {statistics.median(lat):.1f}  p95 {p95:.1f}  max {lat[-1]:.1f}")


if __name__ == "__main__":
    main()
