"""Fixtures that start real servers for integration tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.runtime.app import Runtime
from tests.support import postgres
from tests.support.fixtures import feed_server, fetcher, loopback_policy  # noqa: F401
from tests.support.matrix_people import Person
from tests.support.runtime_kit import ConsoleChannel, make_core
from tests.support.synapse_server import SynapseHarness, start_harness, synapse_available


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster for the whole test session (skipped where the server is not installed)."""
    reason = postgres.available()
    if reason:
        pytest.skip(reason)
    with postgres.running_postgres() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(postgres_server.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return postgres_server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseHarness]:
    """A real Synapse homeserver for the whole session, with users bot, editor and another."""
    if not synapse_available():
        pytest.skip("matrix-synapse is not installed (pip install -e '.[test]')")
    harness = start_harness(tmp_path_factory.mktemp("synapse"))
    try:
        yield harness
    finally:
        harness.server.stop()


@pytest.fixture
async def editor(synapse: SynapseHarness) -> AsyncIterator[Person]:
    """The editor, logged in with a plain matrix-nio client as a person's client would be."""
    person = await Person.login(synapse.server.url, synapse.editor)
    try:
        yield person
    finally:
        await person.close()


@pytest.fixture
async def another(synapse: SynapseHarness) -> AsyncIterator[Person]:
    """A second room member who is not an admin."""
    person = await Person.login(synapse.server.url, synapse.another)
    try:
        yield person
    finally:
        await person.close()


@pytest.fixture
async def channel() -> ConsoleChannel:
    """A console channel whose posts the test reads."""
    return ConsoleChannel()


@pytest.fixture
async def runtime(env: dict[str, str], channel: ConsoleChannel) -> AsyncIterator[Runtime]:
    """A started runtime (fast seeds scans and feed ticks) posting to `channel`; test modules may
    define their own `runtime`."""
    core = make_core(env, seeds_rescan_seconds=0.2)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=0.2)
    await rt.start(start_adapters=False)
    yield rt
    await rt.stop()
    core.close()
