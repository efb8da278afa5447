"""The command router every chat adapter shares, so the bot behaves the same everywhere.

`Router.handle` takes what a person wrote and returns the posts to answer with. Commands are
declared in one table with their usage; anything that is not a command but reads as a question
goes to the answerer. Nothing here knows which platform it runs on.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import shlex
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.chat.core_port import CorePort
from bot.chat.language_gate import UNREADABLE_REPLY, unreadable
from bot.chat.render_text import format_date
from bot.chat.sources_view import source_lines
from bot.domain import Answer, IncomingMessage, Post

log = logging.getLogger("bot.chat.router")

MAX_QUESTION_CHARS = 500  # a sentence or two; longer questions are refused, not answered
SHLEX_MAX_CHARS = 4000  # longer messages are split on white space (shlex is slow on huge input)
ANSWER_THREADS = 2  # questions are answered on their own threads, never on the pool seeds scans and the outbox use


def too_long_question(question: str) -> str | None:
    """The one sentence that refuses a question over `MAX_QUESTION_CHARS`, or None when it is short enough."""
    if len(question) <= MAX_QUESTION_CHARS:
        return None
    return (f"That question is {len(question):,} characters long; please ask in at most {MAX_QUESTION_CHARS} "
            "characters (a sentence or two).")

Ask = Callable[[str, str | None], Answer]
"""Answer a question (text, story scope or None) from the store; wired by the composition root."""


class CommandError(Exception):
    """A command was malformed or not allowed; the message is the one line to show the person."""


@dataclass(frozen=True)
class Command:
    """A chat command: its name, usage line, what it does and whether it needs an admin."""

    name: str
    usage: str
    summary: str
    admin: bool = False


Handler = Callable[[IncomingMessage, list[str]], Awaitable[list[Post]]]


class Router:
    """Turns a person's message into reply posts."""

    def __init__(self, core: CorePort, ask: Ask | None = None) -> None:
        self.core = core
        self.ask = ask
        self.room_admin: Callable[[IncomingMessage], Awaitable[bool]] | None = None
        self.thread_story: Callable[[IncomingMessage], Awaitable[str | None]] | None = None
        self.commands: dict[str, tuple[Command, Handler]] = {}
        self._answer_pool = ThreadPoolExecutor(max_workers=ANSWER_THREADS, thread_name_prefix="answer")
        self.register(Command("help", "help [COMMAND]", "what the bot can do"), self._help)
        self.register(Command("stories", "stories", "tracked stories with article counts"), self._stories)
        self.register(Command("sources", "sources", "feeds and seed files with their health"), self._sources)

    def register(self, command: Command, handler: Handler) -> None:
        """Add a command (the runtime adds subscriptions, digests and admin commands)."""
        self.commands[command.name] = (command, handler)

    async def handle(self, message: IncomingMessage) -> list[Post]:
        """The replies to one message (empty when the message is not for the bot)."""
        text = message.text.strip()
        if not text:
            return []
        scope = await self.thread_story(message) if self.thread_story and message.thread else None
        if not message.addressed and scope is None:
            return []  # chatter in someone else's thread, not meant for the bot
        try:
            words = shlex.split(text) if len(text) <= SHLEX_MAX_CHARS else text.split()
        except ValueError:
            words = text.split()
        name = words[0].lower() if words else ""
        log.debug("event=message platform=%s channel=%s command=%s chars=%d thread_story=%s", message.platform,
                  message.channel, name if name in self.commands else "-", len(text), scope or "-")
        if name in self.commands:
            command, handler = self.commands[name]
            if command.admin and not await self.is_admin(message):
                return [Post(f"Only admins can use '{command.name}'; ask an admin of this channel or one listed "
                             "in config/bot.toml [admins].", private=True)]
            try:
                return await handler(message, words[1:])
            except CommandError as exc:
                return [Post(str(exc), [f"Usage: {command.usage}"])]
            except Exception:  # a person sees one line, the log gets the details
                log.exception("event=command_failed command=%s", command.name)
                return [Post(f"Sorry, '{command.name}' failed on my side; the details are in the bot's log.",
                             [f"Usage: {command.usage}"])]
        if unreadable(text):
            return [Post(UNREADABLE_REPLY)]
        addressed = message.addressed and message.platform != "console" and len(words) > 1
        if scope or addressed or self._reads_as_question(text, message):
            return await self.answer(message, text, scope)
        guess = self.closest_command(name)
        if guess is not None:
            return [Post(f"I don't know the command '{words[0][:40]}'; did you mean '{guess}'?",
                         [f"Usage: {self.commands[guess][0].usage}"])]
        return [Post(f"I don't know the command '{words[0][:40]}'.",
                     ["Try 'help' for the list of commands, or ask me a question about a story."])]

    def closest_command(self, word: str) -> str | None:
        """The command a mistyped word most likely meant (`hepl` -> `help`), or None."""
        found = difflib.get_close_matches(word.lower()[:40], list(self.commands), n=1, cutoff=0.7)
        return found[0] if found else None

    def _reads_as_question(self, text: str, message: IncomingMessage) -> bool:
        first = text.split()[0].lower().strip("?,.")
        return text.endswith("?") or first in QUESTION_WORDS or len(text.split()) > 3

    async def is_admin(self, message: IncomingMessage) -> bool:
        """Configured admins for the platform (settings.admins), or the platform's own room admins."""
        if message.sender in self.core.settings.admins.get(message.platform, ()):
            return True
        return bool(self.room_admin and await self.room_admin(message))

    async def answer(self, message: IncomingMessage, question: str, story: str | None = None) -> list[Post]:
        """Answer a question from the store (scoped to a story inside its thread): the short answer
        first, then the sentences that support it. An injected `ask` replaces the core's answerer."""
        ask = self.ask or self.core.ask
        refusal = too_long_question(question) or (UNREADABLE_REPLY if unreadable(question) else None)
        if refusal:
            return [Post(refusal)]
        try:  # on the answer pool: a burst of questions cannot starve the loop's default pool
            reply = await asyncio.get_running_loop().run_in_executor(self._answer_pool, ask, question, story)
        except Exception:
            log.exception("event=answer_failed")
            return [Post("Sorry, I could not work out an answer; the details are in the bot's log.")]
        return [answer_post(reply)]

    async def _help(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        if args and args[0].lower() in self.commands:
            command = self.commands[args[0].lower()][0]
            return [Post(f"{command.usage}", [command.summary + (" (admins only)" if command.admin else "")])]
        if args:
            guess = self.closest_command(args[0])
            hint = f"Did you mean 'help {guess}'?" if guess else "Say 'help' for the list of commands."
            return [Post(f"There is no command '{args[0][:40]}'.", [hint])]
        lines = [f"{c.usage} - {c.summary}" + (" (admins only)" if c.admin else "")
                 for c, _ in self.commands.values()]
        lines.append("Anything else that reads as a question is answered from the tracked stories, "
                     "with the sentence and source that support the answer.")
        return [Post("newsdesk-bot commands", lines)]

    async def _stories(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        summaries = self.core.store.story_summaries()
        if not summaries:
            return [Post("No stories are tracked yet.", ["Define them in config/stories.toml."])]
        lines = []
        for s in summaries:
            last = s.last_article.date().isoformat() if s.last_article else "no articles yet"
            lines.append(f"{s.story.id} - {s.story.title}: {s.articles} article(s), {s.updates} update(s), "
                         f"latest {last} (defined in {s.story.defined_in})")
        return [Post("Tracked stories", lines)]

    async def _sources(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        health = self.core.store.source_health()
        if not health:
            return [Post("No sources yet.", ["Add feeds in config/feeds.toml or drop files into seeds/."])]
        return [Post("Sources", source_lines(health, getattr(self.core.settings, "seeds_dir", None)))]


def answer_post(answer: Answer) -> Post:
    """An answer as a post: the reply text as lines, the supporting sources as citations."""
    lines = [line for line in answer.text.splitlines() if line.strip()]
    if answer.answer is None:
        return Post(lines[0] if lines else "I don't know.", lines[1:])
    # the source lines of the text become citations, which each platform renders as links
    return Post(lines[0], [line for line in lines[1:] if not line.startswith("— ")], list(answer.citations))


QUESTION_WORDS = {"who", "what", "when", "where", "why", "how", "which", "whom", "whose", "is", "are",
                  "was", "were", "did", "does", "do", "has", "have", "will", "can", "could", "should"}

__all__ = ["Command", "CommandError", "Router", "format_date"]
