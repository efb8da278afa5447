"""Where the CLI's log goes: stderr, one redacted line per event; in an interactive `run` or `chat`, a file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from bot.redact import RedactingFormatter

log = logging.getLogger("bot")

LOG_FORMAT = "ts=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"
LOG_FILE = "newsdesk.log"


def log_to_stderr(verbose: bool, command: str | None) -> None:
    """Log to stderr: INFO for `run` and with --verbose (the bot's own events then at DEBUG), else warnings only;
    every handler redacts, so nothing logged may show a secret."""
    level = logging.INFO if verbose or command == "run" else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr, format=LOG_FORMAT)
    if verbose:  # the bot's own debug detail; other libraries stay at INFO
        logging.getLogger("bot").setLevel(logging.DEBUG)
    for handler in logging.getLogger().handlers:  # nothing logged may show a secret
        handler.setFormatter(RedactingFormatter(handler.formatter._fmt if handler.formatter else None))


def log_to_file(data_dir: Path, level: int) -> None:
    """Interactive use: every event to DATA_DIR/newsdesk.log, only warnings and errors to the terminal."""
    root = logging.getLogger()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(data_dir / LOG_FILE, encoding="utf-8")
    except OSError as exc:
        log.warning("event=log_file_unavailable path=%s error=%r", data_dir / LOG_FILE, exc)
        return
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    handler.setLevel(level)
    for existing in root.handlers:
        existing.setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
