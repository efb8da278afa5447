"""Opening a store: engine set-up per dialect and running pending migrations."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, insert, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.redact import redact_text, redact_url
from bot.store.repo import Store
from bot.store.schema import MIGRATIONS, schema_version


class StoreError(Exception):
    """The store could not be opened or used; the message says why in one sentence."""


class StoreBusy(StoreError):
    """Another `run` already uses this SQLite store (one process at a time on SQLite)."""


MIGRATION_LOCK_KEY = 0x6E657773_64657331  # "newsdes1": workers starting together migrate one at a time


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-32000")  # 32 MB of pages: a big story's fact index stays in memory
    cursor.close()


def create_store_engine(url: str) -> Engine:
    """An engine for `url`, with the settings each dialect needs (WAL and foreign keys on SQLite)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = "a file of that name is in the way" if isinstance(exc, FileExistsError) else exc.strerror or exc
            raise StoreError(f"cannot create the folder {folder} for the store ({why}).") from exc
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {redact(url)}: {redact_text(str(exc))}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def redact(url: str) -> str:
    """The URL with any password and secret parameter replaced, safe to log."""
    return redact_url(url)


def migrate(engine: Engine) -> int:
    """Apply every migration the database has not had yet; returns the schema version."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # held to the end of this transaction
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        if not inspect(conn).has_table("schema_version"):
            schema_version.create(conn)
        done = {row.version for row in conn.execute(select(schema_version.c.version))}
        for version, step in MIGRATIONS:
            if version in done:
                continue
            step(conn)
            conn.execute(insert(schema_version).values(version=version, applied_at=datetime.now(UTC)))
            done.add(version)
    return max(done) if done else 0


def open_store(url: str) -> Store:
    """Open (creating and migrating as needed) the store at `url`."""
    engine = create_store_engine(url)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the store at {redact(url)}: {exc.__class__.__name__}: "
                         f"{redact_text(str(exc).splitlines()[0])}") from exc
    return Store(engine)


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    if not url.startswith("sqlite") or ":memory:" in url or "///" not in url:
        return None
    return Path(url.split("///", 1)[1].split("?", 1)[0])


@contextmanager
def single_run_lock(url: str) -> Iterator[None]:
    """Hold an exclusive OS lock on `<database>.run.lock` beside a SQLite store while `run` runs.

    SQLite serves one `run` at a time (several workers need PostgreSQL); a second one is refused
    with `StoreBusy`. The kernel drops the lock when the process exits or dies, so a crash never
    leaves a stale lock behind. No-op for PostgreSQL and in-memory stores.
    """
    path = sqlite_path(url)
    if path is None:
        yield
        return
    lock_path = path.with_name(path.name + ".run.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot create the lock file {lock_path} ({exc.strerror or exc}).") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
            raise StoreBusy(f"another newsdesk-bot run (pid {holder}) is already using the SQLite store {path}; "
                            "SQLite serves one run at a time (use PostgreSQL for several workers).") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
