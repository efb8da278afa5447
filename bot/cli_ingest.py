"""The CLI's `ingest PATH|URL...`: files, folders and feed URLs read into the store once, with a report."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.ingest.pipeline import IngestReport
from bot.ingest.seeds import undated_files
from bot.redact import redact_text
from bot.runtime.core import Core
from bot.runtime.feeds import ingest_feed_urls


def progress_printer(enabled: bool) -> Callable[[int, int], None]:
    """A progress bar on stderr for ingests of 20 files or more (when `enabled`: stderr is a terminal)."""
    def show(done: int, total: int) -> None:
        if enabled and total >= 20:
            width = 30
            filled = int(width * done / total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
    return show


def ingest(core: Core, targets: Sequence[str]) -> int:
    """Ingest the paths and feed URLs and print what came of it; 1 when some failed and none was read."""
    report = IngestReport()
    paths = [Path(t) for t in targets if not t.startswith(("http://", "https://"))]
    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    undated = undated_files(paths, core.store.seed_file_hash) if paths else []
    if paths:
        report.merge(core.pipeline.ingest_paths(paths, progress_printer(sys.stderr.isatty())))
    if urls:
        report.merge(asyncio.run(ingest_feed_urls(core, urls)))
    print(f"Ingested: {report.summary()}.")
    if undated:
        shown = ", ".join(undated[:5]) + (f" and {len(undated) - 5} more" if len(undated) > 5 else "")
        print(f"  undated: {shown} ha{'s' if len(undated) == 1 else 've'} no '# date:' header, so "
              f"{'it is' if len(undated) == 1 else 'they are'} stored as undated (never as the newest news).")
    for failure in report.failures:
        print(f"  problem: {redact_text(failure)}", file=sys.stderr)
    return 1 if report.failures and not (report.added or report.merged or report.unchanged or report.revised) else 0
