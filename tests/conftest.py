"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.core import Core, build_core
from bot.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "data" / "eval"
EVAL_ARTICLES = EVAL / "articles"



@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment pointing the bot at a fresh SQLite store and the repo's config."""
    return {
        "NEWSDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "NEWSDESK_CONFIG_DIR": str(REPO / "config"),
        "NEWSDESK_SEEDS_DIR": str(tmp_path / "seeds"),
        "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDESK_FETCH_ALLOW": "127.0.0.1",
    }


@pytest.fixture
def core(env: dict[str, str]) -> Iterator[Core]:
    """A core over a fresh SQLite store with the shipped stories."""
    built = build_core(load_settings(env))
    yield built
    built.close()


@pytest.fixture(scope="session")
def eval_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Core]:
    """One store of the dev articles for the whole run, for tests that only read it (ingesting
    them parses every sentence, which costs seconds)."""
    where = tmp_path_factory.mktemp("eval-store")
    built = build_core(load_settings({"NEWSDESK_DATABASE_URL": f"sqlite:///{where / 'store.db'}",
                                      "NEWSDESK_CONFIG_DIR": str(REPO / "config"),
                                      "NEWSDESK_SEEDS_DIR": str(where / "seeds"),
                                      "NEWSDESK_DATA_DIR": str(where / "data")}))
    built.pipeline.ingest_paths([EVAL_ARTICLES])
    yield built
    built.close()
