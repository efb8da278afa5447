"""The runtime's story commands (admins): `track` a story defined in chat, `untrack` it.

Each handler returns posts and never raises anything but `CommandError` for a person's mistake.
Untracking ends the story's subscriptions, so `on_change` drops their digest jobs.
"""

from __future__ import annotations

import asyncio

from bot.chat.router import CommandError
from bot.domain import IncomingMessage, Post, Story
from bot.runtime.core import Core
from bot.runtime.story_commands import tracked_story
from bot.runtime.subscription_commands import OnChange
from bot.runtime.syntax import SyntaxProblem, parse_track, text_after
from bot.store.runtime_repo import RuntimeRepo


class TrackCommands:
    """Implements the commands that add and remove stories tracked from chat."""

    def __init__(self, core: Core, repo: RuntimeRepo, on_change: OnChange | None = None) -> None:
        self.core, self.repo = core, repo
        self.on_change = on_change

    def _story(self, story_id: str) -> Story:
        return tracked_story(self.core.store, story_id)

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
