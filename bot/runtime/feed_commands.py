"""The runtime's feed commands (admins): `add feed`, `remove feed`, `import opml` and `export opml`.

Each handler returns posts and never raises anything but `CommandError` for a person's mistake.
A feed added in chat is fetched once at once, and its items handed to `ingest`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.chat.router import CommandError
from bot.domain import AttachmentError, IncomingMessage, Post, RawArticle, Story
from bot.redact import redact_text, redact_url
from bot.runtime.core import Core
from bot.runtime.feed_check import fetch_once, newest_lines
from bot.runtime.feeds import save_outcome
from bot.runtime.opml import URL, export_opml, opml_attachment, parse_opml
from bot.runtime.story_commands import tracked_story
from bot.runtime.syntax import text_after

Ingest = Callable[[list[RawArticle]], Awaitable[int]]
"""Ingests a new feed's items (one writer at a time) and delivers what they bring; returns how many were new."""


class FeedCommands:
    """Implements the commands that change which feeds are polled."""

    def __init__(self, core: Core, ingest: Ingest | None = None, polling: Callable[[], bool] | None = None) -> None:
        self.core = core
        self.ingest = ingest
        self.polling = polling

    def _story(self, story_id: str) -> Story:
        return tracked_story(self.core.store, story_id)

    async def add_feed(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Fetch a feed once, now, and poll it from then on (for some stories, or all); refuse what is not a feed."""
        if len(args) < 2 or args[0].lower() != "feed":
            raise CommandError("Say 'add feed' and the feed's URL.")
        url = args[1]
        if not URL.match(url):
            raise CommandError(f"'{redact_text(url)}' is not an http(s) URL.")
        stories = [self._story(s.lower()).id for s in args[2:]]
        known = {str(row["url"]).rstrip("/"): row for row in self.core.store.feed_rows()}
        if url.rstrip("/") in known:
            row = known[url.rstrip("/")]
            return [Post(f"The feed {row['title'] or redact_url(url)} is already added.",
                         ["See 'sources' for its health; 'remove feed URL' stops it."])]
        first = await fetch_once(self.core, url)
        if first.error:
            return [Post(f"Not added: {redact_text(first.error)}",
                         ["Nothing was stored; check the address (an RSS or Atom feed, not a web page)."])]
        title = first.title or ""
        await asyncio.to_thread(self.core.store.upsert_feed, url, title=title, story_ids=stories,
                                interval_seconds=self.core.settings.default_poll_seconds, defined_in="chat",
                                first_poll=first.outcome.state.next_poll)
        await asyncio.to_thread(save_outcome, self.core, first.outcome, len(first.items))
        added = await self.ingest(first.items) if self.ingest else 0
        scope = ", ".join(stories) if stories else "every story"
        minutes = self.core.settings.default_poll_seconds // 60
        lines = [f"It carries {len(first.items)} item(s); {added} were new to the store."]
        if first.items:
            lines += ["Newest:", *newest_lines(first.items)]
        if self.polling is not None and self.polling():
            lines.append(f"It will be polled every {minutes} minute(s); see 'status'.")
        else:
            lines.append(f"This chat does not poll feeds; 'newsdesk-bot run' polls it every {minutes} minute(s).")
        name = f"{title} ({redact_url(url)})" if title else redact_url(url)
        return [Post(f"Added feed {name} for {scope}.", lines)]

    async def remove_feed(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Stop polling a feed."""
        if len(args) != 2 or args[0].lower() != "feed":
            raise CommandError("Say 'remove feed' and the feed's URL.")
        if not await asyncio.to_thread(self.core.store.remove_feed, args[1]):
            return [Post(f"No feed with the URL {redact_url(args[1])} is polled.", ["See 'sources'."])]
        return [Post(f"Removed feed {redact_url(args[1])}.")]

    async def import_opml(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Add each feed in OPML pasted after `import opml`, or in a file attached to the message.

        A feed's category names its stories. Pasted text wins over an attachment. The router has
        already refused non-admins, so an attachment is only downloaded (`Attachment.read`) here.
        """
        if not args or args[0].lower() != "opml":
            raise CommandError("Say 'import opml' followed by the OPML text, or attach an OPML file.")
        body = text_after(message.text, 2)
        what = "That"
        if not body:
            attachment = opml_attachment(message.attachments)
            if attachment is None:
                raise CommandError("Paste the OPML after 'import opml' (or attach the file).")
            what = f"The attached file {attachment.name}"
            try:
                body = await attachment.read()
            except AttachmentError as exc:
                raise CommandError(str(exc)) from exc
        try:
            feeds = parse_opml(body, what)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        known = {s.id for s in self.core.store.list_stories()}
        unknown = sorted({s for _, _, stories in feeds for s in stories if s not in known})
        if unknown:
            shown = ", ".join(f"'{s[:40]}'" for s in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            raise CommandError(f"Nothing was imported: the OPML's categories name {len(unknown)} story id(s) I don't "
                               f"track ({shown}); tracked: {', '.join(sorted(known)) or 'none'}. Fix or remove "
                               "those categories (an outline without one is for every story).")
        added = []
        for url, title, stories in feeds:
            mine = list(stories)
            await asyncio.to_thread(self.core.store.upsert_feed, url, title=title, story_ids=mine,
                                    interval_seconds=self.core.settings.default_poll_seconds, defined_in="chat")
            added.append(f"{title or redact_url(url)} ({', '.join(mine) or 'every story'})")
        return [Post(f"Imported {len(added)} feed(s).", added)]

    async def export_opml(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Every polled feed as OPML (the category lists its stories)."""
        if not args or args[0].lower() != "opml":
            raise CommandError("Say 'export opml'.")
        return [Post("Feeds as OPML", export_opml(self.core.store.feed_rows()).splitlines())]
