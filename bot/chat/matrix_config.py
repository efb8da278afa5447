"""Settings for the Matrix adapter, read from MATRIX_* environment variables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


class MatrixConfigError(ValueError):
    """The MATRIX_* settings are incomplete or contradictory."""


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


@dataclass(frozen=True)
class MatrixConfig:
    """How to reach and behave on one Matrix account."""

    homeserver: str
    user_id: str
    password: str | None = None
    access_token: str | None = None
    device_name: str = "newsdesk-bot"
    command_prefix: str = "!news"
    allowed_inviters: tuple[str, ...] = ()
    allowed_servers: tuple[str, ...] = ()
    state_path: str = "data/matrix-state.json"
    sync_timeout_ms: int = 30_000
    request_timeout: float = 20.0
    max_backoff: float = 30.0
    stop_grace: float = 10.0
    timeline_limit: int = 100
    max_gap_pages: int = 20

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], default_state_path: str = "data/matrix-state.json"
    ) -> MatrixConfig | None:
        """Read MATRIX_* variables; None when Matrix is not configured at all.

        Required: MATRIX_HOMESERVER, MATRIX_USER_ID and one of MATRIX_PASSWORD /
        MATRIX_ACCESS_TOKEN. Optional: MATRIX_ALLOWED_INVITERS and MATRIX_ALLOWED_SERVERS
        (comma-separated; empty means anyone may invite), MATRIX_COMMAND_PREFIX (default
        "!news"), MATRIX_STATE_PATH (default `default_state_path`: the runtime passes the bot's
        data folder, NEWSDESK_DATA_DIR), MATRIX_DEVICE_NAME.
        """
        homeserver = environ.get("MATRIX_HOMESERVER", "").strip()
        user_id = environ.get("MATRIX_USER_ID", "").strip()
        password = environ.get("MATRIX_PASSWORD") or None
        token = environ.get("MATRIX_ACCESS_TOKEN") or None
        if not (homeserver or user_id or password or token):
            return None
        if not homeserver or not user_id:
            raise MatrixConfigError("MATRIX_HOMESERVER and MATRIX_USER_ID are both required")
        if not re.fullmatch(r"@[^:\s]+:\S+", user_id):
            raise MatrixConfigError(f"MATRIX_USER_ID must look like @name:server, got {user_id!r}")
        if not homeserver.startswith(("http://", "https://")):
            raise MatrixConfigError("MATRIX_HOMESERVER must be an http(s) URL")
        if not password and not token:
            raise MatrixConfigError("set MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN")
        return cls(
            homeserver=homeserver.rstrip("/"),
            user_id=user_id,
            password=password,
            access_token=token,
            device_name=environ.get("MATRIX_DEVICE_NAME", "").strip() or "newsdesk-bot",
            command_prefix=environ.get("MATRIX_COMMAND_PREFIX", "").strip() or "!news",
            allowed_inviters=_split(environ.get("MATRIX_ALLOWED_INVITERS")),
            allowed_servers=_split(environ.get("MATRIX_ALLOWED_SERVERS")),
            state_path=environ.get("MATRIX_STATE_PATH", "").strip() or default_state_path,
        )
