"""Which chat ports `newsdesk-bot run` starts: every configured platform, or the console when none is.

Platforms are configured by environment variables (secrets never live in config files); an
adapter whose module is not installed is skipped with a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.chat.console import ConsoleAdapter
from bot.chat.matrix_config import MatrixConfig, MatrixConfigError
from bot.chat.matrix_state import DatabaseStateStore, JsonFileStateStore, KeyValue, MatrixStateStore
from bot.chat.port import ChatPort
from bot.settings import ConfigError, Settings

log = logging.getLogger("bot.runtime.ports")

RoomReplaced = Callable[[str, str], Awaitable[None]]


def configured_ports(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None,
                     on_room_replaced: RoomReplaced | None = None, shared_state: KeyValue | None = None
                     ) -> list[ChatPort]:
    """The chat ports to run: Slack and Matrix when their environment is set, else the console.

    `on_room_replaced(old, new)` is called when a Matrix room was upgraded (the runtime moves that
    room's subscriptions and queued posts to the new room). With `shared_state` (several workers
    on one PostgreSQL) the Matrix state lives there instead of in a local file.
    """
    ports: list[ChatPort] = []
    env = settings.environ
    if env.get("SLACK_BOT_TOKEN"):
        try:
            from bot.chat.slack import SlackAdapter, SlackConfig, SlackConfigError  # noqa: PLC0415 - slack_bolt is heavy, loaded only when used
        except ImportError:
            log.warning("event=adapter_missing platform=slack")
        else:
            try:
                config = SlackConfig.from_env(env)
            except SlackConfigError as exc:
                raise ConfigError(f"Slack: {exc}.") from exc
            if config is not None:
                ports.append(SlackAdapter(config))
    try:
        from bot.chat.matrix import MatrixAdapter  # noqa: PLC0415 - matrix-nio is heavy, loaded only when used
    except ImportError:
        if any(k.startswith("MATRIX_") for k in env):
            log.warning("event=adapter_missing platform=matrix")
    else:
        try:
            matrix = MatrixConfig.from_env(env, default_state_path=str(settings.data_dir / "matrix-state.json"))
        except MatrixConfigError as exc:
            raise ConfigError(f"Matrix: {exc}.") from exc
        if matrix is not None:
            state: MatrixStateStore = (DatabaseStateStore(shared_state, matrix.user_id) if shared_state is not None
                                       else JsonFileStateStore(matrix.state_path))
            ports.append(MatrixAdapter(matrix, state, on_room_replaced=on_room_replaced))
    if not ports:
        ports.append(ConsoleAdapter(stdin, stdout, image_dir=settings.data_dir / "charts"))
    return ports
