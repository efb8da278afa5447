"""`newsdesk-bot run` and `chat` as real processes: crash between writing and sending, SIGTERM, scripted chat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.store import open_store
from bot.store.runtime_repo import RuntimeRepo
from tests.conftest import REPO
from tests.support.runtime_kit import drop_seed


def bot(env: dict[str, str], *args: str, stdin: str | None = "", timeout: float = 60,
        extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` to completion with the test environment."""
    full = {**os.environ, **env, **(extra or {}), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=full, cwd=REPO, timeout=timeout)


def outbox(env: dict[str, str]) -> RuntimeRepo:
    store = open_store(env["NEWSDESK_DATABASE_URL"])
    return RuntimeRepo(store.engine)


def test_killed_between_writing_and_sending_every_post_is_delivered_exactly_once_after_restart(
        env: dict[str, str]) -> None:
    subscribed = bot(env, "chat", stdin="subscribe hostage-talks\n")
    assert subscribed.returncode == 0 and "Subscribed" in subscribed.stdout
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    for name in ("001.txt", "002.txt", "004.txt"):
        drop_seed(seeds, name)

    # run 1 writes the posts to the outbox and is SIGKILLed before sending any (test-only knob)
    full = {**os.environ, **env, "PYTHONPATH": str(REPO), "NEWSDESK_TEST_CRASH_AFTER_WRITE": "1"}
    crashed = subprocess.Popen([sys.executable, "-m", "bot", "run", "--forever"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full, cwd=REPO)
    out1, err1 = crashed.communicate(timeout=60)
    assert crashed.returncode == -signal.SIGKILL, err1
    rows = outbox(env).rows()
    assert len(rows) >= 4 and {r.status for r in rows} == {"pending"}
    headings = [r.post.heading for r in rows]
    assert not any(h in out1 for h in headings)

    # run 2 (no knob) sends what was written, then exits at end of input
    second = bot(env, "run")
    assert second.returncode == 0, second.stderr
    for heading in headings:
        assert second.stdout.count(heading) == 1, heading
    assert {r.status for r in outbox(env).rows()} == {"sent"}
    assert "event=outbox_sent" in second.stderr

    # run 3 has nothing left to send
    third = bot(env, "run")
    assert third.returncode == 0
    assert not any(h in third.stdout for h in headings)


def test_run_shuts_down_cleanly_on_sigterm(env: dict[str, str], tmp_path: Path) -> None:
    err_path = tmp_path / "err.log"
    full = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    with err_path.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--forever"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=err, text=True, env=full, cwd=REPO)
        try:
            deadline = time.monotonic() + 30
            while "event=runtime_started" not in err_path.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "event=runtime_started" in err_path.read_text()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0, err_path.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
    log = err_path.read_text()
    assert "event=runtime_stopped" in log and "Traceback" not in log, log


def test_scripted_chat_answers_every_line_and_exits_at_end_of_input(env: dict[str, str]) -> None:
    result = bot(env, "chat", stdin="subscribe hostage-talks\nwho are the mediators?\nsubscribe\nfrobnicate\n")
    assert result.returncode == 0
    assert "Subscribed: hostage-talks" in result.stdout
    assert "Say which story to subscribe to." in result.stdout and "Usage: subscribe STORY" in result.stdout
    assert "I don't know the command 'frobnicate'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_chat_answers_from_the_seeds_folder_it_reads_first(env: dict[str, str]) -> None:
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    seeds.mkdir(parents=True, exist_ok=True)
    (seeds / "000_seed.txt").write_text((REPO / "seeds" / "000_seed.txt").read_text())
    result = bot(env, "chat", stdin="stories\nwho are the mediators?\nleave\n")
    assert result.returncode == 0, result.stderr
    assert "hostage-talks - Hostage-release talks: 1 article(s)" in result.stdout
    assert "Qatar and Egypt" in result.stdout
    assert "I can't leave by myself here" in result.stdout  # the console is not a room
    assert "Traceback" not in result.stdout + result.stderr
