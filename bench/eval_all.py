"""Score every eval set (shared/eval and each story of shared/eval-more) with the shared scorers.

usage: python bench/eval_all.py [--qa-only|--updates-only] [--show] [SET_NAME ...]
Prints one line per set and scorer; each set gets a fresh store and its own config.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def eval_sets() -> list[tuple[str, Path, Path]]:
    """(name, set folder, config folder) for every eval set beside the project."""
    sets = [("gaza-talks", SHARED / "eval", REPO / "config")]
    more = SHARED / "eval-more"
    if more.is_dir():
        sets += [(d.name, d, d / "config") for d in sorted(more.iterdir()) if (d / "qa.jsonl").exists()]
    return sets


def bot_command() -> str:
    """The installed CLI beside this interpreter."""
    return str(Path(sys.executable).parent / "newsdesk-bot")


def score(name: str, folder: Path, config: Path, qa: bool, updates: bool, show: bool) -> None:
    """Run the shared scorers on one set, each on a fresh store."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NEWSDESK_CONFIG_DIR": str(config), "NEWSDESK_DATA_DIR": tmp,
               "NEWSDESK_DATABASE_URL": f"sqlite:///{tmp}/qa.db"}
        bot = bot_command()
        extra = ["--show"] if show else []
        if qa:
            subprocess.run([bot, "ingest", str(folder / "articles")], env=env, check=True, capture_output=True)
            scorer = [sys.executable, str(SHARED / "eval" / "score_qa.py"), bot, str(folder / "qa.jsonl")]
            done = subprocess.run([*scorer, "0.85", "0.9", "--max-wrong", "0.05", *extra], env=env,
                                  capture_output=True, text=True)
            print(f"{name:20s} QA      {done.stdout.strip()}", flush=True)
        if updates:
            env["NEWSDESK_DATABASE_URL"] = f"sqlite:///{tmp}/updates.db"
            done = subprocess.run([sys.executable, str(SHARED / "eval" / "score_updates.py"), bot, str(folder),
                                   "0.9", "0.05", "0.9", "--min-changed", "0.8", *extra], env=env,
                                  capture_output=True, text=True)
            print(f"{name:20s} UPDATES {done.stdout.strip()}", flush=True)


def main() -> None:
    """Score the sets named on the command line, or all of them."""
    args = sys.argv[1:]
    names = [a for a in args if not a.startswith("--")]
    for name, folder, config in eval_sets():
        if names and name not in names:
            continue
        score(name, folder, config, "--updates-only" not in args, "--qa-only" not in args, "--show" in args)


if __name__ == "__main__":
    main()
