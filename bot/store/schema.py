"""The store's tables and the migrations that create and evolve them.

Tables are SQLAlchemy Core so one schema serves SQLite (the embedded default) and PostgreSQL.
The sentence full-text index is dialect specific: FTS5 on SQLite, a GIN tsvector index on
PostgreSQL. Each migration runs once, in order, recorded in `schema_version`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    inspect,
    text,
)
from sqlalchemy.engine import Connection

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("guid", Text),
    Column("title", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("published", DateTime(timezone=True)),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("signature", Text, nullable=False, default=""),
    Column("origin", Text, nullable=False, default=""),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("revised_at", DateTime(timezone=True)),
    # not yet filed and judged: "all", or a JSON list of a revision's new sentence ids; NULL when done
    Column("pending", Text),
)
Index("ix_articles_published", articles.c.published)
Index("ix_articles_guid", articles.c.guid)

article_sources = Table(
    "article_sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False, unique=True),
    Column("guid", Text),
    Column("title", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("published", DateTime(timezone=True)),
    Column("content_hash", String(64), nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
Index("ix_article_sources_hash", article_sources.c.content_hash)
Index("ix_article_sources_guid", article_sources.c.guid)

sentences = Table(
    "sentences", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("annotation", Text, nullable=False, default=""),  # JSON of understand.language's Annotated
    Column("retired", Boolean, nullable=False, default=False),  # gone from a revised article (migration 5)
    UniqueConstraint("article_id", "position"),
)

stories = Table(
    "stories", metadata,
    Column("id", String(100), primary_key=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("definition", Text, nullable=False),  # JSON: terms, entities, exclude
    Column("defined_in", String(20), nullable=False, default="config"),
)

article_stories = Table(
    "article_stories", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(100), primary_key=True),
    Column("score", Float, nullable=False),
)
Index("ix_article_stories_story", article_stories.c.story_id)

sentence_stories = Table(
    "sentence_stories", metadata,
    Column("sentence_id", Integer, ForeignKey("sentences.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(100), primary_key=True),
)
Index("ix_sentence_stories_story", sentence_stories.c.story_id)

updates = Table(
    "updates", metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", String(100), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_id", Integer, ForeignKey("sentences.id", ondelete="CASCADE")),
    Column("kind", String(10), nullable=False),
    Column("sentence", Text, nullable=False),
    Column("salience", Float, nullable=False, default=0.0),
    Column("previous", Text),  # JSON of PreviousValue, for changes
    Column("found_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("story_id", "sentence_id"),
)
Index("ix_updates_story_found", updates.c.story_id, updates.c.found_at)

feeds = Table(
    "feeds", metadata,
    Column("url", Text, primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("stories", Text, nullable=False, default="[]"),  # JSON list of story ids (empty: all)
    Column("fulltext", Boolean, nullable=False, default=True),
    Column("interval_seconds", Integer, nullable=False, default=900),
    Column("defined_in", String(20), nullable=False, default="config"),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("last_status", Text),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("last_polled", DateTime(timezone=True)),
    Column("next_poll", DateTime(timezone=True)),
    Column("items_seen", Integer, nullable=False, default=0),
    # who is polling the feed now and until when (migration 7): several workers on one PostgreSQL
    # claim a feed with SELECT ... FOR UPDATE SKIP LOCKED and this lease, renewed while they poll
    Column("lease_owner", Text),
    Column("lease_until", DateTime(timezone=True)),
)

seed_files = Table(
    "seed_files", metadata,
    Column("path", Text, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("status", Text, nullable=False),
    Column("error", Text),
    Column("articles", Integer, nullable=False, default=0),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

# ---- the story fact index (migration 5): what each story's sentences said, by publication time ----
# `at` orders a story's articles as they were published: the article's UTC publication time, then its
# id (so articles of the same day keep the order they arrived in); see `Store.article_moment`.

story_facts = Table(
    "story_facts", metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", String(100), nullable=False),
    Column("key", Text, nullable=False),  # a fact unit ("e:burns", "n:130", "l:truce") or a slot ("s:q:hostage")
    Column("at", String(40), nullable=False),
    Column("sentence_id", Integer, ForeignKey("sentences.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("value", Text, nullable=False, default=""),  # a slot's value (understand.updates.slot)
)
Index("ix_story_facts_lookup", story_facts.c.story_id, story_facts.c.key, story_facts.c.at)
Index("ix_story_facts_article", story_facts.c.article_id, story_facts.c.story_id)

sentence_units = Table(
    "sentence_units", metadata,
    Column("sentence_id", Integer, ForeignKey("sentences.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("units", Text, nullable=False),  # space-separated fact units, compared by later sentences
)

# ---- runtime (migration 2): subscriptions, the outbox and small runtime state ----------------

subscriptions = Table(
    "subscriptions", metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(40), nullable=False),
    Column("channel", Text, nullable=False),
    Column("story_id", String(100), nullable=False),
    Column("mode", String(10), nullable=False),  # "live" | "daily"
    Column("daily_at", String(5)),  # HH:MM local time, for "daily"
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("only_terms", Text, nullable=False, default="[]"),  # JSON list
    Column("except_terms", Text, nullable=False, default="[]"),  # JSON list
    Column("enabled", Boolean, nullable=False, default=True),
    Column("disabled_reason", Text),
    Column("created_by", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_digest_at", DateTime(timezone=True)),
    # a daily digest carries the story's timeline chart (migration 8)
    Column("chart", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("platform", "channel", "story_id", "mode"),  # live and daily may coexist (migration 4)
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),  # idempotency key
    Column("platform", String(40), nullable=False),
    Column("channel", Text, nullable=False),
    Column("story_id", String(100)),
    Column("kind", String(20), nullable=False),  # thread | live | fold | digest | digest-reply | alert | edit
    Column("payload", Text, nullable=False),  # JSON of a Post without replies
    Column("parent_key", Text),  # send as a reply under this row's message
    Column("edit_key", Text),  # edit the message this row sent, instead of posting
    Column("group_key", Text),  # e.g. the article a live post is about (revisions edit it)
    Column("subscription_id", Integer),
    Column("status", String(10), nullable=False, default="pending"),  # pending | sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("message_id", Text),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
)
Index("ix_outbox_due", outbox.c.status, outbox.c.next_attempt_at)
Index("ix_outbox_channel_story", outbox.c.platform, outbox.c.channel, outbox.c.story_id, outbox.c.created_at)
Index("ix_outbox_group", outbox.c.group_key)

# incoming chat messages a worker took on (migration 7): a redelivery, or the same event seen again
# by another worker after a reconnect, finds its row and is not answered twice
handled_messages = Table(
    "handled_messages", metadata,
    Column("platform", String(40), primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("message_id", Text, primary_key=True),
    Column("worker", Text, nullable=False, default=""),
    Column("handled_at", DateTime(timezone=True), nullable=False),
)
Index("ix_handled_messages_at", handled_messages.c.handled_at)

runtime_state = Table(
    "runtime_state", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# ---- questions asked in chat and the answers given (migration 9), shown on each story's page ----------

questions = Table(
    "questions", metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", String(100)),  # the story the question was asked in or answered from; NULL: none
    Column("question", Text, nullable=False),
    Column("answer", Text),  # the short answer; NULL when the bot said it did not know
    Column("reply", Text, nullable=False),  # the whole reply text
    Column("citations", Text, nullable=False, default="[]"),  # JSON list of the citations given
    Column("asked_at", DateTime(timezone=True), nullable=False),
)
Index("ix_questions_story", questions.c.story_id, questions.c.asked_at)

Migration = Callable[[Connection], None]


def _v1_tables(conn: Connection) -> None:
    metadata.create_all(conn, tables=[
        articles, article_sources, sentences, stories, article_stories, sentence_stories,
        updates, feeds, seed_files,
    ])
    if conn.dialect.name == "sqlite":
        conn.execute(text(
            "CREATE VIRTUAL TABLE sentences_fts USING fts5("
            "text, content='sentences', content_rowid='id', tokenize='porter unicode61')"))
        conn.execute(text(
            "CREATE TRIGGER sentences_ai AFTER INSERT ON sentences BEGIN "
            "INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END"))
        conn.execute(text(
            "CREATE TRIGGER sentences_ad AFTER DELETE ON sentences BEGIN "
            "INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES('delete', old.id, old.text); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "ALTER TABLE sentences ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"))
        conn.execute(text("CREATE INDEX ix_sentences_tsv ON sentences USING GIN (tsv)"))


def _v2_runtime(conn: Connection) -> None:
    metadata.create_all(conn, tables=[subscriptions, outbox, runtime_state])


def _v3_annotations(conn: Connection) -> None:
    if "annotation" not in {c["name"] for c in inspect(conn).get_columns("sentences")}:
        conn.execute(text("ALTER TABLE sentences ADD COLUMN annotation TEXT NOT NULL DEFAULT ''"))


def _v4_live_and_daily(conn: Connection) -> None:
    """A channel may hold a story both `live` and `daily`: the unique key gains `mode`."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE subscriptions DROP CONSTRAINT IF EXISTS "
                          "subscriptions_platform_channel_story_id_key"))
        conn.execute(text("ALTER TABLE subscriptions DROP CONSTRAINT IF EXISTS "
                          "subscriptions_platform_channel_story_id_mode_key"))
        conn.execute(text("ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_platform_channel_story_id_mode_key "
                          "UNIQUE (platform, channel, story_id, mode)"))
        return
    conn.execute(text("ALTER TABLE subscriptions RENAME TO subscriptions_v3"))
    had = {c["name"] for c in inspect(conn).get_columns("subscriptions_v3")}
    metadata.create_all(conn, tables=[subscriptions])
    names = ", ".join(c.name for c in subscriptions.columns if c.name in had)  # later migrations add the rest
    conn.execute(text(f"INSERT INTO subscriptions ({names}) SELECT {names} FROM subscriptions_v3"))
    conn.execute(text("DROP TABLE subscriptions_v3"))


def _v5_fact_index(conn: Connection) -> None:
    metadata.create_all(conn, tables=[story_facts, sentence_units])
    if "retired" not in {c["name"] for c in inspect(conn).get_columns("sentences")}:
        conn.execute(text("ALTER TABLE sentences ADD COLUMN retired BOOLEAN NOT NULL DEFAULT FALSE"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_article_stories_article ON article_stories (article_id)"))


def _v6_pending(conn: Connection) -> None:
    if "pending" not in {c["name"] for c in inspect(conn).get_columns("articles")}:
        conn.execute(text("ALTER TABLE articles ADD COLUMN pending TEXT"))


def _v7_workers(conn: Connection) -> None:
    """Several workers: a lease on each feed poll, and the incoming messages already taken on."""
    have = {c["name"] for c in inspect(conn).get_columns("feeds")}
    if "lease_owner" not in have:
        conn.execute(text("ALTER TABLE feeds ADD COLUMN lease_owner TEXT"))
    if "lease_until" not in have:
        kind = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
        conn.execute(text(f"ALTER TABLE feeds ADD COLUMN lease_until {kind}"))
    metadata.create_all(conn, tables=[handled_messages])


def _v8_subscription_chart(conn: Connection) -> None:
    """A daily subscription may carry the story's timeline chart (`subscribe STORY daily 07:00 chart`)."""
    if "chart" not in {c["name"] for c in inspect(conn).get_columns("subscriptions")}:
        conn.execute(text("ALTER TABLE subscriptions ADD COLUMN chart BOOLEAN NOT NULL DEFAULT FALSE"))


def _v9_questions(conn: Connection) -> None:
    """The questions asked in chat and the answers given (shown on the story pages)."""
    metadata.create_all(conn, tables=[questions])


MIGRATIONS: list[tuple[int, Migration]] = [
    (1, _v1_tables),
    (2, _v2_runtime),
    (3, _v3_annotations),
    (4, _v4_live_and_daily),
    (5, _v5_fact_index),
    (6, _v6_pending),
    (7, _v7_workers),
    (8, _v8_subscription_chart),
    (9, _v9_questions),
]
