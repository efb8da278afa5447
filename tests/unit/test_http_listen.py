"""Where /healthz and /metrics listen: NEWSDESK_HTTP_LISTEN over bot.toml's http_listen, checked at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings


def _env(tmp_path: Path, bot_toml: str = "", **extra: str) -> dict[str, str]:
    (tmp_path / "bot.toml").write_text(bot_toml)
    return {"NEWSDESK_CONFIG_DIR": str(tmp_path), "NEWSDESK_DATABASE_URL": "sqlite:///:memory:", **extra}


def test_no_address_means_no_http_server(tmp_path: Path) -> None:
    assert load_settings(_env(tmp_path)).http_listen is None


@pytest.mark.parametrize(("value", "expected"), [
    ("127.0.0.1:8080", ("127.0.0.1", 8080)),
    ("0.0.0.0:8080", ("0.0.0.0", 8080)),
    ("localhost:0", ("localhost", 0)),
    ("[::1]:9100", ("::1", 9100)),
    (" bot:8080 ", ("bot", 8080)),
])
def test_the_environment_sets_host_and_port(tmp_path: Path, value: str, expected: tuple[str, int]) -> None:
    assert load_settings(_env(tmp_path, NEWSDESK_HTTP_LISTEN=value)).http_listen == expected


def test_bot_toml_sets_it_and_the_environment_overrides_or_turns_it_off(tmp_path: Path) -> None:
    toml = 'http_listen = "127.0.0.1:9000"\n'
    assert load_settings(_env(tmp_path, toml)).http_listen == ("127.0.0.1", 9000)
    assert load_settings(_env(tmp_path, toml, NEWSDESK_HTTP_LISTEN="0.0.0.0:8080")).http_listen == ("0.0.0.0", 8080)
    assert load_settings(_env(tmp_path, toml, NEWSDESK_HTTP_LISTEN="")).http_listen is None


@pytest.mark.parametrize(("bot_toml", "env", "expected"), [
    ("", {"NEWSDESK_HTTP_LISTEN": "8080"}, r"^NEWSDESK_HTTP_LISTEN: '8080' is not HOST:PORT \(for example"),
    ("", {"NEWSDESK_HTTP_LISTEN": "127.0.0.1:99999"}, r"^NEWSDESK_HTTP_LISTEN: '127.0.0.1:99999' is not HOST:PORT"),
    ("", {"NEWSDESK_HTTP_LISTEN": "http://127.0.0.1:8080"}, r"is not HOST:PORT"),
    ('http_listen = "127.0.0.1"', {}, r"bot.toml: key 'http_listen': '127.0.0.1' is not HOST:PORT"),
    ("http_listen = 8080", {}, r"bot.toml: key 'http_listen': must be a HOST:PORT string, not 8080\.$"),
])
def test_a_bad_address_is_one_sentence_naming_where_it_came_from(tmp_path: Path, bot_toml: str, env: dict[str, str],
                                                                  expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as caught:
        load_settings(_env(tmp_path, bot_toml, **env))
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")
