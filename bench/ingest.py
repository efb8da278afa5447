"""Ingest benchmark: a first ingest of N seed files, then a second of the same unchanged files.

The second run must do no parsing work beyond hashing: it prints how many files were parsed and
how many articles the store gained (both should be 0).

usage: python -m bench.ingest [N]   (default 1000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from bench.corpus import write_files
from bot.ingest import pipeline as pipeline_module
from bot.runtime.core import build_core
from bot.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        write_files(folder, count)
        core = build_core(load_settings({"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                                         "NEWSDESK_CONFIG_DIR": str(REPO / "config")}))
        started = time.perf_counter()
        first = core.pipeline.ingest_paths([folder])
        first_s = time.perf_counter() - started
        # count parse calls on the second run by wrapping (not replacing) the real parser
        with mock.patch.object(pipeline_module, "parse_seed", wraps=pipeline_module.parse_seed) as parse:
            started = time.perf_counter()
            second = core.pipeline.ingest_paths([folder])
            second_s = time.perf_counter() - started
        print(f"files: {count}")
        print(f"first ingest:  {first_s:7.2f} s  ({count / first_s:7.0f} files/s)  {first.summary()}")
        print(f"second ingest: {second_s:7.2f} s  ({count / second_s:7.0f} files/s)  {second.summary()}")
        print(f"second ingest parsed {parse.call_count} file(s); store gained {second.added} article(s)")
        core.close()


if __name__ == "__main__":
    main()
