"""A real Synapse homeserver for tests, on 127.0.0.1 only.

`SynapseServer.create(directory)` generates a config tuned for fast local tests (client API only,
SQLite, no federation, no URL previews, cheap bcrypt, rate limits raised, no sync response cache),
`start()` runs it as a child process in its own process group that dies with the test runner, and
`stop()` / `restart()` stop it by pid (the data directory survives a restart). `register()` adds a
user through `register_new_matrix_user` and the registration shared secret.

Synapse is AGPL and only ever used here, as a test tool.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SERVER_NAME = "localhost"
_PR_SET_PDEATHSIG = 1


def synapse_available() -> bool:
    """Whether the Synapse package can be imported by this interpreter."""
    return importlib.util.find_spec("synapse") is not None


class SynapseError(RuntimeError):
    """Synapse did not start, stopped unexpectedly, or refused a request."""


@dataclass(frozen=True)
class MatrixUser:
    """A registered account: its full user id and password."""

    localpart: str
    user_id: str
    password: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Runs in the child before exec: ask Linux to SIGTERM it when the test runner goes away."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


_RAISED = {"per_second": 10000, "burst_count": 10000}


def _test_overrides(directory: Path, port: int) -> dict[str, object]:
    """Config keys that keep Synapse local, quiet and fast for tests."""
    return {
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "log_config": str(directory / "log.config"),
        "pid_file": str(directory / "homeserver.pid"),
        "media_store_path": str(directory / "media_store"),
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "report_stats": False,
        "url_preview_enabled": False,
        "enable_metrics": False,
        "presence": {"enabled": False},
        "enable_registration": False,
        "enable_registration_without_verification": True,
        "bcrypt_rounds": 4,
        "caches": {"sync_response_cache_duration": 0},
        "rc_message": _RAISED,
        "rc_registration": _RAISED,
        "rc_registration_token_validity": _RAISED,
        "rc_login": {"address": _RAISED, "account": _RAISED, "failed_attempts": _RAISED},
        "rc_admin_redaction": _RAISED,
        "rc_joins": {"local": _RAISED, "remote": _RAISED},
        "rc_joins_per_room": _RAISED,
        "rc_3pid_validation": _RAISED,
        "rc_invites": {"per_room": _RAISED, "per_user": _RAISED, "per_issuer": _RAISED},
        "rc_third_party_invite": _RAISED,
        "rc_media_create": _RAISED,
        "rc_presence": {"per_user": _RAISED},
        "rc_delayed_event_mgmt": _RAISED,
        "rc_room_creation": _RAISED,
        "rc_reports": _RAISED,
        "rc_user_directory": _RAISED,
        "rc_profile": _RAISED,
        "rc_key_requests": _RAISED,
        "rc_federation": {
            "window_size": 1000,
            "sleep_limit": 10000,
            "sleep_delay": 1,
            "reject_limit": 10000,
            "concurrent": 1000,
        },
    }


_LOG_CONFIG = """\
version: 1
formatters:
  plain:
    format: '%(asctime)s %(name)s %(levelname)s %(request)s %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: plain
    filename: {log}
    encoding: utf8
loggers:
  synapse.storage.SQL:
    level: WARNING
  twisted:
    level: WARNING
root:
  level: INFO
  handlers: [file]
disable_existing_loggers: false
"""


@dataclass
class SynapseServer:
    """One Synapse homeserver process bound to 127.0.0.1:`port`, data kept in `directory`."""

    directory: Path
    port: int
    config_path: Path
    shared_secret: str
    server_name: str = SERVER_NAME
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Base URL of the client API."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """Synapse's own log file."""
        return self.directory / "homeserver.log"

    @classmethod
    def create(cls, directory: Path) -> SynapseServer:
        """Generate a test config in `directory` (a fresh server: new keys, empty database)."""
        import yaml  # Synapse's own dependency; only needed when Synapse is installed

        directory.mkdir(parents=True, exist_ok=True)
        config_path = directory / "homeserver.yaml"
        generated = subprocess.run(
            [
                sys.executable,
                "-m",
                "synapse.app.homeserver",
                "--server-name",
                SERVER_NAME,
                "--generate-config",
                "--report-stats=no",
                "--data-directory",
                str(directory),
                "-c",
                str(config_path),
            ],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if generated.returncode != 0:
            raise SynapseError(f"generating the Synapse config failed:\n{generated.stderr[-2000:]}")
        config = yaml.safe_load(config_path.read_text())
        port = _free_port()
        config.update(_test_overrides(directory, port))
        shared_secret = secrets.token_hex(16)
        config["registration_shared_secret"] = shared_secret
        config_path.write_text(yaml.safe_dump(config, sort_keys=True))
        log_file = json.dumps(str(directory / "homeserver.log"))
        (directory / "log.config").write_text(_LOG_CONFIG.format(log=log_file))
        return cls(directory=directory, port=port, config_path=config_path, shared_secret=shared_secret)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of Synapse's log and its stderr, for failure messages."""
        parts = []
        for path in (self.log_path, self.directory / "stderr.log"):
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)

    def start(self, timeout: float = 30.0) -> float:
        """Start Synapse and wait until its client API answers; returns the seconds it took.

        Fails fast (with the log tail) if the process exits while starting.
        """
        if self.process is not None and self.process.poll() is None:
            raise SynapseError("Synapse is already running")
        began = time.monotonic()
        stderr = (self.directory / "stderr.log").open("ab")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        finally:
            stderr.close()
        deadline = began + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SynapseError(
                    f"Synapse exited with code {self.process.returncode} while starting\n{self.log_tail()}"
                )
            if self._answers():
                return time.monotonic() - began
            time.sleep(0.05)
        self.stop()
        raise SynapseError(f"Synapse did not answer within {timeout:.0f}s\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    @property
    def running(self) -> bool:
        """Whether the Synapse process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop Synapse by its pid (SIGTERM, then SIGKILL if it lingers)."""
        process = self.process
        if process is None:
            return
        self.process = None
        if process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    def restart(self) -> float:
        """Stop and start again on the same port and data; returns the start-up seconds."""
        self.stop()
        return self.start()

    def register(self, localpart: str, password: str | None = None, admin: bool = False) -> MatrixUser:
        """Register `localpart` with `register_new_matrix_user` and the shared secret."""
        password = password or secrets.token_urlsafe(12)
        command = [
            str(Path(sys.executable).parent / "register_new_matrix_user"),
            "-u",
            localpart,
            f"--password={password}",  # "=" form: a password may start with "-"
            "-c",
            str(self.config_path),
            "--admin" if admin else "--no-admin",
            self.url,
        ]
        if not Path(command[0]).exists():
            command[:1] = [sys.executable, "-m", "synapse._scripts.register_new_matrix_user"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=dict(os.environ))
        if done.returncode != 0:
            raise SynapseError(f"registering {localpart} failed: {done.stdout[-500:]} {done.stderr[-1000:]}")
        return MatrixUser(localpart=localpart, user_id=f"@{localpart}:{self.server_name}", password=password)


@dataclass(frozen=True)
class SynapseHarness:
    """A running test homeserver and the accounts the tests use."""

    server: SynapseServer
    bot: MatrixUser
    editor: MatrixUser
    another: MatrixUser
    startup_seconds: float


def start_harness(directory: Path) -> SynapseHarness:
    """Create, start and populate a homeserver (users bot, editor, another)."""
    server = SynapseServer.create(directory)
    startup = server.start()
    try:
        bot = server.register("newsbot")
        editor = server.register("editor")
        another = server.register("another")
    except BaseException:
        server.stop()
        raise
    return SynapseHarness(server=server, bot=bot, editor=editor, another=another, startup_seconds=startup)
