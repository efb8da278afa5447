"""An operator's mistakes, made through the real command line: one sentence each, never a traceback,
and no secret in anything printed or logged (planted secrets are grepped for in stdout and stderr)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.test_runtime_process import bot
from tests.support.feed_server import FeedServer

SECRETS = ("feedpass1", "feedtoken2", "dbpass3", "sslpass4", "querypass5", "chatpass6", "chattoken7")


def _config_dir(tmp_path: Path, bot_toml: bytes | str | None = None, feeds_toml: str = "") -> Path:
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config, dirs_exist_ok=True)
    if bot_toml is not None:
        (config / "bot.toml").write_bytes(bot_toml if isinstance(bot_toml, bytes) else bot_toml.encode())
    (config / "feeds.toml").write_text(feeds_toml)
    return config


def _one_sentence(result_err: str) -> None:
    assert "Traceback" not in result_err, result_err
    lines = [line for line in result_err.splitlines() if line.startswith("newsdesk-bot:")]
    assert len(lines) == 1, result_err


@pytest.mark.parametrize(("bot_toml", "expected"), [
    (bytes(range(256)), "is not UTF-8 text"),
    ('timezone = "America"', "'America' is not an IANA time zone"),
    ("seeds_dir = 5", "key 'seeds_dir': must be a folder path string"),
    ("[polling]\ninterval_minutes = inf", "'polling.interval_minutes' must be greater than 0"),
    ("[polling]\ninterval_minutes = nan", "'polling.interval_minutes' must be greater than 0"),
    ("[polling]\nseeds_rescan_seconds = nan", "'polling.seeds_rescan_seconds' must be greater than 0"),
])
def test_broken_bot_toml_is_one_sentence_from_the_cli(env: dict[str, str], tmp_path: Path, bot_toml: bytes | str,
                                                      expected: str) -> None:
    env = {**env, "NEWSDESK_CONFIG_DIR": str(_config_dir(tmp_path, bot_toml))}
    for command in (("stories",), ("run",)):
        result = bot(env, *command)
        assert result.returncode == 2 and expected in result.stderr, result.stderr
        _one_sentence(result.stderr)


def test_unusable_data_folder_or_database_path_is_one_sentence(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cases = [
        ({"NEWSDESK_DATABASE_URL": "", "NEWSDESK_DATA_DIR": str(blocker / "data")}, "cannot create the folder"),
        ({"NEWSDESK_DATABASE_URL": f"sqlite:///{blocker}/store.db"}, "cannot create the folder"),
        ({"NEWSDESK_DATABASE_URL": f"sqlite:///{tmp_path}"}, "cannot open the store"),
    ]
    for extra, expected in cases:
        result = bot({**env, **extra}, "stories")
        assert result.returncode == 2 and expected in result.stderr, result.stderr
        _one_sentence(result.stderr)


def test_since_too_long_ago_and_zone_folder_in_subscribe_are_one_sentence(env: dict[str, str]) -> None:
    for command in (("updates", "--since", "99999999999d"), ("digest", "--since", "9999999d")):
        result = bot(env, *command)
        assert result.returncode == 2 and "is too long ago" in result.stderr, result.stderr
        _one_sentence(result.stderr)
    chat = bot(env, "chat", stdin="subscribe hostage-talks daily 07:30 America\nsubscriptions\n")
    assert "'America' is not an IANA time zone" in chat.stdout
    assert "This channel has no subscriptions." in chat.stdout
    assert "Traceback" not in chat.stdout + chat.stderr


def test_seed_whose_name_is_not_utf8_is_skipped_with_one_line(env: dict[str, str]) -> None:
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    seeds.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "seeds" / "000_seed.txt", seeds / "000_seed.txt")
    with open(os.path.join(os.fsencode(seeds), b"\xff\xfe-bad.txt"), "wb") as handle:
        handle.write(b"Talks\n\nMediators met in Cairo on Monday to discuss the hostage deal.\n")
    result = bot(env, "ingest", str(seeds))
    assert result.returncode == 0 and "1 new article(s)" in result.stdout, result.stderr
    assert "event=seed_skipped" in result.stderr and "Traceback" not in result.stderr
    chat = bot(env, "chat", stdin="stories\n")
    assert "Traceback" not in chat.stdout + chat.stderr


def test_database_url_secrets_never_printed(env: dict[str, str]) -> None:
    urls = [
        "postgresql://news:dbpass3@127.0.0.1:1/news?sslpassword=sslpass4&password=querypass5",
        "postgresql://news:db@pass3@127.0.0.1:1/news",
    ]
    for url in urls:
        result = bot({**env, "NEWSDESK_DATABASE_URL": url}, "-v", "stories")
        assert result.returncode == 2
        _one_sentence(result.stderr)
        shown = result.stdout + result.stderr
        assert not [s for s in (*SECRETS, "db@pass3", "pass3@") if s in shown], shown


async def _bot_async(env: dict[str, str], *args: str, stdin: str = "") -> tuple[int, str]:
    full = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                env=full, cwd=REPO)
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), 90)
    return proc.returncode or 0, out.decode() + err.decode()


async def test_feed_and_chat_url_secrets_never_reach_output_or_logs(env: dict[str, str], tmp_path: Path,
                                                                    feed_server: FeedServer) -> None:
    port = feed_server.base.rsplit(":", 1)[1].strip("/")
    good = f"http://reader:feedpass1@127.0.0.1:{port}/feeds/rss2_wire.xml?token=feedtoken2"
    failing = f"http://reader:feedpass1@127.0.0.1:{port}/status/500?password=feedtoken2"
    feeds = f'[[feed]]\nurl = "{good}"\n\n[[feed]]\nurl = "{failing}"\n'
    env = {**env, "NEWSDESK_CONFIG_DIR": str(_config_dir(tmp_path, feeds_toml=feeds))}
    output = []
    output.append((await _bot_async(env, "-v", "ingest", good, failing))[1])
    output.append((await _bot_async(env, "sources"))[1])
    chat_lines = (f"add feed https://editor:chatpass6@127.0.0.1:{port}/status/404?access_token=chattoken7\n"
                  f"remove feed https://editor:chatpass6@127.0.0.1:1/none?token=chattoken7\n"
                  "sources\nstatus\nexport opml\n")
    code, shown = await _bot_async(env, "-v", "run", stdin=chat_lines)
    output.append(shown)
    everything = "\n".join(output)
    assert code == 0, everything
    assert "127.0.0.1" in everything and "reader:***@" in everything  # the URLs are shown, masked
    assert "Traceback" not in everything
    leaked = [s for s in SECRETS if s in everything]
    assert not leaked, everything


def test_ask_refuses_a_question_over_the_limit_in_one_sentence_without_working_on_it(env: dict[str, str]) -> None:
    long_question = "who are the mediators " + "in the talks " * 4_000 + "?"
    result = bot(env, "ask", long_question, timeout=30)
    assert result.returncode == 2 and "please ask in at most 500 characters" in result.stdout, result.stderr
    assert result.stdout.count("\n") == 1 and "Traceback" not in result.stderr
    batch = bot(env, "ask", "--json", "-", stdin=f"{long_question}\nwho are the mediators?\n", timeout=30)
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert len(lines) == 2 and lines[0]["answer"] is None and "at most 500 characters" in lines[0]["text"]
    assert batch.returncode == 0
