"""The runtime's channel commands: `subscribe`, `unsubscribe`, `subscriptions`, `mute`, `unmute`,
`digest` and `leave`.

Each handler returns posts and never raises anything but `CommandError` for a person's mistake.
Changing subscriptions calls `on_change` so the scheduler can add or drop the digest job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from bot.chat.router import CommandError
from bot.domain import IncomingMessage, Post, Story
from bot.runtime.core import Core
from bot.runtime.schedule import next_daily
from bot.runtime.story_commands import tracked_story
from bot.runtime.syntax import (
    SyntaxProblem,
    describe_duration,
    parse_duration,
    parse_subscribe,
    parse_unsubscribe,
    text_after,
)
from bot.store.repo import now_utc
from bot.store.runtime_repo import RuntimeRepo, Subscription
from bot.understand.digest import build_digest, update_line

OnChange = Callable[[Subscription | None, int | None], None]
"""Called with the new subscription (or None) and the id of a removed one (or None)."""
LeaveAfterReply = Callable[[IncomingMessage], bool]
"""Arranges for the bot to leave the message's room once it has replied; False if it cannot."""

CONFIRM_UPDATES = 3


def describe_when(value: str | None) -> str:
    """An ISO time as 'YYYY-MM-DD HH:MM UTC' ('never' for None), as `status` and `subscriptions` show it."""
    return value[:16].replace("T", " ") + " UTC" if value else "never"


class SubscriptionCommands:
    """Implements the commands about what is posted in a channel, and when."""

    def __init__(self, core: Core, repo: RuntimeRepo, on_change: OnChange | None = None,
                 leave_after_reply: LeaveAfterReply | None = None) -> None:
        self.core, self.repo = core, repo
        self.on_change = on_change
        self.leave_after_reply = leave_after_reply

    def _story(self, story_id: str) -> Story:
        return tracked_story(self.core.store, story_id)

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
        return [Post(f"Muted {story.id} here for {describe_duration(length)}, "
                     f"until {describe_when(until.isoformat())}.",
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
            lines.append(sub.describe() + (f" (muted until {describe_when(until.isoformat())})" if until else ""))
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

