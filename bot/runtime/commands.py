"""The runtime's chat commands, added to the shared `Router`: subscriptions, digests, status and admin work.

`RuntimeCommands` holds the table of commands (the order `help` lists them in) and `status`; the
handlers live by concern in `subscription_commands`, `feed_commands` and `track_commands`.
Each handler returns posts and never raises anything but `CommandError` for a person's mistake.
Changing subscriptions calls `on_change` so the scheduler can add or drop the digest job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.chat.router import Command, Router
from bot.domain import IncomingMessage, Post
from bot.redact import redact_text, redact_url
from bot.runtime.core import Core
from bot.runtime.feed_commands import FeedCommands, Ingest
from bot.runtime.subscription_commands import LeaveAfterReply, OnChange, SubscriptionCommands, describe_when
from bot.runtime.track_commands import TrackCommands
from bot.store.runtime_repo import RuntimeRepo


class RuntimeCommands:
    """Registers the runtime's commands on a router, in the order `help` lists them, and implements `status`."""

    def __init__(self, router: Router, core: Core, repo: RuntimeRepo, on_change: OnChange | None = None,
                 leave_after_reply: LeaveAfterReply | None = None, ingest: Ingest | None = None,
                 polling: Callable[[], bool] | None = None) -> None:
        self.router, self.core, self.repo = router, core, repo
        channel = SubscriptionCommands(core, repo, on_change, leave_after_reply)
        feeds = FeedCommands(core, ingest, polling)
        stories = TrackCommands(core, repo, on_change)
        add = router.register
        add(Command("status", "status", "feeds' health, last poll and digest, posts waiting or failed"), self.status)
        add(Command("subscribe", "subscribe STORY [live|daily HH:MM [TZ] [chart]] [only:a,b] [except:x,y]",
                    "post a story's updates here as they come, or a daily digest at a local time"), channel.subscribe)
        add(Command("unsubscribe", "unsubscribe STORY [live|daily]",
                    "stop posting a story here (both kinds, or only live posts or only the daily digest)"),
            channel.unsubscribe)
        add(Command("subscriptions", "subscriptions", "this channel's subscriptions and mutes"), channel.subscriptions)
        add(Command("mute", "mute STORY [DURATION]",
                    "hold a story's live posts here for 30m, 2h, 1d... (default 1h, at most 7d); "
                    "they are posted together when the mute ends"), channel.mute)
        add(Command("unmute", "unmute STORY", "end a mute now and post what was held"), channel.unmute)
        add(Command("digest", "digest [STORY]", "what is new in the last 24 hours, now"), channel.digest)
        add(Command("add", "add feed URL [STORY...]", "poll a feed (for the given stories, or all)", True),
            feeds.add_feed)
        add(Command("remove", "remove feed URL", "stop polling a feed", True), feeds.remove_feed)
        add(Command("import", "import opml <OPML pasted after the command, or an .opml file attached>",
                    "add every feed in an OPML file", True),
            feeds.import_opml)
        add(Command("export", "export opml", "the feeds as OPML", True), feeds.export_opml)
        add(Command("track", 'track STORY "Title" terms: a, b, c [exclude: x, y]',
                    "track a new story (existing articles are filed under it at once)", True), stories.track)
        add(Command("untrack", "untrack STORY", "stop tracking a story defined in chat", True), stories.untrack)
        add(Command("leave", "leave", "the bot drops this room's subscriptions and leaves it", True), channel.leave)

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
        lines.append(f"Last feed poll: {describe_when(self.repo.get_state('last_feed_poll'))}; last seeds scan: "
                     f"{describe_when(self.repo.get_state('last_seeds_scan'))}; last digest: "
                     f"{describe_when(self.repo.get_state('last_digest'))}.")
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
