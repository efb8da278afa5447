"""Reading an eval set (articles, qa.jsonl, updates.jsonl) and running the bot's CLI against it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SET = REPO / "tests" / "data" / "eval"
SHARED_SET = REPO.parent.parent / "shared" / "eval"

SCORER_STOP = {"the", "a", "an", "of", "and", "in", "on", "to", "for", "by", "with", "at", "as", "is", "are",
               "was", "were"}


def eval_dir(argv: Sequence[str]) -> Path:
    """The eval set named on the command line, else the repo's copy."""
    for arg in argv:
        if not arg.startswith("-"):
            return Path(arg)
    return DEFAULT_SET


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class BotRunner:
    """Runs `newsdesk-bot` commands against a fresh store in a temporary folder."""

    def __init__(self, config: Path | None = None) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.env = {**os.environ, "NEWSDESK_DATABASE_URL": f"sqlite:///{self._tmp.name}/eval.db",
                    "NEWSDESK_CONFIG_DIR": str(config or REPO / "config"), "NEWSDESK_DATA_DIR": self._tmp.name}

    def run(self, *args: str, stdin: str | None = None) -> str:
        """Run one command; raise with its error output if it fails."""
        done = subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                              env=self.env, cwd=REPO, timeout=900)
        if done.returncode:
            raise RuntimeError(f"newsdesk-bot {' '.join(args)} failed ({done.returncode}): {done.stderr[-500:]}")
        return done.stdout

    def close(self) -> None:
        """Delete the temporary store."""
        self._tmp.cleanup()


def scorer_tokens(text: str | None) -> list[str]:
    """Tokens as the eval's answer scorer counts them."""
    return [t for t in re.findall(r"[a-z0-9]+", (text or "").lower()) if t not in SCORER_STOP]


def answer_is_right(answer: str | None, accepted: Sequence[str]) -> bool:
    """Whether a short answer contains an accepted answer without being padded."""
    got = scorer_tokens(answer)
    for option in accepted:
        want = scorer_tokens(option)
        if want and set(want) <= set(got) and len(got) <= max(12, 3 * len(want)):
            return True
    return False


def overlap_tokens(text: str | None) -> set[str]:
    """Tokens as the eval's update scorer compares sentences."""
    return set(re.findall(r"[a-z0-9]+", (text or "").lower())) - {"the", "a", "an", "of", "and", "to", "in", "on",
                                                                   "said"}


def similarity(a: str, b: str) -> float:
    """Share of the shorter sentence's tokens found in the other."""
    ta, tb = overlap_tokens(a), overlap_tokens(b)
    return len(ta & tb) / max(1, min(len(ta), len(tb))) if ta and tb else 0.0


def scorer_sentences(text: str) -> list[str]:
    """Sentences as the eval's update scorer splits them."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    return [s.strip() for s in re.split(r"(?<=[.!?”\"])\s+", body) if len(s.split()) >= 5]
