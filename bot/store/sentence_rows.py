"""Stored sentences read with their article, as `StorySentence`s (shared by the parts of `Store`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from bot.domain import StorySentence
from bot.store.clock import utc
from bot.store.schema import articles, sentences


def sentence_query():  # type: ignore[no-untyped-def]
    """A SELECT of sentences joined to their article, with the columns `sentence_from_row` reads."""
    return (select(sentences.c.id.label("sentence_id"), sentences.c.article_id, sentences.c.position,
                   sentences.c.text, articles.c.url, articles.c.title, articles.c.source, articles.c.published,
                   sentences.c.annotation)
            .join(articles, articles.c.id == sentences.c.article_id))


def sentence_from_row(row: Row[Any]) -> StorySentence:
    """The sentence a row of `sentence_query` describes."""
    return StorySentence(row.sentence_id, row.article_id, row.position, row.text, row.url, row.title,
                         row.source, utc(row.published), row.annotation or "")
