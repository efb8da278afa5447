"""Fixtures for integration tests that need real servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.synapse_server import SynapseHarness, start_harness, synapse_available


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
