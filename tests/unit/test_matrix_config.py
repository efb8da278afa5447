"""Matrix settings from the environment, persistent adapter state, and reply-fallback stripping."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from bot.chat.matrix import strip_reply_fallback
from bot.chat.matrix_config import MatrixConfig, MatrixConfigError
from bot.chat.matrix_state import JsonFileStateStore, MatrixState


def test_no_matrix_variables_means_matrix_is_off() -> None:
    assert MatrixConfig.from_env({"SLACK_BOT_TOKEN": "x"}) is None


def test_full_environment_is_read_with_lists_and_defaults() -> None:
    config = MatrixConfig.from_env(
        {
            "MATRIX_HOMESERVER": "https://matrix.example.org/",
            "MATRIX_USER_ID": "@news:example.org",
            "MATRIX_PASSWORD": "pw",
            "MATRIX_ALLOWED_INVITERS": "@ed:example.org, @chief:example.org",
            "MATRIX_ALLOWED_SERVERS": "example.org",
        }
    )
    assert config is not None
    assert config.homeserver == "https://matrix.example.org"
    assert config.allowed_inviters == ("@ed:example.org", "@chief:example.org")
    assert config.allowed_servers == ("example.org",)
    assert (config.command_prefix, config.state_path) == ("!news", "data/matrix-state.json")


@pytest.mark.parametrize(
    "env, complaint",
    [
        ({"MATRIX_HOMESERVER": "https://m.example"}, "both required"),
        ({"MATRIX_HOMESERVER": "https://m.example", "MATRIX_USER_ID": "news"}, "@name:server"),
        (
            {"MATRIX_HOMESERVER": "m.example", "MATRIX_USER_ID": "@n:m.example", "MATRIX_PASSWORD": "p"},
            "http",
        ),
        ({"MATRIX_HOMESERVER": "https://m.example", "MATRIX_USER_ID": "@n:m.example"}, "MATRIX_PASSWORD"),
    ],
)
def test_incomplete_settings_are_refused_with_a_reason(env: dict[str, str], complaint: str) -> None:
    with pytest.raises(MatrixConfigError, match=complaint):
        MatrixConfig.from_env(env)


def test_state_file_round_trips_privately_and_survives_corruption(tmp_path: Path) -> None:
    store = JsonFileStateStore(tmp_path / "data" / "matrix-state.json")
    assert store.load() is None
    state = MatrixState("@n:x", "DEV", "secret", "s72_1", ["!enc:x"], {"!old:x": "!new:x"})
    store.save(state)
    assert store.load() == state
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert json.loads(store.path.read_text())["next_batch"] == "s72_1"
    store.path.write_text("{not json")
    assert store.load() is None


def test_reply_fallback_quotes_are_removed() -> None:
    assert strip_reply_fallback("> <@ed:x> old question\n> more\n\n!news what now") == "!news what now"
    assert strip_reply_fallback("no quote here") == "no quote here"


def test_transaction_id_is_the_same_for_the_same_key_url_safe_and_differs_between_keys() -> None:
    from bot.chat.matrix import transaction_id

    key = "live:matrix:!room/with?odd#chars:localhost:hostage-talks:14"
    assert transaction_id(key) == transaction_id(key)
    assert transaction_id(key) != transaction_id(key + "5")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", transaction_id(key))


def test_run_keeps_the_matrix_state_in_the_data_folder_unless_told_otherwise(tmp_path: Path) -> None:
    from bot.chat.matrix import MatrixAdapter
    from bot.runtime.ports import configured_ports
    from bot.settings import load_settings

    env = {"NEWSDESK_CONFIG_DIR": str(Path(__file__).resolve().parents[2] / "config"),
           "NEWSDESK_DATA_DIR": str(tmp_path / "data"), "MATRIX_HOMESERVER": "http://127.0.0.1:1",
           "MATRIX_USER_ID": "@news:example.org", "MATRIX_PASSWORD": "pw"}
    (port,) = configured_ports(load_settings(env))
    assert isinstance(port, MatrixAdapter) and port.config.state_path == str(tmp_path / "data" / "matrix-state.json")
    (port,) = configured_ports(load_settings({**env, "MATRIX_STATE_PATH": str(tmp_path / "s.json")}))
    assert isinstance(port, MatrixAdapter) and port.config.state_path == str(tmp_path / "s.json")
