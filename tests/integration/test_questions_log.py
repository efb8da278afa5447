"""The questions asked in chat, kept for the story pages (migration 9), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import Answer, Citation
from bot.store import open_store
from bot.store.questions import QuestionLog


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'q.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_questions_are_kept_per_story_newest_first_with_their_sources(database_url: str) -> None:
    store = open_store(database_url)
    try:
        log = QuestionLog(store.engine)
        when = datetime(2024, 4, 1, 9, 30, tzinfo=UTC)
        cited = Citation("Truce talks", "https://example.org/a", "newsmax.com", when, "Qatar and Egypt mediate.")
        log.record(Answer("who are the mediators?", "Qatar and Egypt", "Qatar and Egypt\n— newsmax.com",
                          "hostage-talks", when, (cited,)), when=when)
        log.record(Answer("who won in 1966?", None, "I don't know.", None, None), scope="hostage-talks",
                   when=when + timedelta(minutes=5))
        log.record(Answer("how many are sheltering?", None, "I don't know.", "rafah-offensive", None), when=when)
        log.record(Answer("x" * 6000, None, "y" * 6000, None, None), when=when)  # asked outside any story
        kept = log.for_story("hostage-talks")
        assert [q.question for q in kept] == ["who won in 1966?", "who are the mediators?"]
        assert kept[0].answer is None and kept[0].asked_at == when + timedelta(minutes=5)
        assert kept[1].answer == "Qatar and Egypt" and kept[1].citations == (cited,)
        assert log.counts(["hostage-talks", "rafah-offensive", "nope"]) == {"hostage-talks": 2, "rafah-offensive": 1}
    finally:
        store.close()
