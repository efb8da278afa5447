"""Plain dataclasses shared by every part of the bot.

The core (ingest, store, understanding) produces and consumes these; chat adapters only
ever see `Post`, `Citation` and `IncomingMessage`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RawArticle:
    """An article as a source delivered it, before it is stored.

    `origin` names where it came from (a feed URL or a file path); `guid` is the feed's item id
    when there is one. `text` is clean plain text (HTML already removed).
    """

    url: str
    title: str
    text: str
    source: str
    published: datetime | None
    origin: str = ""
    guid: str | None = None
    summary: str = ""


@dataclass(frozen=True)
class Article:
    """A stored article."""

    id: int
    url: str
    title: str
    source: str
    published: datetime | None
    text: str
    content_hash: str
    origin: str = ""


@dataclass(frozen=True)
class StorySentence:
    """One sentence of a stored article, with what a reader needs to cite it."""

    id: int
    article_id: int
    position: int
    text: str
    article_url: str
    article_title: str
    source: str
    published: datetime | None
    annotation: str = ""  # the pipeline's reading of the sentence (JSON; see understand.language)


@dataclass(frozen=True)
class SentenceHit:
    """A sentence found by full-text search: its retrieval score (higher is better), the stories
    it is filed under, and the sentence before it in its article (for "he said", "the group")."""

    sentence: StorySentence
    score: float
    stories: tuple[str, ...]
    before: str | None = None


@dataclass(frozen=True)
class Story:
    """A tracked story: what to look for in articles and what rules an article out."""

    id: str
    title: str
    description: str = ""
    terms: tuple[str, ...] = ()
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    defined_in: str = "config"


@dataclass(frozen=True)
class Citation:
    """The sentence and source that support a claim."""

    title: str
    url: str
    source: str
    published: datetime | None
    sentence: str


@dataclass(frozen=True)
class PreviousValue:
    """What an earlier source said before a fact changed."""

    sentence: str
    value: str
    citation: Citation


@dataclass(frozen=True)
class Update:
    """A fact that is new (or changed) for a story, found in one article."""

    story: str
    kind: str  # "new" | "changed"
    sentence: str
    citation: Citation
    salience: float = 0.0
    previous: PreviousValue | None = None
    id: int | None = None


@dataclass(frozen=True)
class UpdateContext:
    """What a reader needs beside an update: its article and sentence, how many outlets carried
    the article (itself included), the slots (key, stored value) its sentence gives a value for and,
    when a revision of the article brought the sentence in place of one it dropped, that one's text."""

    article_id: int
    sentence_id: int | None
    outlets: int = 1
    slots: tuple[tuple[str, str], ...] = ()
    corrects: str = ""


@dataclass(frozen=True)
class Answer:
    """A reply to an editor's question; `answer` is None when the store cannot support one."""

    question: str
    answer: str | None
    text: str
    story: str | None
    as_of: datetime | None
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Image:
    """A picture a post carries (a story's timeline chart), sent each platform's way.

    `data` is the file's bytes (`mimetype`, `width` x `height` pixels); `alt` says in words what it
    shows (Slack's alt text, Matrix's `body`); `text` is a one-line stand-in where no picture can
    be shown (the console prints it beside the file's path).
    """

    name: str
    data: bytes = field(repr=False)
    width: int
    height: int
    alt: str
    text: str = ""
    mimetype: str = "image/png"


@dataclass
class Post:
    """A platform-neutral message: a heading, plain-text lines, citations and thread replies.

    Text is plain (no markup); each adapter escapes and formats it in its own idiom. `private`
    marks an answer meant only for the person who asked (a refusal): platforms that can show a
    message to one person (Slack's ephemeral messages) do so; the others reply as usual. A post
    with an `image` is sent as that picture with the heading as its comment (see each adapter).
    """

    heading: str
    lines: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    replies: list[Post] = field(default_factory=list)
    private: bool = False
    image: Image | None = None


class AttachmentError(Exception):
    """An attached file could not be fetched or read; the message is one sentence for the person."""


@dataclass(frozen=True)
class Attachment:
    """A file a person attached to a message (an OPML file for `import opml`, say).

    `text` is its decoded content when the adapter already has it; otherwise `fetch` downloads and
    decodes it on demand, so nothing is downloaded until a command that wants the file (and whose
    sender may use it) asks: call `read()`. `error` says why a file cannot be read at all (not a
    text file, too big, no download link). Sizes are bytes; adapters cap downloads (1 MB).
    """

    name: str
    mimetype: str = ""
    size: int | None = None
    text: str | None = None
    error: str | None = None
    fetch: Callable[[], Awaitable[str]] | None = field(default=None, repr=False, compare=False)

    async def read(self) -> str:
        """The file's text: `text`, or what `fetch` returns; raises `AttachmentError` otherwise."""
        if self.text is not None:
            return self.text
        if self.error is not None or self.fetch is None:
            raise AttachmentError(self.error or f"I could not read the attached file {self.name}.")
        return await self.fetch()


@dataclass(frozen=True)
class IncomingMessage:
    """Something a person said to the bot on some platform."""

    platform: str
    channel: str
    sender: str
    text: str
    message_id: str = ""
    thread: str | None = None
    addressed: bool = False
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class FactEntry:
    """One entry of a story's fact index: a sentence said this fact (a key) or gave this slot a value."""

    sentence_id: int
    key: str
    value: str = ""


@dataclass
class Findings:
    """What update detection found in one article for one story, and what to index for later ones.

    `units` is each judged sentence's fact units (stored form), `facts` the index entries (look-up
    keys and slot values); `quiet` holds updates that later-published articles had already reported
    (an old article ingested late): stored, so the story reads as in publication order, not announced.
    `affected` (an old article ingested late, too) is the story's later-published articles whose
    judgement its facts can change, found through the fact index: only these are judged again.
    """

    updates: list[Update] = field(default_factory=list)
    facts: list[FactEntry] = field(default_factory=list)
    units: dict[int, str] = field(default_factory=dict)
    quiet: set[str] = field(default_factory=set)
    affected: set[int] = field(default_factory=set)
