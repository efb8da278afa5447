"""The console and the command line as a person meets them: the start line in a terminal (through a
pseudo-terminal), logs kept off the prompt, piped questions echoed, mistyped commands, help, --version, -v."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from tests.integration.test_runtime_process import bot
from tests.support.runtime_kit import ConsoleChannel, drop_seed, make_core


def _read_until(fd: int, wanted: str, timeout: float) -> str:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and wanted.encode() not in seen:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode("utf-8", errors="replace")


def _in_a_terminal(env: dict[str, str], command: str, typed: list[str], wanted: str) -> tuple[str, str]:
    """Run `newsdesk-bot COMMAND` on a pseudo-terminal, type lines, and return (screen, stderr)."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "bot", command], stdin=child, stdout=child,
                            stderr=subprocess.PIPE, env={**os.environ, **env, "PYTHONPATH": str(REPO)}, cwd=REPO)
    os.close(child)
    try:
        screen = _read_until(main, "Ctrl-D ends.", 60)
        for line in typed:
            os.write(main, (line + "\n").encode())
        screen += _read_until(main, wanted, 60)
        os.write(main, b"\x04")  # Ctrl-D
        proc.wait(timeout=60)
        screen += _read_until(main, "\x00", 0.5)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    return screen, proc.stderr.read().decode() if proc.stderr else ""


def test_chat_in_a_terminal_starts_with_one_line_and_keeps_the_log_in_a_file(env: dict[str, str]) -> None:
    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
    screen, stderr = _in_a_terminal(env, "chat", ["hepl"], "did you mean 'help'?")
    first = next(line for line in screen.splitlines() if line.strip())
    assert first.startswith("newsdesk-bot holds 1 article(s) on 2 stories (hostage-talks, rafah-offensive)")
    assert "Type 'help' for the commands" in first
    assert "did you mean 'help'?" in screen
    assert "ts=" not in screen and "level=INFO" not in stderr  # no log lines over the prompt
    assert "event=" in (Path(env["NEWSDESK_DATA_DIR"]) / "newsdesk.log").read_text()


def test_run_in_a_terminal_starts_with_the_line_and_logs_to_the_file(env: dict[str, str]) -> None:
    drop_seed(Path(env["NEWSDESK_SEEDS_DIR"]), "001.txt")
    screen, stderr = _in_a_terminal(env, "run", ["help foo"], "There is no command 'foo'")
    assert screen.lstrip().startswith("newsdesk-bot holds 1 article(s)")  # counted after the seeds scan
    assert "There is no command 'foo'" in screen
    assert "event=runtime_started" not in stderr + screen
    assert "event=runtime_started" in (Path(env["NEWSDESK_DATA_DIR"]) / "newsdesk.log").read_text()


def test_piped_chat_echoes_each_question_before_its_answer(env: dict[str, str]) -> None:
    result = bot(env, "chat", stdin="stories\nwho are the mediators?\nhepl\n")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("newsdesk-bot holds")
    assert "> stories" in lines and "> who are the mediators?" in lines and "> hepl" in lines
    assert lines.index("> stories") < lines.index("Tracked stories") < lines.index("> who are the mediators?")
    assert "did you mean 'help'?" in result.stdout


def test_version_help_and_verbose(env: dict[str, str]) -> None:
    version = bot(env, "--version")
    assert version.returncode == 0 and version.stdout.startswith("newsdesk-bot ")
    ingest_help = bot(env, "ingest", "--help").stdout
    assert "# date: 2024-02-11" in ingest_help and "undated" in ingest_help and ".html" in ingest_help
    for command in ("ask", "updates", "digest", "chat", "run", "stories", "sources"):
        shown = bot(env, command, "--help").stdout
        assert len(shown.split("\n\n")) >= 2 and "usage:" in shown, command
    verbose = bot(env, "-v", "stories")
    assert "level=DEBUG" in verbose.stderr and "event=settings" in verbose.stderr


async def test_the_router_suggests_a_command_and_says_when_help_has_none(env: dict[str, str]) -> None:
    from bot.runtime.app import Runtime
    channel = ConsoleChannel()
    core = make_core(env)
    rt = Runtime(core, [channel.adapter])
    try:
        assert "did you mean 'subscribe'?" in await channel.say(rt, "subscibe")
        assert "Usage: subscribe STORY" in channel.text
        reply = await channel.say(rt, "help foo")
        assert reply.startswith("There is no command 'foo'.") and "Say 'help'" in reply
        assert "Did you mean 'help unsubscribe'?" in await channel.say(rt, "help unsubscrbe")
        assert "I don't know the command 'xyzzy'." in await channel.say(rt, "xyzzy")
    finally:
        core.close()
