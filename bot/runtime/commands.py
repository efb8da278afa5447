"""The runtime's chat commands, added to the shared `Router`: subscriptions, digests, status and admin work.

Each handler returns posts and never raises anything but `CommandError` for a person's mistake.
Changing subscriptions calls `on_change` so the scheduler can add or drop the digest job.
"""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from datetime import timedelta
from xml.sax.saxutils import quoteattr

from bot.chat.router import Command, CommandError, Router
from bot.domain import Attachment, AttachmentError, IncomingMessage, Post, RawArticle, Story
from bot.redact import redact_text, redact_url
from bot.runtime.core import Core
from bot.runtime.feed_check import fetch_once, newest_lines
from bot.runtime.feeds import save_outcome
from bot.runtime.schedule import next_daily
from bot.runtime.story_commands import tracked_story
from bot.runtime.syntax import (
    SyntaxProblem,
    describe_duration,
    parse_duration,
    parse_subscribe,
    parse_track,
    parse_unsubscribe,
    text_after,
)
from bot.store.repo import now_utc
from bot.store.runtime_repo import RuntimeRepo, Subscription
from bot.understand.digest import build_digest, update_line

OnChange = Callable[[Subscription | None, int | None], None]
"""Called with the new subscription (or None) and the id of a removed one (or None)."""
Ingest = Callable[[list[RawArticle]], Awaitable[int]]
"""Ingests a new feed's items (one writer at a time) and delivers what they bring; returns how many were new."""
LeaveAfterReply = Callable[[IncomingMessage], bool]
"""Arranges for the bot to leave the message's room once it has replied; False if it cannot."""

URL = re.compile(r"^https?://\S+$")
CONFIRM_UPDATES = 3
MAX_OPML_FEEDS = 500  # feeds one `import opml` may add


def _when(value: str | None) -> str:
    return value[:16].replace("T", " ") + " UTC" if value else "never"


class RuntimeCommands:
    """Registers and implements the runtime's commands on a router."""

    def __init__(self, router: Router, core: Core, repo: RuntimeRepo, on_change: OnChange | None = None,
                 leave_after_reply: LeaveAfterReply | None = None, ingest: Ingest | None = None,
                 polling: Callable[[], bool] | None = None) -> None:
        self.router, self.core, self.repo = router, core, repo
        self.ingest = ingest
        self.polling = polling
        self.on_change = on_change
        self.leave_after_reply = leave_after_reply
        add = router.register
        add(Command("status", "status", "feeds' health, last poll and digest, posts waiting or failed"), self.status)
        add(Command("subscribe", "subscribe STORY [live|daily HH:MM [TZ] [chart]] [only:a,b] [except:x,y]",
                    "post a story's updates here as they come, or a daily digest at a local time"), self.subscribe)
        add(Command("unsubscribe", "unsubscribe STORY [live|daily]",
                    "stop posting a story here (both kinds, or only live posts or only the daily digest)"),
            self.unsubscribe)
        add(Command("subscriptions", "subscriptions", "this channel's subscriptions and mutes"), self.subscriptions)
        add(Command("mute", "mute STORY [DURATION]",
                    "hold a story's live posts here for 30m, 2h, 1d... (default 1h, at most 7d); "
                    "they are posted together when the mute ends"), self.mute)
        add(Command("unmute", "unmute STORY", "end a mute now and post what was held"), self.unmute)
        add(Command("digest", "digest [STORY]", "what is new in the last 24 hours, now"), self.digest)
        add(Command("add", "add feed URL [STORY...]", "poll a feed (for the given stories, or all)", True),
            self.add_feed)
        add(Command("remove", "remove feed URL", "stop polling a feed", True), self.remove_feed)
        add(Command("import", "import opml <OPML pasted after the command, or an .opml file attached>",
                    "add every feed in an OPML file", True),
            self.import_opml)
        add(Command("export", "export opml", "the feeds as OPML", True), self.export_opml)
        add(Command("track", 'track STORY "Title" terms: a, b, c [exclude: x, y]',
                    "track a new story (existing articles are filed under it at once)", True), self.track)
        add(Command("untrack", "untrack STORY", "stop tracking a story defined in chat", True), self.untrack)
        add(Command("leave", "leave", "the bot drops this room's subscriptions and leaves it", True), self.leave)

    # ---- helpers -------------------------------------------------------------------------
    def _story(self, story_id: str) -> Story:
        return tracked_story(self.core.store, story_id)

    # ---- status --------------------------------------------------------------------------
    async def status(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Feeds' health, when things last ran, and the outbox queue with why rows wait or failed."""
        return [await asyncio.to_thread(self._status)]

    def _status(self) -> Post:
        lines = []
        feeds = self.core.store.feed_rows()
        failing = [f for f in feeds if f["error_count"]]
        lines.append(f"Feeds: {len(feeds)}, {len(failing)} failing.")
        for f in feeds:
            polled = f["last_polled"].strftime("%Y-%m-%d %H:%M UTC") if f["last_polled"] else "never"
            trouble = (f", {f['error_count']} failure(s) in a row: {redact_text(f['last_error'] or '')}"
                       if f["error_count"] else "")
            lines.append(f"  {f['title'] or redact_url(f['url'])}: {f['last_status'] or 'not polled yet'}, "
                         f"last poll {polled}{trouble}")
        lines.append(f"Last feed poll: {_when(self.repo.get_state('last_feed_poll'))}; last seeds scan: "
                     f"{_when(self.repo.get_state('last_seeds_scan'))}; last digest: "
                     f"{_when(self.repo.get_state('last_digest'))}.")
        counts = self.repo.counts()
        lines.append(f"Posts: {counts.get('pending', 0) + counts.get('sending', 0)} waiting, "
                     f"{counts.get('failed', 0)} failed, {counts.get('sent', 0)} sent.")
        for row in self.repo.rows(status="pending")[:5]:
            why = f" ({row.error})" if row.error else ""
            lines.append(f"  waiting: {row.kind} to {row.platform}:{row.channel} from "
                         f"{row.next_attempt_at.strftime('%H:%M:%S UTC')}{why}")
        for row in self.repo.rows(status="failed")[-5:]:
            lines.append(f"  failed: {row.kind} to {row.platform}:{row.channel}: {redact_text(row.error or '')}")
        return Post("Status", lines)

    # ---- subscriptions -------------------------------------------------------------------
    async def subscribe(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Subscribe this channel; the confirmation shows the story's latest updates."""
        try:
            req = parse_subscribe(text_after(message.text, 1), self.core.settings.timezone)
        except SyntaxProblem as exc:
            raise CommandError(str(exc)) from exc
        story = self._story(req.story)
        before = {s.mode: s for s in self.repo.subscriptions(message.platform, message.channel, story.id)}
        sub = await asyncio.to_thread(self.repo.subscribe, message.platform, message.channel, story.id, req.mode,
                                      req.daily_at, req.timezone, req.only, req.except_, message.sender, req.chart)
        if self.on_change:
            self.on_change(sub, None)
        if sub.mode == "live":
            how = "each new update will be posted here as it is found, in a thread per day"
        else:
            nxt = next_daily(sub.daily_at or "00:00", sub.timezone, now_utc())
            how = (f"a digest will be posted here daily at {sub.daily_at} {sub.timezone} (next: "
                   f"{nxt.strftime('%Y-%m-%d %H:%M %Z')}), nothing on a quiet day")
            if sub.chart:
                how += ", with the story's timeline chart of the last 30 days"
        filters = ""
        if sub.only:
            filters += f" Only updates mentioning {', '.join(sub.only)}."
        if sub.except_:
            filters += f" Not updates mentioning {', '.join(sub.except_)}."
        latest = self.core.store.list_updates(story=story.id)[-CONFIRM_UPDATES:]
        lines = [f"Subscribed to {story.title}: {how}.{filters}", *subscribe_changes(before, sub)]
        if latest:
            lines.append("Latest updates:")
            lines += [f"- {update_line(u)}" for u in latest]
        else:
            lines.append("No updates on this story yet.")
        cites = list({u.citation.url: u.citation for u in latest}.values())
        return [Post(f"Subscribed: {story.id}", lines, cites)]

    async def unsubscribe(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Remove this channel's subscriptions to a story (one mode, or both) and say which went."""
        try:
            req = parse_unsubscribe(args)
        except SyntaxProblem as exc:
            raise CommandError(str(exc)) from exc
        gone = await asyncio.to_thread(self.repo.unsubscribe, message.platform, message.channel, req.story, req.mode)
        if not gone:
            what = f"'{req.story}'" + (f" ({req.mode})" if req.mode else "")
            held = [s.describe() for s in self.repo.subscriptions(message.platform, message.channel, req.story)]
            return [Post(f"This channel is not subscribed to {what}.",
                         [f"It has: {'; '.join(held)}."] if held else ["See 'subscriptions'."])]
        for sub in gone:
            if self.on_change:
                self.on_change(None, sub.id)
        left = [s.describe() for s in self.repo.subscriptions(message.platform, message.channel, req.story)]
        lines = [f"Removed: {s.describe()}" for s in gone]
        lines.append(f"Still here: {'; '.join(left)}." if left else "Nothing more of this story will be posted here.")
        return [Post(f"Unsubscribed from {req.story}.", lines)]

    async def mute(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Hold a story's live posts in this channel for a while; nothing is dropped."""
        if not args or len(args) > 3:
            raise CommandError("Say which story to mute and, if not for an hour, for how long (e.g. 2h).")
        story = self._story(args[0].lower())
        try:
            length = parse_duration(" ".join(args[1:]) or None)
        except SyntaxProblem as exc:
            raise CommandError(str(exc)) from exc
        until = now_utc() + length
        await asyncio.to_thread(self.repo.mute, message.platform, message.channel, story.id, until)
        live = [s for s in self.repo.subscriptions(message.platform, message.channel, story.id) if s.mode == "live"]
        note = ("Live posts found meanwhile are held and posted together when the mute ends (or on 'unmute')."
                if live else "This channel has no live subscription to it, so there is nothing to hold yet.")
        return [Post(f"Muted {story.id} here for {describe_duration(length)}, until {_when(until.isoformat())}.",
                     [note, f"Say 'unmute {story.id}' to end it early."])]

    async def unmute(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """End a mute now; held posts go out at once."""
        if len(args) != 1:
            raise CommandError("Say which story to unmute.")
        story_id = args[0].lower()
        until = await asyncio.to_thread(self.repo.unmute, message.platform, message.channel, story_id)
        if until is None or until <= now_utc():
            return [Post(f"'{story_id}' is not muted here.", ["See 'subscriptions'."])]
        held = await asyncio.to_thread(self.repo.release_held, message.platform, message.channel, story_id, now_utc())
        return [Post(f"Unmuted {story_id}.", [f"{held} held post(s) will be posted now." if held
                                              else "Nothing was held."])]

    async def leave(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Drop this room's subscriptions and leave it, where the platform lets a bot leave."""
        if args:
            raise CommandError("Say just 'leave'.")
        if self.leave_after_reply is None or not self.leave_after_reply(message):
            raise CommandError("I can't leave by myself here; remove me from the channel instead "
                               "(on Slack: /kick the app, or the channel's integrations settings).")
        subs = await asyncio.to_thread(self.repo.subscriptions, message.platform, message.channel)
        for sub in subs:
            await asyncio.to_thread(self.repo.unsubscribe, message.platform, message.channel, sub.story, sub.mode)
            if self.on_change:
                self.on_change(None, sub.id)
        return [Post("Leaving this room.", [f"Dropped {len(subs)} subscription(s). Invite me back any time."])]

    async def subscriptions(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """This channel's subscriptions, with any mute and when it ends."""
        subs = self.repo.subscriptions(message.platform, message.channel)
        if not subs:
            return [Post("This channel has no subscriptions.", ["Try 'subscribe STORY' or 'stories'."])]
        lines = []
        for sub in subs:
            until = self.repo.muted_until(sub.platform, sub.channel, sub.story) if sub.mode == "live" else None
            lines.append(sub.describe() + (f" (muted until {_when(until.isoformat())})" if until else ""))
        return [Post("Subscriptions in this channel", lines)]

    async def digest(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """A digest of the last 24 hours, now (one story or all)."""
        story = self._story(args[0].lower()).id if args else None
        since = now_utc() - timedelta(days=1)
        post = await asyncio.to_thread(build_digest, self.core.store, self.core.store.list_stories(), since, story,
                                       self.core.settings.digest_top_updates,
                                       page_url=self.core.settings.web_pages.story_url)
        if post is None:
            return [Post(f"Nothing new on {story or 'any story'} in the last 24 hours.")]
        return [post]

    # ---- feeds (admins) ------------------------------------------------------------------
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
                                interval_seconds=self.core.settings.default_poll_seconds, defined_in="chat")
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

    # ---- stories (admins) ----------------------------------------------------------------
    async def track(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Track a story defined in chat and file the stored articles under it at once."""
        try:
            req = parse_track(text_after(message.text, 1))
        except SyntaxProblem as exc:
            raise CommandError(str(exc)) from exc
        existing = {s.id: s for s in self.core.store.list_stories()}
        if req.story in existing and existing[req.story].defined_in != "chat":
            raise CommandError(f"'{req.story}' is defined in config/stories.toml; change it there.")
        story = Story(req.story, req.title, terms=req.terms, exclude=req.exclude, defined_in="chat")
        await asyncio.to_thread(self.core.store.save_story, story)
        matched = await asyncio.to_thread(self.core.pipeline.file_new_story, story)
        found = await asyncio.to_thread(self.core.pipeline.detect_story_updates, story)
        return [Post(f"Now tracking {story.id}: {story.title}.",
                     [f"Terms: {', '.join(story.terms)}" + (f"; excluding {', '.join(story.exclude)}"
                                                            if story.exclude else "") + ".",
                      f"{matched} stored article(s) already match it, with {len(found)} update(s); "
                      f"'subscribe {story.id}' shows the latest."])]

    async def untrack(self, message: IncomingMessage, args: list[str]) -> list[Post]:
        """Stop tracking a story that was defined in chat; its subscriptions everywhere end too."""
        if len(args) != 1:
            raise CommandError("Say which story to stop tracking.")
        story = self._story(args[0].lower())
        if story.defined_in != "chat":
            raise CommandError(f"'{story.id}' is defined in config/stories.toml; remove it there.")
        await asyncio.to_thread(self.core.store.delete_story, story.id)
        self.core.pipeline.forget_story(story.id)
        gone = await asyncio.to_thread(self.repo.unsubscribe_story, story.id)
        for sub in gone:
            if self.on_change:
                self.on_change(None, sub.id)
        lines = ["Its articles stay in the store."]
        if gone:
            lines.append(f"Ended {len(gone)} subscription(s):")
            lines += [f"- {sub.platform}:{sub.channel} {sub.describe()}" for sub in gone]
        else:
            lines.append("No channel was subscribed to it.")
        return [Post(f"Stopped tracking {story.id}.", lines)]


def subscribe_changes(before: dict[str, Subscription], sub: Subscription) -> list[str]:
    """What a `subscribe` changed: a replaced subscription of the same kind, and the other kind kept."""
    lines = []
    old = before.get(sub.mode)
    if old is not None and old.describe() != sub.describe():
        lines.append(f"Changed: {old.describe()} -> {sub.describe()}.")
    elif old is not None:
        lines.append("This channel already had exactly this subscription; nothing changed.")
    other = before.get("daily" if sub.mode == "live" else "live")
    if other is not None:
        lines.append(f"Kept: {other.describe()} (say 'unsubscribe {sub.story} {other.mode}' to stop it).")
    return lines


def opml_attachment(attachments: tuple[Attachment, ...]) -> Attachment | None:
    """The attachment `import opml` should read: the first named .opml, else the first one."""
    for attachment in attachments:
        if attachment.name.lower().endswith(".opml"):
            return attachment
    return attachments[0] if attachments else None


def parse_opml(text: str, what: str = "That") -> list[tuple[str, str, list[str]]]:
    """(url, title, story ids) for each feed outline in an OPML document.

    Raises ValueError with one sentence about `what` ("That", "The attached file feeds.opml"),
    also when it lists more than `MAX_OPML_FEEDS` feeds.
    """
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ValueError(f"{what} has a DOCTYPE or entities; OPML with those is not accepted.")
    try:
        root = ET.fromstring(text.strip())
    except ET.ParseError as exc:
        raise ValueError(f"{what} is not valid OPML ({exc}).") from exc
    if root.tag.lower() != "opml":
        raise ValueError(f"{what} is XML but not OPML (its root element is <{root.tag}>, not <opml>).")
    found = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or ""
        if not URL.match(url):
            continue
        stories = [s.strip().lower() for s in (outline.get("category") or "").replace("/", ",").split(",") if s.strip()]
        found.append((url, outline.get("title") or outline.get("text") or "", stories))
        if len(found) > MAX_OPML_FEEDS:
            total = sum(1 for o in root.iter("outline") if URL.match(o.get("xmlUrl") or ""))
            raise ValueError(f"{what} lists {total:,} feeds; at most {MAX_OPML_FEEDS} can be imported at once "
                             "(split the file).")
    if not found:
        raise ValueError(f"{what} has no outlines with an xmlUrl (a feed's address), so there is nothing to import.")
    return found


def export_opml(feeds: list[dict[str, object]]) -> str:
    """OPML 2.0 listing the feeds; each outline's category names its stories (credentials in URLs masked)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             "<head><title>newsdesk-bot feeds</title></head>", "<body>"]
    for f in feeds:
        title = str(f.get("title") or redact_url(str(f["url"])))
        stories = ",".join(f.get("stories") or [])  # type: ignore[arg-type]
        lines.append(f'<outline type="rss" text={quoteattr(title)} title={quoteattr(title)} '
                     f'xmlUrl={quoteattr(redact_url(str(f["url"])))} category={quoteattr(stories)}/>')
    lines += ["</body>", "</opml>"]
    return "\n".join(lines)
