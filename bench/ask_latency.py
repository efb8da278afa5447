"""`ask` latency: p50/p95 per question with the eval set loaded, and with a large store.

The large store (default 100,000 articles) is generated from the eval articles by varying them
(bench/corpus.py), ingested through the real pipeline (update detection off, to build it faster)
after the eval articles; it is kept under /tmp between runs.

usage: python -m bench.ask_latency [N]   (N = 0 measures the eval set alone)
Targets (issue 9): p95 <= 300 ms and peak memory <= 500 MB with 10,000 articles stored.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import generate
from bench.evalset import DEFAULT_SET, read_jsonl
from bot.ingest.pipeline import Pipeline
from bot.runtime.core import Core, build_core
from bot.settings import load_settings
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json

REPO = Path(__file__).resolve().parent.parent


def _core(url: str) -> Core:
    return build_core(load_settings({"NEWSDESK_DATABASE_URL": url, "NEWSDESK_CONFIG_DIR": str(REPO / "config")}))


def _measure(core: Core, label: str) -> None:
    questions = [item["question"] for item in read_jsonl(DEFAULT_SET / "qa.jsonl")]
    core.ask(questions[0])  # load word lists once, as a running bot has
    timings = []
    for question in questions:
        started = time.perf_counter()
        core.ask(question)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {len(timings)} questions, p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
          f"max {timings[-1]:.1f} ms, peak memory {peak_mb:.0f} MB")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if count == 0:
        with tempfile.TemporaryDirectory() as tmp:
            core = _core(f"sqlite:///{tmp}/eval.db")
            core.pipeline.ingest_paths([DEFAULT_SET / "articles"])
            _measure(core, "eval set")
            core.close()
        return
    path = Path(tempfile.gettempdir()) / f"newsdesk-bench-{count}.db"
    core = _core(f"sqlite:///{path}")
    have = core.store.article_count()
    if have < count:
        print(f"building a store of {count} articles at {path} (have {have}) ...", flush=True)
        if have == 0:  # the eval articles first, judged for updates: stored before the bulk, they arrive in
            core.pipeline.ingest_paths([DEFAULT_SET / "articles"])  # order (no re-judging of later articles)
        bulk = Pipeline(core.store, core.store.list_stories(), StoryTracker,
                        annotate=annotate_batch_json)  # no update detection: faster to build
        started = time.perf_counter()
        batch = []
        for raw in generate(count):
            if int(raw.origin.split("-")[1]) < have:
                continue
            batch.append(raw)
            if len(batch) == 1000:
                bulk.ingest(batch)
                batch.clear()
                done = core.store.article_count()
                print(f"  {done} articles, {done / (time.perf_counter() - started):.0f}/s", flush=True)
        bulk.ingest(batch)
    print(f"store: {core.store.article_count()} articles")
    _measure(core, f"{count} articles")
    core.close()


if __name__ == "__main__":
    main()
