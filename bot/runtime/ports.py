"""Which chat ports `newsdesk-bot run` starts: every configured platform, or the console when none is.

Platforms are configured by environment variables (secrets never live in config files); an
adapter whose module is not installed is skipped with a log line.
"""

from __future__ import annotations

import logging
from typing import TextIO

from bot.chat.console import ConsoleAdapter
from bot.chat.port import ChatPort
from bot.settings import ConfigError, Settings

log = logging.getLogger("bot.runtime.ports")


def configured_ports(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None) -> list[ChatPort]:
    """The chat ports to run: Slack and Matrix when their environment is set, else the console."""
    ports: list[ChatPort] = []
    env = settings.environ
    if env.get("SLACK_BOT_TOKEN"):
        try:
            from bot.chat.slack import SlackAdapter, SlackConfig, SlackConfigError
        except ImportError:
            log.warning("event=adapter_missing platform=slack")
        else:
            try:
                config = SlackConfig.from_env(env)
            except SlackConfigError as exc:
                raise ConfigError(f"Slack: {exc}.") from exc
            if config is not None:
                ports.append(SlackAdapter(config))
    if not ports:
        ports.append(ConsoleAdapter(stdin, stdout))
    return ports
