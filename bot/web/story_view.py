"""What a story's page shows, gathered from the store as plain data (the templates only lay it out).

A story's page: its state of play (the brief's key numbers with their history, the people and
bodies most mentioned, what is scheduled next), the timeline newest first (each development's
sentence, outlet, link and date; a change as old -> new with both sources), the questions asked in
chat with the answers given, and the feeds that feed it with their health. Everything here is plain
text: escaping is the templates' job (autoescape), and only http(s) links are ever kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import Citation, Story, Update, UpdateContext
from bot.redact import redact_text, redact_url
from bot.store.questions import AskedQuestion, QuestionLog
from bot.store.repo import SourceHealth, Store, StorySummary
from bot.store.story_pages import latest_update_id, story_origins, story_version
from bot.understand.brief import (
    Reader,
    actors,
    by_publication,
    citation_of,
    reported_done,
    scheduled,
    story_sentences,
)
from bot.understand.digest import counted_change, short_value, whole_sentence
from bot.understand.language.annotation import Annotated

PAGE_SIZE = 100  # developments per page of a story's timeline, newest first
QUESTIONS_SHOWN = 30
CHANGES_SHOWN = 100  # changed figures listed, newest first
KEY_NUMBERS_SHOWN = 8  # figures in the state of play, the most recently changed
STEPS_SHOWN = 6  # values of one figure's history in the state of play
CACHED_PAGES = 64  # page cores kept (story, page), each until its story changes
READ_ANNOTATIONS = 200_000  # annotations remembered (entities and dates only) before starting afresh
SAFE_SCHEMES = ("https://", "http://")


def safe_link(url: str) -> str:
    """`url` when it is an http(s) link, else "" (a seed file's `seed:` name, `javascript:`, `data:`...)."""
    return url if url.lower().startswith(SAFE_SCHEMES) and not any(ch.isspace() for ch in url) else ""


def long_date(when: datetime | None) -> str:
    """A publication date as a reader says it: `30 Mar 2024` (`undated` when there is none)."""
    return f"{when.day} {when.strftime('%b %Y')}" if when else "undated"


@dataclass(frozen=True)
class Source:
    """Where a sentence comes from: outlet, article title, http(s) link (or "") and date."""

    outlet: str
    title: str
    link: str
    date: str
    iso: str = ""

    @classmethod
    def of(cls, citation: Citation) -> Source:
        """A citation as a page shows it (a non-http link is dropped)."""
        when = citation.published
        return cls(citation.source or "a source", citation.title, safe_link(citation.url), long_date(when),
                   when.date().isoformat() if when else "")


@dataclass(frozen=True)
class Change:
    """A value that changed: what it is (`hostages (hold)`, or "" for a statement), old -> new, both sources."""

    label: str
    old: str
    new: str
    old_source: Source
    new_source: Source
    old_sentence: str


@dataclass(frozen=True)
class Development:
    """One development of the timeline: the sentence, its source, a change when it is one, and how many
    other outlets carried the same article."""

    id: int
    kind: str
    sentence: str
    source: Source
    change: Change | None = None
    other_outlets: int = 0


@dataclass(frozen=True)
class KeyNumber:
    """A figure's history: `hostages (hold)`, and each value with its source, oldest first."""

    label: str
    steps: tuple[tuple[str, Source], ...]
    earlier: int = 0  # older values left out


@dataclass(frozen=True)
class FeedHealth:
    """A feed that serves the story (or brought it articles), its health and how many articles it brought."""

    title: str
    url: str
    status: str
    healthy: bool
    errors: int
    last_error: str
    last_read: str
    articles: int


@dataclass(frozen=True)
class Asked:
    """A question asked in chat as the page shows it: the answer (None: not known), the reply, what was cited."""

    question: str
    answer: str | None
    reply: str
    asked_at: datetime
    cited: tuple[tuple[str, Source], ...]

    @classmethod
    def of(cls, asked: AskedQuestion) -> Asked:
        """A logged question with its citations as page sources."""
        return cls(asked.question, asked.answer, asked.reply, asked.asked_at,
                   tuple((c.sentence, Source.of(c)) for c in asked.citations))


@dataclass
class StoryPage:
    """Everything a story's page shows."""

    story: Story
    articles: int
    developments_total: int
    changes_total: int
    latest: Development | None
    key_numbers: list[KeyNumber]
    people: list[tuple[str, int]]
    upcoming: list[tuple[str, str, Source]]
    timeline: list[Development]
    page: int
    pages: int
    changes: list[Change]
    questions: list[Asked]
    feeds: list[FeedHealth]
    seed_articles: int = 0
    seed_files: int = 0
    as_of: str = ""
    changes_more: int = 0
    key_numbers_more: int = 0
    # the core's sections as rendered HTML, filled once by the pages (shared by the views of one cached core)
    fragments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoryLine:
    """A story on the index page: title, counts and its latest development."""

    summary: StorySummary
    latest: Development | None
    questions: int = 0


def change_of(update: Update, context: UpdateContext | None) -> Change | None:
    """A changed development as old -> new with both sources (a counted figure compactly, a statement whole)."""
    prev = update.previous
    if update.kind != "changed" or prev is None:
        return None
    counted = counted_change(update, context)
    if counted is not None:
        _, label, new = counted
        return Change(label, prev.value, new, Source.of(prev.citation), Source.of(update.citation), prev.sentence)
    old = prev.value if short_value(prev.value) else prev.sentence
    return Change("", old, update.sentence, Source.of(prev.citation), Source.of(update.citation), prev.sentence)


def development(store: Store, update: Update, context: UpdateContext | None) -> Development:
    """One update as a development of the page (its whole sentence: a quote it opens is not cut)."""
    return Development(update.id or 0, update.kind, whole_sentence(store, update, context), Source.of(update.citation),
                       change_of(update, context), (context.outlets - 1) if context else 0)


def newest_first(found: Sequence[Update]) -> list[Update]:
    """Updates newest publication first (found order breaks ties, the later found first)."""
    return list(reversed(by_publication(found)))


def key_numbers(found: Sequence[Update], contexts: Mapping[int, UpdateContext]) -> list[KeyNumber]:
    """Each figure that changed with its history (its last `STEPS_SHOWN` values, oldest first), the most recently
    changed first; a change continues the chain ending in its old value."""
    chains: list[tuple[str, list[tuple[str, Source]]]] = []
    for u in by_publication(found):
        if u.kind != "changed" or u.previous is None:
            continue
        counted = counted_change(u, contexts.get(u.id or 0))
        if counted is None:
            continue
        _, label, new = counted
        old = (u.previous.value, Source.of(u.previous.citation))
        chain = next((c for name, c in chains if name == label and c[-1][0] == old[0] and c[-1][1] == old[1]), None)
        if chain is None:
            chain = [old]
            chains.append((label, chain))
        chain.append((new, Source.of(u.citation)))
    chains.sort(key=lambda c: c[1][-1][1].iso, reverse=True)  # the most recently changed first
    return [KeyNumber(label, tuple(chain[-STEPS_SHOWN:]), max(0, len(chain) - STEPS_SHOWN)) for label, chain in chains]


def feeds_of(store: Store, story_id: str, origins: Mapping[str, int]) -> tuple[list[FeedHealth], int, int]:
    """The feeds serving a story (configured for it or for every story, or that brought it articles) with
    their health; and how many of its articles came from files, from how many files."""
    health: dict[str, SourceHealth] = {h.url: h for h in store.source_health() if h.kind == "feed"}
    out: list[FeedHealth] = []
    for row in store.feed_rows():
        url = row["url"]
        brought = origins.get(url, 0)
        if row["stories"] and story_id not in row["stories"] and not brought:
            continue
        h = health.get(url)
        status = h.status if h else "not polled yet"
        errors = h.error_count if h else 0
        last = h.last_read.strftime("%Y-%m-%d %H:%M UTC") if h and h.last_read else "never"
        out.append(FeedHealth(row["title"] or redact_url(url), redact_url(url), status, errors == 0, errors,
                              redact_text(h.last_error or "") if h else "", last, brought))
    feed_urls = {row["url"] for row in store.feed_rows()}
    files = {o: n for o, n in origins.items() if o not in feed_urls}
    return out, sum(files.values()), len(files)


def story_page(store: Store, questions: QuestionLog, story: Story, page: int = 1,
               page_size: int = PAGE_SIZE) -> StoryPage:
    """Gather one story's page (`page` of its timeline, newest first; out-of-range pages show the last)."""
    return with_fresh_parts(store, questions, story_core(store, story, page, page_size))


def story_core(store: Store, story: Story, page: int = 1, page_size: int = PAGE_SIZE,
               read: Reader = Annotated.from_json) -> StoryPage:
    """The part of a story's page that changes only when the story does (its updates and filed sentences):
    the state of play, the timeline page and the changed figures. Questions and feeds are left empty."""
    found = store.list_updates(story=story.id)
    ordered = newest_first(found)
    pages = max(1, math.ceil(len(ordered) / page_size))
    page = min(max(1, page), pages)
    shown = ordered[(page - 1) * page_size: page * page_size]
    changed = [u for u in ordered if u.kind == "changed" and u.previous is not None]
    wanted = {u.id for u in shown if u.id is not None} | {u.id for u in changed if u.id is not None}
    if ordered and ordered[0].id is not None:
        wanted.add(ordered[0].id)
    contexts = store.update_context(wanted)
    timeline = [development(store, u, contexts.get(u.id or 0)) for u in shown]
    figures = [c for c in (change_of(u, contexts.get(u.id or 0)) for u in changed) if c is not None and c.label]
    numbers = key_numbers(found, contexts)
    sentences = story_sentences(store, story.id)
    upcoming = [(x.day, x.sentence.text, Source.of(citation_of(x.sentence)))
                for x in scheduled(sentences, read=read, done=reported_done(found))]
    latest = development(store, ordered[0], contexts.get(ordered[0].id or 0)) if ordered else None
    newest = max((s.published for s in sentences if s.published), default=None)
    return StoryPage(
        story=story, articles=len({s.article_id for s in sentences}), developments_total=len(ordered),
        changes_total=len(changed), latest=latest, key_numbers=numbers[:KEY_NUMBERS_SHOWN],
        key_numbers_more=max(0, len(numbers) - KEY_NUMBERS_SHOWN),
        people=actors(sentences, read=read), upcoming=upcoming, timeline=timeline, page=page, pages=pages,
        changes=figures[:CHANGES_SHOWN], changes_more=max(0, len(figures) - CHANGES_SHOWN), questions=[],
        feeds=[], as_of=long_date(newest))


def with_fresh_parts(store: Store, questions: QuestionLog, core: StoryPage) -> StoryPage:
    """A page's core with what changes without the story changing: questions asked and the feeds' health."""
    origins = story_origins(store.engine, core.story.id)
    feeds, seed_articles, seed_files = feeds_of(store, core.story.id, origins)
    asked = [Asked.of(q) for q in questions.for_story(core.story.id, QUESTIONS_SHOWN)]
    return dataclasses.replace(core, questions=asked, feeds=feeds, seed_articles=seed_articles,
                               seed_files=seed_files)


class SlimReader:
    """Reads stored annotations keeping only what a page uses (entities and dates), remembering each by its
    content, so gathering a page again after new articles parses only their sentences. Safe across threads."""

    def __init__(self, size: int = READ_ANNOTATIONS) -> None:
        self.size = size
        self._read: dict[bytes, Annotated | None] = {}
        self._lock = threading.Lock()

    def __call__(self, data: str) -> Annotated | None:
        """The annotation's entities and dates (None when there is no annotation of the current format)."""
        key = hashlib.blake2b(data.encode(), digest_size=16).digest()
        with self._lock:
            if key in self._read:
                return self._read[key]
        full = Annotated.from_json(data)
        slim = None if full is None else Annotated(full.text, [], entities=full.entities, dates=full.dates)
        with self._lock:
            if len(self._read) >= self.size:
                self._read.clear()
            self._read[key] = slim
        return slim


class StoryPageCache:
    """The cores of recently shown pages, by story, page and the story's version: a page is gathered again
    only after the story changed (new or revised articles, new updates). Safe across threads."""

    def __init__(self, size: int = CACHED_PAGES) -> None:
        self.size = size
        self._cores: OrderedDict[tuple[object, ...], StoryPage] = OrderedDict()
        self._lock = threading.Lock()
        self.reader = SlimReader()

    def page(self, store: Store, questions: QuestionLog, story: Story, page: int = 1,
             page_size: int = PAGE_SIZE) -> StoryPage:
        """The story's page, its core from the cache when the story has not changed since it was gathered."""
        key = (story.id, story.title, story.description, page, page_size, story_version(store.engine, story.id))
        with self._lock:
            core = self._cores.get(key)
            if core is not None:
                self._cores.move_to_end(key)
        if core is None:
            core = story_core(store, story, page, page_size, self.reader)
            with self._lock:
                self._cores[key] = core
                while len(self._cores) > self.size:
                    self._cores.popitem(last=False)
        return with_fresh_parts(store, questions, core)


def story_lines(store: Store, questions: QuestionLog) -> list[StoryLine]:
    """Each story for the index page: its counts and its latest development (by publication)."""
    summaries = store.story_summaries()
    asked = questions.counts([s.story.id for s in summaries])
    lines = []
    for summary in summaries:
        newest = latest_update_id(store.engine, summary.story.id)
        found = store.list_updates(story=summary.story.id, after_id=newest - 1, limit=1) if newest else []
        latest = None
        if found:
            latest = development(store, found[0], store.update_context([newest or 0]).get(newest or 0))
        lines.append(StoryLine(summary, latest, asked.get(summary.story.id, 0)))
    return lines
