"""What the Matrix adapter keeps between runs, and where it keeps it.

The access token and device id let a restarted bot log in as the same device (no new device per
restart); `next_batch` is the sync token saved only after the messages it covers were handled, so
a restart neither replays old messages nor misses ones sent while the bot was down.
`MatrixStateStore` is a small interface so the state can move from a JSON file into the database.
State saved for another user or another homeserver is never reused (`foreign_state`).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass
class MatrixState:
    """The adapter's persistent state for one account."""

    user_id: str = ""
    device_id: str = ""
    access_token: str = ""
    next_batch: str = ""
    encrypted_notified: list[str] = field(default_factory=list)
    replaced_rooms: dict[str, str] = field(default_factory=dict)
    recent_handled: list[str] = field(default_factory=list)
    homeserver: str = ""  # the homeserver URL this state was made with ("" in files from before it was kept)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatrixState:
        """Build from a dict, ignoring unknown keys (older or newer files still load)."""
        return cls(
            user_id=str(data.get("user_id", "")),
            homeserver=str(data.get("homeserver", "")),
            device_id=str(data.get("device_id", "")),
            access_token=str(data.get("access_token", "")),
            next_batch=str(data.get("next_batch", "")),
            encrypted_notified=[str(r) for r in data.get("encrypted_notified", [])],
            replaced_rooms={str(k): str(v) for k, v in dict(data.get("replaced_rooms", {})).items()},
            recent_handled=[str(e) for e in data.get("recent_handled", [])],
        )


def same_homeserver(a: str, b: str) -> bool:
    """Whether two homeserver URLs name the same server (case and a trailing slash do not count)."""
    return a.strip().rstrip("/").lower() == b.strip().rstrip("/").lower()


def foreign_state(saved: MatrixState, user_id: str, homeserver: str) -> str | None:
    """Why `saved` belongs to another account (a few words for the log), or None when it is ours."""
    if saved.user_id and saved.user_id != user_id:
        return "saved for another user"
    if saved.homeserver and not same_homeserver(saved.homeserver, homeserver):
        return "saved for another homeserver"
    return None


def parse_state(raw: str, where: str) -> MatrixState | None:
    """Saved state from its JSON text; unreadable text is reported (`where` says which) and ignored."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        log.warning("matrix.state_unreadable %s", where)
        return None
    return MatrixState.from_dict(data) if isinstance(data, dict) else None


class MatrixStateStore(Protocol):
    """Loads and saves the adapter's state (a file today; the database later)."""

    def load(self) -> MatrixState | None:
        """The saved state, or None when nothing was saved yet."""

    def save(self, state: MatrixState) -> None:
        """Persist `state` durably (called after each handled sync batch)."""


class JsonFileStateStore:
    """`MatrixStateStore` in a small JSON file, written atomically and readable only by us."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def load(self) -> MatrixState | None:
        """Read the file; None if it does not exist. A corrupt file is reported and ignored."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return parse_state(raw, f"path={self.path}")

    def save(self, state: MatrixState) -> None:
        """Write via a temporary file and rename, so a crash never leaves half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".matrix-state-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state.to_dict(), handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class KeyValue(Protocol):
    """Small named values kept in the bot's store (the runtime's `RuntimeRepo` is one)."""

    def get_state(self, key: str) -> str | None:
        """The value saved under `key`, or None."""

    def set_state(self, key: str, value: str) -> None:
        """Save `value` under `key`, durably."""


class DatabaseStateStore:
    """`MatrixStateStore` in the bot's database, for several workers on one PostgreSQL.

    Whichever worker leads next loads the same device, access token and sync position, so its
    sync resumes where the last leader's handled batch ended (nothing replayed, nothing missed)
    and its sends reuse the same device's transaction ids (a repeated send is recognised).
    """

    def __init__(self, values: KeyValue, user_id: str) -> None:
        self.values = values
        self.key = f"matrix_state:{user_id}"

    def load(self) -> MatrixState | None:
        """The saved state, or None when nothing was saved yet (or it cannot be read)."""
        raw = self.values.get_state(self.key)
        return None if raw is None else parse_state(raw, f"key={self.key}")

    def save(self, state: MatrixState) -> None:
        """Write the whole state in one statement (an upsert)."""
        self.values.set_state(self.key, json.dumps(state.to_dict(), sort_keys=True))


class MemoryStateStore:
    """`MatrixStateStore` kept in memory (for tools and tests that need no file)."""

    def __init__(self, state: MatrixState | None = None) -> None:
        self.state = state

    def load(self) -> MatrixState | None:
        """A copy of the stored state."""
        return MatrixState.from_dict(self.state.to_dict()) if self.state else None

    def save(self, state: MatrixState) -> None:
        """Keep a copy of `state`."""
        self.state = MatrixState.from_dict(state.to_dict())
