"""Incoming Matrix messages: which ones are for the bot, and handing them to the runtime.

Ignores the bot's own messages, notices and edits, and messages already handled before a
restart. A message is for the bot when it is addressed: it mentions the bot (pill, user id, or
display name at the start), starts with the command prefix (`!news`, stripped), or is in a thread
the bot started or posted in (`IncomingMessage.thread` is the thread root's event id). An
`m.file` is remembered for its sender's next commands; an addressed caption on it is a command
with that file attached. Messages in encrypted rooms are not handed over (answers could not be
posted there).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from bot.chat.matrix_files import MatrixFiles, file_caption
from bot.chat.matrix_session import MatrixSession
from bot.chat.matrix_threads import ThreadTracker
from bot.chat.port import MessageHandler
from bot.domain import IncomingMessage

log = logging.getLogger("bot.chat.matrix")  # the adapter's one logger, whichever module logs

PLATFORM = "matrix"


def strip_reply_fallback(body: str) -> str:
    """Drop the quoted `> ...` lines a rich reply puts in front of the real text."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(">"):
        return body
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    return "\n".join(lines[index:]).strip()


@dataclass(frozen=True)
class Candidate:
    """A message that may be for the bot; `thread_check` defers the thread-participation test."""

    message: IncomingMessage
    thread_check: bool


class MatrixEvents:
    """Turns room message events into `IncomingMessage`s and runs the runtime's handler on them.

    At most `max_concurrent_handlers` handlers run at once; `on_message` is set by the adapter's
    `start`.
    """

    def __init__(
        self, session: MatrixSession, threads: ThreadTracker, files: MatrixFiles, max_concurrent_handlers: int
    ) -> None:
        self._session = session
        self._threads = threads
        self._files = files
        self.on_message: MessageHandler | None = None
        self._handlers = asyncio.Semaphore(max_concurrent_handlers)

    def candidate(self, room_id: str, src: dict[str, Any]) -> Candidate | None:
        """The message as the runtime should see it, or None if it is not for the bot."""
        user_id = self._session.user_id
        sender = str(src.get("sender", ""))
        content = src.get("content") or {}
        msgtype = content.get("msgtype")
        if sender == user_id or msgtype not in ("m.text", "m.file"):
            return None
        if src.get("event_id") in self._session.state.recent_handled:
            return None  # handled before a restart whose batch token was not saved yet
        relation = content.get("m.relates_to") or {}
        if relation.get("rel_type") == "m.replace" or "m.new_content" in content:
            return None
        stamp = src.get("origin_server_ts")
        sent_ms = stamp if isinstance(stamp, int) else 0
        if msgtype == "m.file":
            self._files.remember(room_id, sender, content, sent_ms)
            caption = file_caption(content)
            if caption is None:
                return None  # a file on its own: kept for the sender's next command
            body = caption
        else:
            body = str(content.get("body", ""))
        if "m.in_reply_to" in relation:
            body = strip_reply_fallback(body)
        thread = str(relation["event_id"]) if relation.get("rel_type") == "m.thread" else None
        addressed, text = self.addressing(content, body)
        if not addressed and thread is None:
            return None
        room = self._session.client_or_fail().rooms.get(room_id)
        if room is not None and room.encrypted:
            return None  # the room got our notice; answers could not be posted there anyway
        message = IncomingMessage(
            platform=PLATFORM,
            channel=room_id,
            sender=sender,
            text=text,
            message_id=str(src.get("event_id", "")),
            thread=thread,
            addressed=True,
            attachments=self._files.attached(room_id, sender, sent_ms),
        )
        return Candidate(message=message, thread_check=not addressed)

    def addressing(self, content: dict[str, Any], body: str) -> tuple[bool, str]:
        """Whether the message addresses the bot, and its text without the address."""
        user_id = self._session.user_id
        display_name = self._session.display_name
        text = body.strip()
        prefix = self._session.config.command_prefix
        if prefix and text.lower().startswith(prefix.lower()):
            rest = text[len(prefix) :]
            if not rest or rest[0].isspace() or rest[0] in ":,":
                return True, rest.lstrip(":, \t\n")
        mentions = content.get("m.mentions") or {}
        formatted = unquote(str(content.get("formatted_body", "")))
        mentioned = (
            user_id in (mentions.get("user_ids") or [])
            or f"matrix.to/#/{user_id}" in formatted
            or user_id in text
        )
        names = [user_id] + ([display_name] if display_name else [])
        for name in names:
            match = re.match(rf"\s*{re.escape(name)}\s*[:,]?\s*", text, flags=re.IGNORECASE)
            if match:
                return True, text[match.end() :].strip()
        if mentioned:
            return True, text.replace(user_id, "").strip()
        return False, text

    async def deliver(self, candidate: Candidate, mark_handled: Callable[[str], None]) -> None:
        """Hand the message to the runtime (if a thread message: only in a thread of the bot's).

        `mark_handled(event_id)` is called once the handler ran, even if it failed, unless the
        task was cancelled (then a replay of the batch hands the message over again).
        """
        message = candidate.message
        async with self._handlers:
            if candidate.thread_check and not await self._threads.bot_in_thread(
                message.channel, message.thread or ""
            ):
                return
            handler = self.on_message
            if handler is None:
                return
            log.info("matrix.message room=%s event=%s", message.channel, message.message_id)
            try:
                await handler(message)
            finally:
                if not asyncio.current_task().cancelling():  # type: ignore[union-attr]
                    mark_handled(message.message_id)
