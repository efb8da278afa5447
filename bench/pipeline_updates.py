"""End-to-end check of update detection through the real ingest pipeline and SQLite store.

Ingests the eval set's articles one at a time in timeline order into a fresh temporary store with
`find_updates` plugged into the `Pipeline` (story filing by the real tracker, earlier sentences by
the store's FTS5 index), then scores the recorded updates with the same semantics as
`score_updates.py` (see bench/dev_updates.py). `--no-dedupe` turns the pipeline's near-duplicate
merging off, so that syndicated copies reach the detector.

usage: PYTHONPATH=. python bench/pipeline_updates.py [--set DIR] [--holdout ...] [--no-dedupe] [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.dev_updates import DEFAULT_HOLDOUT, DEFAULT_SET, fmt, score
from bot.ingest import pipeline as pipeline_module
from bot.ingest.pipeline import Pipeline
from bot.ingest.seeds import parse_article_text
from bot.runtime.core import build_core
from bot.settings import load_settings
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json
from bot.understand.updates import find_updates

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", type=Path, default=DEFAULT_SET)
    ap.add_argument("--holdout", default=DEFAULT_HOLDOUT)
    ap.add_argument("--no-dedupe", action="store_true")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)
    timeline = sorted((json.loads(line) for line in (args.set / "updates.jsonl").open() if line.strip()),
                      key=lambda r: r["order"])
    if args.no_dedupe:
        pipeline_module.closest_duplicate = lambda text, candidates: None  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp}/store.db",
                                  "NEWSDESK_CONFIG_DIR": str(REPO / "config"),
                                  "NEWSDESK_DATA_DIR": tmp, "NEWSDESK_SEEDS_DIR": tmp})
        core = build_core(settings)
        pipe = Pipeline(core.store, core.store.list_stories(), StoryTracker, find_updates, annotate_batch_json)
        reported = []
        by_url = {}
        t0 = time.perf_counter()
        for row in timeline:
            path = args.set / "articles" / row["file"]
            raw = parse_article_text(path.read_text(encoding="utf-8"), row["file"])
            by_url[raw.url] = row["file"]
            report = pipe.ingest([raw])
            if args.show:
                print(f"  {row['file']}: {report.summary()}")
            for u in report.updates:
                reported.append({"file": by_url.get(u.citation.url, row["file"]), "story": u.story,
                                 "kind": u.kind, "sentence": u.sentence})
        elapsed = time.perf_counter() - t0
        core.close()
    files = [row["file"] for row in timeline]
    held_out = set(args.holdout.split(","))
    print(f"{'part':9} {'recall':>14} {'precision':>14} {'repeats':>14} {'changes':>12}")
    for name, part in (("held-in", set(files) - held_out), ("held-out", held_out), ("whole", set(files))):
        r = score(timeline, args.set, reported, part)
        print(f"{name:9} {fmt(r['recall']):>14} {fmt(r['precision']):>14} {fmt(r['repeats']):>14} "
              f"{fmt(r['changes']):>12}")
        if args.show and name == "held-in":
            for key in ("missed", "unflagged", "repeat_list", "off_target"):
                print(f"  [{key}]", *r[key], sep="\n    ")
    print(f"ingest of {len(files)} articles (store, filing and detection) took {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
