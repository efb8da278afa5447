"""Growth benchmark: ingest cost per article and `ask` p95 at 1k, 10k and 100k stored articles.

One SQLite store is grown once and kept under /tmp (building 100,000 articles takes about an hour
on 2 cores, so it is resumable and snapshotted at each size):

* the eval set's articles first (full pipeline), then generated filler articles on the tracked
  stories (`bench/corpus.py`: eval sentences mixed and re-numbered, 13 hours apart), ingested in
  batches of 1,000 with annotation but without update finding, as `bench/ask_latency.py` builds its
  large store;
* when the store holds a size asked for, it is copied to a snapshot (/tmp/newsdesk-growth-N.db).

Measuring at a size works on a copy of its snapshot: 60 further articles of the same sequence,
published after everything stored, go through the whole pipeline untimed (starting the annotation
pool and loading what update finding and answering load once), then the next 200 (annotation in
the process pool, dedupe, filing, update finding) are timed per article; then every question of
the eval set is asked twice (after one warm-up question) and the p50/p95 of the 172 timings printed.

Measured here (load average 3.3-3.5 on 2 cores): ingest 58 / 59 / 61 ms an article at 1k / 10k / 100k
stored (24-26 ms of the main process's CPU), `ask` p95 52 / 195 / 331 ms. The 100k store took about an
hour to grow (20-50 articles/s).

usage: python -m bench.growth [SIZE ...]          build (or reuse) and measure each size (default 1000 10000 100000)
       python -m bench.growth --build-only SIZE   grow the store and snapshot it, measure nothing
       python -m bench.growth --measure-only SIZE measure a snapshot built before
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.ask_latency import _core
from bench.corpus import generate
from bench.evalset import DEFAULT_SET, read_jsonl
from bot.domain import RawArticle
from bot.ingest.pipeline import Pipeline
from bot.runtime.core import Core
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json, close_pool

TMP = Path(tempfile.gettempdir())
STORE = TMP / "newsdesk-growth.db"
PROGRESS = TMP / "newsdesk-growth.json"
BATCH = 1000
WARM = 60  # 540 sentences: enough for ingest to start the annotation pool (>= 400)
PROBE = 200
AFTER_EVAL = datetime(2025, 1, 1, tzinfo=UTC)


def snapshot_path(size: int) -> Path:
    """Where the store is kept once it holds `size` filler articles."""
    return TMP / f"newsdesk-growth-{size}.db"


def copy_store(source: Path, target: Path) -> None:
    """Copy a SQLite store consistently (the backup API also takes what is still in the WAL)."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def fillers_stored() -> int:
    """How many filler articles of the sequence the growing store holds."""
    return int(json.loads(PROGRESS.read_text())["fillers"]) if PROGRESS.exists() and STORE.exists() else 0


def sequence(first: int, count: int) -> Iterator[RawArticle]:
    """Articles `first` .. `first + count - 1` of the generated sequence (each is the same every time)."""
    for raw in generate(first + count):
        if int(raw.origin.split("-")[1]) >= first:
            yield raw


def build(size: int) -> None:
    """Grow the store to `size` filler articles (resuming where it stopped) and snapshot it."""
    if snapshot_path(size).exists():
        print(f"snapshot {snapshot_path(size)} exists", flush=True)
        return
    have = fillers_stored()
    if have > size:
        raise SystemExit(f"the growing store already holds {have} > {size} fillers and has no snapshot of "
                         f"{size}: remove {STORE} and {PROGRESS} to build again")
    core = _core(f"sqlite:///{STORE}")
    try:
        if have == 0:
            core.pipeline.ingest_paths([DEFAULT_SET / "articles"])
            PROGRESS.write_text(json.dumps({"fillers": 0}))
        bulk = Pipeline(core.store, core.store.list_stories(), StoryTracker, annotate=annotate_batch_json)
        started, done = time.perf_counter(), have
        batch: list[RawArticle] = []
        for raw in sequence(have, size - have):
            batch.append(raw)
            if len(batch) == BATCH:
                bulk.ingest(batch)
                done += len(batch)
                batch.clear()
                PROGRESS.write_text(json.dumps({"fillers": done}))
                rate = (done - have) / (time.perf_counter() - started)
                print(f"  {done} fillers ({core.store.article_count()} articles), {rate:.1f}/s", flush=True)
        if batch:
            bulk.ingest(batch)
            PROGRESS.write_text(json.dumps({"fillers": done + len(batch)}))
    finally:
        core.close()
        close_pool()
    copy_store(STORE, snapshot_path(size))
    print(f"snapshot {snapshot_path(size)}", flush=True)


def fresh(first: int, count: int) -> list[RawArticle]:
    """Articles of the sequence from `first` on, each published after everything stored (the eval
    set's articles are from 2024, so a small store's next fillers would otherwise arrive late, and a
    late article costs more to judge: the sizes would not compare)."""
    return [dataclasses.replace(raw, published=max(raw.published, AFTER_EVAL + timedelta(hours=13 * (n + 1))))
            if raw.published is not None else raw for n, raw in enumerate(sequence(first, count), start=first)]


def _warm(core: Core, size: int) -> None:
    """Start the annotation pool and load what ingest and answering load once, as a running bot has."""
    core.pipeline.ingest(fresh(size, WARM))
    core.ask("Who mediated the talks?")


def measure(size: int) -> dict[str, float]:
    """Ingest cost per article and `ask` latency on a copy of the snapshot at `size`."""
    work = TMP / f"newsdesk-growth-work-{os.getpid()}.db"
    copy_store(snapshot_path(size), work)
    core = _core(f"sqlite:///{work}")
    try:
        stored = core.store.article_count()
        _warm(core, size)
        probe = fresh(size + WARM, PROBE)
        started, cpu = time.perf_counter(), time.process_time()
        report = core.pipeline.ingest(probe)
        wall_ms = (time.perf_counter() - started) / len(probe) * 1000
        cpu_ms = (time.process_time() - cpu) / len(probe) * 1000
        questions = [item["question"] for item in read_jsonl(DEFAULT_SET / "qa.jsonl")]
        timings = []
        for _ in range(2):
            for question in questions:
                asked = time.perf_counter()
                core.ask(question)
                timings.append((time.perf_counter() - asked) * 1000)
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        figures = {"stored": stored, "ingest_ms": wall_ms, "ingest_cpu_ms": cpu_ms,
                   "ask_p50": statistics.median(timings), "ask_p95": p95,
                   "added": report.added, "updates": len(report.updates)}
        print(f"{size:>7} fillers ({stored} articles stored): ingest {wall_ms:.0f} ms/article wall "
              f"({cpu_ms:.0f} ms main-process CPU; {report.added} added, {len(report.updates)} updates), "
              f"ask p50 {figures['ask_p50']:.0f} ms, p95 {p95:.0f} ms over {len(timings)} questions; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        return figures
    finally:
        core.close()
        close_pool()
        work.unlink(missing_ok=True)
        for extra in ("-wal", "-shm"):
            Path(f"{work}{extra}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    """Build and/or measure the sizes asked for."""
    parser = argparse.ArgumentParser(description="ingest cost and ask p95 as the store grows")
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--build-only", action="store_true")
    mode.add_argument("--measure-only", action="store_true")
    args = parser.parse_args(argv)
    results: dict[int, dict[str, float]] = {}
    for size in sorted(args.sizes):
        if not args.measure_only:
            build(size)
        if not args.build_only:
            results[size] = measure(size)
    if results:
        print("\nfillers  stored  ingest ms/article (wall, CPU)  ask p50  ask p95")
        for size, f in results.items():
            print(f"{size:>7} {f['stored']:>7.0f}  {f['ingest_ms']:>8.0f} {f['ingest_cpu_ms']:>6.0f}"
                  f"{'':>15}{f['ask_p50']:>6.0f}   {f['ask_p95']:>6.0f}")


if __name__ == "__main__":
    main()
