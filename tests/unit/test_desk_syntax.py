"""Parsing the desk's subscription commands: mute durations and `unsubscribe STORY [live|daily]`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.runtime.syntax import SyntaxProblem, describe_duration, parse_duration, parse_unsubscribe


@pytest.mark.parametrize(("text", "expected"), [
    (None, timedelta(hours=1)), ("", timedelta(hours=1)), ("30m", timedelta(minutes=30)),
    ("2h", timedelta(hours=2)), ("1d", timedelta(days=1)), ("90 minutes", timedelta(minutes=90)),
    ("2 HOURS", timedelta(hours=2)), ("7d", timedelta(days=7)),
])
def test_durations(text: str | None, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("soon", "not a duration"), ("8d", "at most 7 days"), ("0m", "at least a minute"), ("-2h", "not a duration"),
    ("2w", "not a duration"),
])
def test_bad_durations(text: str, problem: str) -> None:
    with pytest.raises(SyntaxProblem, match=problem):
        parse_duration(text)


def test_describe_duration() -> None:
    assert describe_duration(timedelta(hours=2)) == "2 hours"
    assert describe_duration(timedelta(days=1, minutes=1)) == "1 day 1 minute"


def test_unsubscribe_takes_an_optional_mode() -> None:
    assert parse_unsubscribe(["Rafah-Offensive"]).mode is None
    assert parse_unsubscribe(["rafah-offensive", "DAILY"]).mode == "daily"
    with pytest.raises(SyntaxProblem):
        parse_unsubscribe([])
    with pytest.raises(SyntaxProblem):
        parse_unsubscribe(["x", "weekly"])


def test_migration_4_keeps_v3_subscriptions_and_lets_live_and_daily_coexist(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from sqlalchemy import create_engine, insert, text

    from bot.store import schema
    from bot.store.db import migrate
    from bot.store.runtime_repo import RuntimeRepo

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:  # a store at schema version 3, with the old (platform, channel, story) key
        schema.schema_version.create(conn)
        for version, step in schema.MIGRATIONS[:2]:
            step(conn)
            conn.execute(insert(schema.schema_version).values(version=version, applied_at=datetime.now(UTC)))
        conn.execute(text("DROP TABLE subscriptions"))
        conn.execute(text("CREATE TABLE subscriptions (id INTEGER PRIMARY KEY, platform VARCHAR(40) NOT NULL, "
                          "channel TEXT NOT NULL, story_id VARCHAR(100) NOT NULL, mode VARCHAR(10) NOT NULL, "
                          "daily_at VARCHAR(5), timezone VARCHAR(64) NOT NULL, only_terms TEXT NOT NULL, "
                          "except_terms TEXT NOT NULL, enabled BOOLEAN NOT NULL, disabled_reason TEXT, "
                          "created_by TEXT NOT NULL, created_at DATETIME NOT NULL, last_digest_at DATETIME, "
                          "UNIQUE (platform, channel, story_id))"))
        conn.execute(text("INSERT INTO subscriptions VALUES (7, 'slack', 'C1', 'hostage-talks', 'live', NULL, "
                          "'UTC', '[]', '[]', 1, NULL, '', '2024-01-01 00:00:00', NULL)"))
    assert migrate(engine) == schema.MIGRATIONS[-1][0]
    repo = RuntimeRepo(engine)
    daily = repo.subscribe("slack", "C1", "hostage-talks", "daily", "07:00", "UTC")
    assert sorted((s.id, s.mode) for s in repo.subscriptions("slack")) == [(7, "live"), (daily.id, "daily")]
