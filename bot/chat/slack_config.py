"""Settings for the Slack adapter, read from SLACK_* environment variables.

Socket Mode is the default (SLACK_BOT_TOKEN + SLACK_APP_TOKEN); HTTP Events mode (SLACK_MODE=http
with SLACK_SIGNING_SECRET) serves bolt on an aiohttp endpoint. SLACK_API_URL points the SDK at
another Web API root (tests use a local emulator). Settings that could never work are refused
when read, so the mistake shows at start-up. Nothing here imports slack-bolt or slack-sdk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_API_URL = "https://slack.com/api/"


class SlackConfigError(ValueError):
    """The Slack settings cannot work (missing token or secret, conflicting variables)."""


@dataclass(frozen=True)
class SlackConfig:
    """Everything the Slack adapter needs; build it with `from_env`.

    `mode` is "socket" (needs `app_token`) or "http" (needs `signing_secret`; bolt listens on
    `http_host`:`http_port` at `http_path`; port 0 picks a free one).
    """

    bot_token: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    mode: str = "socket"
    api_url: str = DEFAULT_API_URL
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    http_path: str = "/slack/events"
    command: str = "/news"
    connect_timeout: float = 30.0
    request_timeout: int = 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SlackConfig | None:
        """Read SLACK_* variables; None when SLACK_BOT_TOKEN is unset (Slack not configured).

        Variables: SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, SLACK_MODE
        (socket|http; default socket when an app token is given, else http), SLACK_API_URL,
        SLACK_HTTP_HOST, SLACK_HTTP_PORT, SLACK_HTTP_PATH, SLACK_COMMAND. Raises
        `SlackConfigError` for settings that could never work, so the mistake shows at start-up.
        """
        token = environ.get("SLACK_BOT_TOKEN", "").strip()
        if not token:
            return None
        app_token = environ.get("SLACK_APP_TOKEN", "").strip()
        secret = environ.get("SLACK_SIGNING_SECRET", "").strip()
        mode = environ.get("SLACK_MODE", "").strip().lower() or ("socket" if app_token or not secret else "http")
        try:
            port = int(environ.get("SLACK_HTTP_PORT", "3000"))
        except ValueError:
            raise SlackConfigError("SLACK_HTTP_PORT must be a number") from None
        api_url = environ.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        config = cls(
            bot_token=token,
            app_token=app_token,
            signing_secret=secret,
            mode=mode,
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            http_host=environ.get("SLACK_HTTP_HOST", "").strip() or "127.0.0.1",
            http_port=port,
            http_path=environ.get("SLACK_HTTP_PATH", "").strip() or "/slack/events",
            command=environ.get("SLACK_COMMAND", "").strip() or "/news",
        )
        config.validate(environ)
        return config

    def validate(self, environ: Mapping[str, str] | None = None) -> None:
        """Raise `SlackConfigError` if these settings cannot work (checked again at start)."""
        if not self.bot_token.startswith("xoxb-"):
            raise SlackConfigError("SLACK_BOT_TOKEN must be a bot token (xoxb-...)")
        if self.mode == "socket":
            if not self.app_token.startswith("xapp-"):
                raise SlackConfigError("Socket Mode needs SLACK_APP_TOKEN (an app-level xapp- token)")
        elif self.mode == "http":
            if not self.signing_secret:
                raise SlackConfigError("HTTP mode needs SLACK_SIGNING_SECRET (bolt cannot verify requests)")
        else:
            raise SlackConfigError(f"SLACK_MODE must be socket or http, not {self.mode!r}")
        if not self.command.startswith("/"):
            raise SlackConfigError("SLACK_COMMAND must start with /")
        env = os.environ if environ is None else environ
        if env.get("SLACK_CLIENT_ID") and env.get("SLACK_CLIENT_SECRET"):
            raise SlackConfigError(
                "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are set: slack-bolt would switch to OAuth; unset them"
            )
