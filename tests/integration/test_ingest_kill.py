"""A SIGKILL at any point of an ingest loses nothing: the next ingest finishes what was cut off."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import EVAL_ARTICLES, REPO


def _bot(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**os.environ, **env}, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def _updates(env: dict[str, str]) -> list[tuple[str, str, str, str]]:
    done = _bot(env, "updates", "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return sorted((r["story"], r["kind"], r["sentence"], json.dumps(r["previous"], sort_keys=True)) for r in rows)


def _env(tmp_path: Path, name: str) -> dict[str, str]:
    return {"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp_path / name}.db", "NEWSDESK_CONFIG_DIR": str(REPO / "config"),
            "NEWSDESK_DATA_DIR": str(tmp_path / f"{name}-data"), "NEWSDESK_SEEDS_DIR": str(tmp_path / "no-seeds")}


def _kill_after_articles(env: dict[str, str], count: int, delay: float) -> int:
    """Run an ingest (logging at debug) and SIGKILL it `delay` seconds after its `count`-th stored
    article; returns 1 when it was killed, 0 when it finished first."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "-v", "ingest", str(EVAL_ARTICLES)],
                            env={**os.environ, **env}, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen = 0
    for line in proc.stderr:
        seen += "event=article_added" in line
        if seen >= count:
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return 1
    proc.wait(timeout=30)
    return 0


def test_ingests_killed_at_random_points_end_with_the_uninterrupted_updates(tmp_path: Path) -> None:
    calm = _env(tmp_path, "calm")
    assert _bot(calm, "ingest", str(EVAL_ARTICLES)).returncode == 0
    expected = _updates(calm)
    assert expected

    killed = _env(tmp_path, "killed")
    rng = random.Random(7)
    kills = 0
    for _ in range(6):
        # cut the ingest right after its k-th article was stored, while the rest is filed and judged
        kills += _kill_after_articles(killed, rng.randint(1, 2), rng.uniform(0, 0.05))
    assert kills >= 3
    final = _bot(killed, "ingest", str(EVAL_ARTICLES))
    assert final.returncode == 0, final.stderr
    assert _updates(killed) == expected
