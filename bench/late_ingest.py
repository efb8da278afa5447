"""Late-article benchmark: what one old article costs when it arrives after N newer ones of its story.

For each N, a fresh SQLite store gets N on-topic articles of the dock strike (`bench/ingest_scale.py`'s
synthetic corpus: changing counts, names, ports, quotes; one article every 2 hours) in date order,
through the real pipeline (annotation pool, filing, update finding). Then M articles published
BEFORE all of them arrive one at a time, newest of them first, so each one is older than everything
stored: the worst case for re-judging, since every stored article of the story was published after it.

Per late article it prints the wall-clock and main-process CPU cost (the parse runs in the annotation
pool either way) and how many stored articles were judged again. Judging a late article against
what was published before it is bounded by the fact index; what must stay bounded too is re-judging
the later articles it can change, so the figures should be flat as N grows (before that was bounded,
every later article of the story was judged again: the cost grew with N).

`--check` also ingests the same N + M articles in date order into a second store and compares the
story's updates (kind, sentence, previous value and its source): late and date-ordered ingest must
give the same updates.

`--dump PREFIX` writes the story's updates after the late ingest to PREFIX-N.jsonl (sorted), to
compare two versions of the code.

usage: python -m bench.late_ingest [--late M] [--check] [--dump PREFIX] [N ...]   (default: --late 8, N = 500 2000)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import tempfile
import time
from dataclasses import dataclass

from bench.ingest_scale import STORY, generate
from bot.domain import RawArticle
from bot.ingest.pipeline import Pipeline
from bot.store import open_store
from bot.store.repo import Store
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json, close_pool
from bot.understand.updates import find_updates


class _RejudgeCounter(logging.Handler):
    """Counts the pipeline's `event=article_rejudged` log lines (one per article judged again)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("event=article_rejudged"):
            self.count += 1


@dataclass
class Run:
    """The figures of one N."""

    stored: int
    in_order_per_s: float
    wall_ms: list[float]
    cpu_ms: list[float]
    rejudged: list[int]


def _pipeline(store: Store) -> Pipeline:
    store.sync_config_stories([STORY])
    return Pipeline(store, [STORY], StoryTracker, find_updates, annotate_batch_json)


def _updates(store: Store) -> set[tuple[str, str, str, str | None, str | None]]:
    return {(u.citation.url, u.kind, u.sentence, u.previous.value if u.previous else None,
             u.previous.citation.url if u.previous else None) for u in store.list_updates(story=STORY.id)}


def measure(n: int, m: int, folder: str, counter: _RejudgeCounter, check: bool, dump: str | None) -> Run:
    """Ingest N articles in date order, then M older ones late, one at a time; optionally compare
    with a date-ordered ingest of all of them."""
    articles = list(generate(n + m))
    late, stored = articles[:m], articles[m:]
    store = open_store(f"sqlite:///{folder}/late-{n}.db")
    try:
        pipeline = _pipeline(store)
        started = time.perf_counter()
        pipeline.ingest(stored)
        in_order = n / (time.perf_counter() - started)
        wall, cpu, rejudged = [], [], []
        for raw in reversed(late):  # each one older than everything stored
            counter.count = 0
            started, cpu_started = time.perf_counter(), time.process_time()
            report = pipeline.ingest([raw])
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            rejudged.append(counter.count)
            assert report.added == 1, report.summary()
        if dump:
            with open(f"{dump}-{n}.jsonl", "w", encoding="utf-8") as out:
                out.writelines(json.dumps(row) + "\n" for row in sorted(_updates(store), key=str))
        if check:
            _compare(store, articles, folder, n)
    finally:
        store.close()
    return Run(n, in_order, wall, cpu, rejudged)


def _compare(late_store: Store, articles: list[RawArticle], folder: str, n: int) -> None:
    """Late ingest and date-order ingest of the same articles give the same updates."""
    reference = open_store(f"sqlite:///{folder}/in-order-{n}.db")
    try:
        _pipeline(reference).ingest(articles)
        want, got = _updates(reference), _updates(late_store)
        print(f"  check N={n}: {len(want)} updates in date order, {len(got)} with late ingest, "
              f"{len(want - got)} missing, {len(got - want)} extra: {'SAME' if want == got else 'DIFFERENT'}",
              flush=True)
    finally:
        reference.close()


def main() -> None:
    """Measure each N and print one line each, then the ratio of the largest N to the smallest."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 2000], help="articles stored before (N)")
    parser.add_argument("--late", type=int, default=8, help="older articles ingested late (M)")
    parser.add_argument("--check", action="store_true", help="compare with a date-ordered ingest")
    parser.add_argument("--dump", help="write the updates after the late ingest to DUMP-N.jsonl")
    args = parser.parse_args()
    counter = _RejudgeCounter()
    log = logging.getLogger("bot.ingest.pipeline")
    log.setLevel(logging.INFO)
    log.addHandler(counter)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            run = measure(n, args.late, folder, counter, args.check, args.dump)
            runs.append(run)
            print(f"N={n:6d}: in date order {run.in_order_per_s:5.1f} articles/s; per late article "
                  f"wall median {statistics.median(run.wall_ms):7.0f} ms (mean {statistics.mean(run.wall_ms):7.0f}), "
                  f"main-process CPU median {statistics.median(run.cpu_ms):7.0f} ms, "
                  f"articles re-judged median {statistics.median(run.rejudged):5.0f} "
                  f"(max {max(run.rejudged)})", flush=True)
    close_pool()
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        print(f"per late article, N={last.stored} / N={first.stored}: "
              f"{statistics.median(last.wall_ms) / statistics.median(first.wall_ms):.2f} (wall), "
              f"{statistics.median(last.cpu_ms) / statistics.median(first.cpu_ms):.2f} (main-process CPU); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
