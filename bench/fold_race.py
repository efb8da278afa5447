"""A fold written while the outbox worker is busy must still be delivered (found by `bench/load_run.py`).

    python -m bench.fold_race

The worker reads a batch of due rows, then sends them one by one. While it sends the first row,
the delivery folds a new update into the second (a pending `fold` row: `RuntimeRepo.fold_into`
only touches rows still pending, and records the update's key as 'done'). The fold must reach
the platform: the worker has to send what the row holds once claimed, not what it read before.
Deterministic: the fold happens inside the fake platform's first send. Exit code 0 when the
folded update was delivered.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from bot.domain import Post
from bot.runtime.core import build_core
from bot.runtime.outbox import OutboxWorker
from bot.settings import load_settings
from bot.store.runtime_repo import NewPost, RuntimeRepo

ROOT = Path(__file__).resolve().parent.parent
FOLDED_LINE = "Folded while the worker was sending: 12 more hostages named."


class FoldingPort:
    """A platform that records what it is sent; during the first send the delivery folds into row 2."""

    platform = "slack"

    def __init__(self, repo: RuntimeRepo, fold_row: int) -> None:
        self.repo = repo
        self.fold_row = fold_row
        self.sent: list[Post] = []

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Record the post; on the first one, fold an update into the pending fold row meanwhile."""
        if not self.sent:
            current = self.repo.row("live:slack:C1:hostage-talks:2")
            assert current is not None
            marker = NewPost("live:slack:C1:hostage-talks:3", "slack", "C1", Post("Wire: item 3", [FOLDED_LINE]),
                             "folded", "hostage-talks")
            folded = Post(current.post.heading, [*current.post.lines, "Wire: item 3", FOLDED_LINE])
            assert self.repo.fold_into(self.fold_row, folded, marker), "the fold row was no longer pending"
        self.sent.append(post)
        return f"ts{len(self.sent)}"

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Not used here."""


async def run() -> int:
    """Two due rows, one fold during the first send; report whether the folded line went out."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp}/store.db", "NEWSDESK_CONFIG_DIR": str(ROOT / "config"),
               "NEWSDESK_SEEDS_DIR": f"{tmp}/seeds", "NEWSDESK_DATA_DIR": f"{tmp}/data"}
        core = build_core(load_settings(env))
        try:
            repo = RuntimeRepo(core.store.engine)
            repo.enqueue([
                NewPost("live:slack:C1:hostage-talks:1", "slack", "C1", Post("Wire: item 1", ["A fact."]), "live",
                        "hostage-talks"),
                NewPost("live:slack:C1:hostage-talks:2", "slack", "C1",
                        Post("More on Hostage-release talks (several updates at once)", ["Wire: item 2", "B fact."]),
                        "fold", "hostage-talks"),
            ])
            fold = repo.row("live:slack:C1:hostage-talks:2")
            assert fold is not None
            port = FoldingPort(repo, fold.id)
            await OutboxWorker(repo, {"slack": port}).drain_once()
        finally:
            core.close()
    delivered = any(FOLDED_LINE in post.lines for post in port.sent)
    print(f"posts sent: {len(port.sent)}; folded update delivered: {'yes' if delivered else 'NO (lost)'}")
    return 0 if delivered else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
