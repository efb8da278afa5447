"""Registers the HTTP fixtures kept in tests/support/fixtures.py."""

from tests.support.fixtures import feed_server, fetcher, loopback_policy  # noqa: F401
