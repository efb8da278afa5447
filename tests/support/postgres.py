"""A throw-away PostgreSQL cluster from Debian's packages, on 127.0.0.1 and a free port."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def available() -> str | None:
    """Why PostgreSQL cannot be started here, or None when it can."""
    if not (_bin("initdb") and _bin("pg_ctl")):
        return "PostgreSQL server binaries (Debian package postgresql) are not installed"
    if os.geteuid() == 0 and subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
        return "no 'postgres' user to run the server as"
    return None


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a cluster and yield the URL of its `postgres` database; stop and delete it after."""
    base = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    data = base / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    subprocess.run(_as_postgres([_bin("initdb") or "initdb", "-D", str(data), "-A", "trust", "-U", "newsdesk",
                                 "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_postgres([_bin("pg_ctl") or "pg_ctl", "-D", str(data), "-o", options, "-w", "-t", "30",
                                 "-l", str(base / "log"), "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://newsdesk@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([_bin("pg_ctl") or "pg_ctl", "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
