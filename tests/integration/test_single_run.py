"""SQLite serves one `newsdesk-bot run` at a time: a second one says so and exits; a dead one leaves no lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO


def test_a_second_run_on_the_same_sqlite_store_is_refused_and_a_killed_run_leaves_no_lock(
        env: dict[str, str], tmp_path: Path) -> None:
    full = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    err_path = tmp_path / "first.log"
    with err_path.open("w") as err:
        first = subprocess.Popen([sys.executable, "-m", "bot", "run", "--forever"], stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=err, env=full, cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while "event=runtime_started" not in err_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "event=runtime_started role=single" in err_path.read_text()

        second = subprocess.run([sys.executable, "-m", "bot", "run"], input="", capture_output=True, text=True,
                                env=full, cwd=REPO, timeout=60)
        assert second.returncode == 2
        lines = second.stderr.strip().splitlines()
        assert lines[-1].startswith("newsdesk-bot: another newsdesk-bot run (pid ")
        assert "is already using the SQLite store" in lines[-1] and "PostgreSQL" in lines[-1]
        assert "Traceback" not in second.stderr and "event=runtime_started" not in second.stderr

        first.send_signal(signal.SIGKILL)  # the kernel drops its lock with it
        first.wait(timeout=10)
        third = subprocess.run([sys.executable, "-m", "bot", "run"], input="", capture_output=True, text=True,
                               env=full, cwd=REPO, timeout=60)
        assert third.returncode == 0, third.stderr
        assert "event=runtime_started role=single" in third.stderr
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
