"""Synthetic article corpora for benchmarks, made by varying the eval articles.

Each generated article mixes sentences from several eval articles, with numbers and dates shifted,
so articles are distinct (not near-duplicates of each other) yet read like the tracked stories.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain import RawArticle
from bot.ingest.seeds import parse_article_text
from bot.text import split_sentences

EVAL_ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "eval" / "articles"


def sentence_pool() -> list[str]:
    """Every sentence of the eval articles."""
    pool: list[str] = []
    for path in sorted(EVAL_ARTICLES.glob("*.txt")):
        raw = parse_article_text(path.read_text(), path.name)
        pool.extend(s for s in split_sentences(raw.text) if len(s.split()) >= 6)
    return pool


def _vary(sentence: str, rng: random.Random) -> str:
    return re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + rng.randint(1, 400)), sentence)


def generate(count: int, seed: int = 7, sentences_per_article: int = 9) -> Iterator[RawArticle]:
    """`count` distinct articles, one or two a day from 2015 on."""
    rng = random.Random(seed)
    pool = sentence_pool()
    start = datetime(2015, 1, 1, tzinfo=UTC)
    for i in range(count):
        body = " ".join(_vary(s, rng) for s in rng.sample(pool, sentences_per_article))
        yield RawArticle(
            url=f"https://bench.example/{i}", title=f"Bench article {i}", text=body,
            source="bench.example", published=start + timedelta(hours=13 * i), origin=f"bench-{i}")


def write_files(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` generated articles as seed files with headers; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for raw in generate(count, seed):
        path = folder / f"{raw.origin}.txt"
        assert raw.published is not None
        path.write_text(f"# source: {raw.url}\n# date: {raw.published.date().isoformat()}\n"
                        f"# title: {raw.title}\n\n{raw.text}\n")
        paths.append(path)
    return paths
