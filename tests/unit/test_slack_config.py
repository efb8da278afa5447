"""SlackConfig.from_env: when Slack is configured, which mode, and mistakes caught at start-up."""

from __future__ import annotations

import pytest

from bot.chat.slack import SlackAdapter, SlackConfig, SlackConfigError

SOCKET = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}


def test_no_bot_token_means_slack_is_not_configured() -> None:
    assert SlackConfig.from_env({}) is None
    assert SlackConfig.from_env({"SLACK_BOT_TOKEN": "  "}) is None


def test_socket_mode_is_the_default_with_slacks_own_api_url() -> None:
    config = SlackConfig.from_env(SOCKET)
    assert config is not None
    assert (config.mode, config.api_url, config.command) == ("socket", "https://slack.com/api/", "/news")


def test_api_url_gets_its_trailing_slash() -> None:
    config = SlackConfig.from_env({**SOCKET, "SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert config is not None and config.api_url == "http://127.0.0.1:9/api/"


def test_http_mode_from_a_signing_secret_without_app_token() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret", "SLACK_HTTP_PORT": "8080"}
    config = SlackConfig.from_env(env)
    assert config is not None
    assert (config.mode, config.http_port, config.http_path) == ("http", 8080, "/slack/events")


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_MODE": "http", "SLACK_SIGNING_SECRET": ""}, "SIGNING_SECRET"),
        ({**SOCKET, "SLACK_BOT_TOKEN": "xoxp-user"}, "xoxb"),
        ({**SOCKET, "SLACK_MODE": "rtm"}, "SLACK_MODE"),
        ({**SOCKET, "SLACK_HTTP_PORT": "eighty"}, "SLACK_HTTP_PORT"),
        ({**SOCKET, "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2"}, "OAuth"),
    ],
)
def test_settings_that_cannot_work_fail_at_start_up(env: dict[str, str], problem: str) -> None:
    with pytest.raises(SlackConfigError, match=problem):
        SlackConfig.from_env(env)


async def test_adapter_refuses_to_start_http_mode_with_an_empty_signing_secret() -> None:
    adapter = SlackAdapter(SlackConfig(bot_token="xoxb-1", mode="http", api_url="http://127.0.0.1:9/api/"))

    async def never(message: object) -> None:
        raise AssertionError("no message can arrive")

    with pytest.raises(SlackConfigError, match="SIGNING_SECRET"):
        await adapter.start(never)
