"""Full-text search over stored sentences, and how common a question's words are (part of `Store`).

SQLite searches its FTS5 table (ranked by BM25), PostgreSQL the sentences' tsvector index (ranked by
ts_rank); either ranks only the newest matching sentences, so a question costs the same on a store of
any size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from bot.domain import SentenceHit
from bot.store.base import StoreBase
from bot.store.schema import sentence_stories, sentences
from bot.store.sentence_rows import sentence_from_row, sentence_query
from bot.text import FUNCTION_WORDS

_FTS_WORD = re.compile(r"[A-Za-z0-9]+")
SEARCH_WINDOW = 20_000  # matching sentences ranked per search, newest first
POOL_FACTOR = 10  # best-ranked matches filtered (by story, revision, arrival) per hit wanted ...
POOL_MIN = 300  # ... and at least this many


class SearchQueries(StoreBase):
    """Searches of the stored sentences (mixed into `Store`)."""

    def search(self, query: str, story: str | None = None, limit: int = 30,
               before_article: int | None = None) -> list[SentenceHit]:
        """Sentences matching any word of `query`, best (BM25) first.

        `story` limits the search to one story's sentences; `before_article` to articles stored
        before that one (what the story had said when it arrived). Sentences a revision of their
        article dropped are not found: the correction supersedes them. Ranking looks at the newest
        `SEARCH_WINDOW` matching sentences, so a question costs the same on a store of any size.
        """
        # function words would match nearly every sentence and only slow the ranking down
        terms = list(dict.fromkeys(w for w in (w.lower() for w in _FTS_WORD.findall(query))
                                   if w not in FUNCTION_WORDS))[:40]
        if not terms:
            return []
        sqlite = self.dialect == "sqlite"
        params: dict[str, Any] = {"match": " OR ".join(f'"{t}"' for t in terms) if sqlite else " | ".join(terms),
                                  "limit": limit, "window": SEARCH_WINDOW, "pool": max(limit * POOL_FACTOR, POOL_MIN)}
        if sqlite:  # the FTS table alone, walked by its own rowid order, is what makes newest-first cheap
            key, source, match, score = "rowid", "sentences_fts", "sentences_fts MATCH :match", "-bm25(sentences_fts)"
        else:
            key, source, match, score = "s.id", "sentences s, to_tsquery('english', :match) q", "s.tsv @@ q", \
                "ts_rank(s.tsv, q)"
        where = ["NOT s.retired"]  # a sentence a revision of its article dropped is superseded
        joins = ""
        if before_article is not None:
            where.append("s.article_id < :before")
            params["before"] = before_article
        if story is not None:
            joins = "JOIN sentence_stories ss ON ss.sentence_id = s.id "
            where.append("ss.story_id = :story")
            params["story"] = story
        with self.engine.connect() as conn:
            floor = conn.execute(text(f"SELECT {key} FROM {source} WHERE {match} ORDER BY {key} DESC "
                                      "LIMIT 1 OFFSET :window"), params).scalar()
            ranked = f"SELECT {key} AS sid, {score} AS score FROM {source} WHERE {match}"
            if floor is not None:
                ranked += f" AND {key} >= :floor"
                params["floor"] = floor

            def best(pool: str) -> list[tuple[int, float]]:
                sql = f"SELECT x.sid, x.score FROM ({ranked} ORDER BY score DESC{pool}) x " \
                      f"JOIN sentences s ON s.id = x.sid {joins}WHERE {' AND '.join(where)} " \
                      "ORDER BY x.score DESC LIMIT :limit"
                return [(row.sid, float(row.score)) for row in conn.execute(text(sql), params)]

            # rank in the index alone, then filter the best few hundred: the filters' row lookups are
            # what a large store makes slow; only when the pool holds too few does the whole window run
            scored = best(" LIMIT :pool")
            if len(scored) < limit:
                scored = best("")
            return self._hits(conn, scored)

    def frequency(self, terms: Sequence[str], cap: int = 20000) -> tuple[int, int]:
        """How many sentences contain any of `terms` (counted up to `cap`), and how many there are.

        Lets the answerer weigh rare question words above common ones; the cap keeps this cheap on a
        large store, where only rare words need an exact count.
        """
        words_ = list(dict.fromkeys(w.lower() for t in terms for w in _FTS_WORD.findall(t)))[:40]
        with self.engine.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(sentences)).scalar_one())
            if not words_:
                return 0, total
            if self.dialect == "sqlite":
                sql = ("SELECT count(*) FROM (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH :m "
                       "LIMIT :cap)")
                match = " OR ".join(f'"{w}"' for w in words_)
            else:
                sql = ("SELECT count(*) FROM (SELECT s.id FROM sentences s, to_tsquery('english', :m) q "
                       "WHERE s.tsv @@ q LIMIT :cap) x")
                match = " | ".join(words_)
            found = int(conn.execute(text(sql), {"m": match, "cap": cap}).scalar_one())
        return found, total

    def _hits(self, conn: Connection, scored: list[tuple[int, float]]) -> list[SentenceHit]:
        """The hits for these (sentence id, score) pairs, in their order: each sentence with the stories
        it is filed under and the sentence before it (also used by `FactIndexQueries.changes_after`)."""
        if not scored:
            return []
        ids = [sid for sid, _ in scored]
        rows = {row.sentence_id: row for row in conn.execute(sentence_query().where(sentences.c.id.in_(ids)))}
        links: dict[int, list[str]] = {}
        for row in conn.execute(select(sentence_stories).where(sentence_stories.c.sentence_id.in_(ids))):
            links.setdefault(row.sentence_id, []).append(row.story_id)
        wanted = {(row.article_id, row.position - 1) for row in rows.values() if row.position > 0}
        before: dict[tuple[int, int], str] = {}
        if wanted:
            for row in conn.execute(select(sentences.c.article_id, sentences.c.position, sentences.c.text)
                                    .where(sentences.c.article_id.in_({a for a, _ in wanted}),
                                           sentences.c.position.in_({p for _, p in wanted}))):
                if (row.article_id, row.position) in wanted:
                    before[(row.article_id, row.position)] = row.text
        hits = []
        for sid, score in scored:
            found = rows.get(sid)
            if found is None:
                continue
            hits.append(SentenceHit(sentence_from_row(found), score, tuple(sorted(links.get(sid, []))),
                                  before.get((found.article_id, found.position - 1))))
        return hits
