from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, **files: str) -> dict[str, str]:
    for name, body in files.items():
        (tmp_path / f"{name}.toml").write_text(body)
    return {"NEWSDESK_CONFIG_DIR": str(tmp_path), "NEWSDESK_DATABASE_URL": "sqlite:///:memory:"}


def test_shipped_config_defines_both_tracked_stories() -> None:
    settings = load_settings({"NEWSDESK_CONFIG_DIR": str(REPO / "config")})
    assert {s.id for s in settings.stories} == {"hostage-talks", "rafah-offensive"}


def test_environment_overrides_database_url_and_fetch_allow(tmp_path: Path) -> None:
    env = _config(tmp_path)
    env["NEWSDESK_FETCH_ALLOW"] = "127.0.0.1, 10.0.0.0/8"
    settings = load_settings(env)
    assert settings.database_url == "sqlite:///:memory:"
    assert settings.fetch_allow == ("127.0.0.1", "10.0.0.0/8")


@pytest.mark.parametrize(("files", "expected"), [
    ({"bot": "timezone = [\n"}, r"bot.toml: not valid TOML"),
    ({"bot": 'timezone = "Mars/Olympus"'}, r"bot.toml: key 'timezone': 'Mars/Olympus' is not an IANA time zone"),
    ({"stories": '[[story]]\nid = "Bad Id"\nterms = ["x"]'}, r"stories.toml: story #1: key 'id' must be"),
    ({"stories": '[[story]]\nid = "a"\nterms = "x"'}, r"stories.toml: story 'a': key 'terms': must be a list"),
    ({"stories": '[[story]]\nid = "a"'}, r"needs at least one of 'terms' or 'entities'"),
    ({"feeds": '[[feed]]\nurl = "ftp://x"'}, r"feeds.toml: feed #1: key 'url' must be an http\(s\) URL"),
    ({"stories": '[[story]]\nid = "a"\nterms=["x"]', "feeds": '[[feed]]\nurl = "http://x/f"\nstories = ["b"]'},
     r"names 'b', which is not a story"),
    ({"bot": "[polling]\ninterval_minutes = -1"}, r"'polling.interval_minutes' must be greater than 0"),
])
def test_broken_config_names_file_key_and_problem(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as info:
        load_settings(_config(tmp_path, **files))
    assert "\n" not in str(info.value)


def test_bad_fetch_allow_cidr_is_a_clear_error(tmp_path: Path) -> None:
    env = _config(tmp_path)
    env["NEWSDESK_FETCH_ALLOW"] = "10.0.0.0/99"
    with pytest.raises(ConfigError, match="NEWSDESK_FETCH_ALLOW: '10.0.0.0/99' is not a valid CIDR"):
        load_settings(env)


@pytest.mark.parametrize(("files", "expected"), [
    ({"bot": 'timezone = "America"'}, r"key 'timezone': 'America' is not an IANA time zone"),
    ({"bot": "seeds_dir = 5"}, r"key 'seeds_dir': must be a folder path string, not 5"),
    ({"bot": "[polling]\ninterval_minutes = inf"}, r"'polling.interval_minutes' must be greater than 0 and at most"),
    ({"bot": "[polling]\ninterval_minutes = nan"}, r"'polling.interval_minutes' must be greater than 0 and at most"),
    ({"bot": "[polling]\nseeds_rescan_seconds = nan"}, r"'polling.seeds_rescan_seconds' must be greater than 0"),
    ({"bot": "[delivery]\nlive_window_minutes = 1e300"}, r"'delivery.live_window_minutes' must be greater than 0"),
    ({"stories": '[[story]]\nid = "a"\nterms=["x"]', "feeds": '[[feed]]\nurl = "http://x/f"\ninterval_minutes = inf'},
     r"feed #1: key 'interval_minutes' must be a number from 1 to 10080"),
])
def test_operator_mistakes_in_numbers_zones_and_paths_are_one_sentence(
        tmp_path: Path, files: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as info:
        load_settings(_config(tmp_path, **files))
    assert "\n" not in str(info.value)


def test_binary_bot_toml_is_one_sentence_not_a_decode_error(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ConfigError, match=r"bot.toml: is not UTF-8 text") as info:
        load_settings(_config(tmp_path))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("url", [
    "postgresql://news:pa@ss@db.example/news",
    "postgresql://news:pa/ss@db.example/news",
])
def test_database_password_with_reserved_characters_is_refused_without_showing_it(tmp_path: Path, url: str) -> None:
    env = _config(tmp_path)
    env["NEWSDESK_DATABASE_URL"] = url
    with pytest.raises(ConfigError, match="percent-encode it") as info:
        load_settings(env)
    assert "pa@ss" not in str(info.value) and "pa/ss" not in str(info.value) and "ss@" not in str(info.value)
