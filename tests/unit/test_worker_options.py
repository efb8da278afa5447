"""Worker settings read from the environment, and the SQLite single-run lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime.leadership import WorkerOptions, WorkerOptionsError
from bot.store import StoreBusy
from bot.store.db import single_run_lock, sqlite_path


def test_worker_options_default_and_from_the_environment() -> None:
    assert WorkerOptions.from_environ({}) == WorkerOptions()
    options = WorkerOptions.from_environ({"NEWSDESK_LEASE_SECONDS": "4", "NEWSDESK_POLL_BATCH": "2",
                                          "NEWSDESK_FEED_TICK_SECONDS": "0.5"})
    assert (options.lease_seconds, options.claim_batch, options.feed_tick_seconds) == (4.0, 2, 0.5)
    assert options.grace_seconds == 2 * options.retry_seconds


@pytest.mark.parametrize(("name", "value"), [("NEWSDESK_LEASE_SECONDS", "soon"), ("NEWSDESK_LEASE_SECONDS", "0"),
                                             ("NEWSDESK_POLL_BATCH", "nan"), ("NEWSDESK_FEED_TICK_SECONDS", "-1")])
def test_a_bad_worker_setting_is_named_in_one_sentence(name: str, value: str) -> None:
    with pytest.raises(WorkerOptionsError, match=f"^{name} must be "):
        WorkerOptions.from_environ({name: value})


def test_one_run_lock_per_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert sqlite_path(url) == tmp_path / "store.db"
    assert sqlite_path("postgresql://u@h/db") is None and sqlite_path("sqlite:///:memory:") is None
    with single_run_lock(url):
        with pytest.raises(StoreBusy, match="already using the SQLite store"), single_run_lock(url):
            pass
        with single_run_lock(f"sqlite:///{tmp_path / 'other.db'}"):  # another store is another lock
            pass
    with single_run_lock(url):  # released on exit
        pass
    with single_run_lock("postgresql://u@h/db"):  # nothing to lock: several workers may share it
        pass
