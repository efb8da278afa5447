"""Posting to Matrix: sends, threaded replies, edits, and leaving a room.

Sends `m.notice` messages with HTML and a plain body (see `render_matrix`); replies go into
threads; edits use `m.replace`. A post with a picture is uploaded first and sent as an `m.image`
in the same thread a text post would go to. Requests are bounded (no silent endless retries
inside nio): rate limits become `RateLimited`, connection failures and 5xx
`TransientDeliveryError`, refusals `PermanentDeliveryError`. Every send has a transaction id
derived from the outbox key (or from the message answered and the answer), so a retry after a
crash is answered with the first event instead of being posted again. The bot never posts in
encrypted rooms.
"""

from __future__ import annotations

import logging
from typing import Any

from nio import RoomLeaveResponse, RoomSendResponse

from bot.chat.matrix_errors import NETWORK_ERRORS, delivery_error, digest, transaction_id
from bot.chat.matrix_files import MatrixFiles
from bot.chat.matrix_rooms import MatrixRooms
from bot.chat.matrix_session import MatrixSession
from bot.chat.matrix_threads import ThreadTracker
from bot.chat.port import PermanentDeliveryError, TransientDeliveryError
from bot.chat.render_matrix import edit_content, image_content, message_content
from bot.domain import IncomingMessage, Post

log = logging.getLogger("bot.chat.matrix")  # the adapter's one logger, whichever module logs


class MatrixSender:
    """Everything the adapter posts, and the thread bookkeeping each post leaves behind."""

    def __init__(self, session: MatrixSession, rooms: MatrixRooms, threads: ThreadTracker, files: MatrixFiles) -> None:
        self._session = session
        self._rooms = rooms
        self._threads = threads
        self._files = files

    def _check_postable(self, room_id: str) -> None:
        room = self._session.client_or_fail().rooms.get(room_id)
        if room is not None and room.encrypted:
            raise PermanentDeliveryError(f"{room_id} is encrypted; the bot does not post in encrypted rooms")

    async def _room_send(
        self, room_id: str, content: dict[str, Any], action: str, txn_id: str | None = None
    ) -> str:
        client = self._session.client_or_fail()
        try:
            resp = await client.room_send(room_id, "m.room.message", content, tx_id=txn_id)
        except NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"{action} in {room_id}: {exc!r}") from exc
        if isinstance(resp, RoomSendResponse):
            return str(resp.event_id)
        raise delivery_error(resp, f"{action} in {room_id}")

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Send `post` (not its replies) as an m.notice, in `thread` if given; returns the event id.

        With `key` (the outbox's idempotency key) the transaction id is derived from it, so sending
        the same key again from this device returns the first event instead of posting twice.
        """
        room_id = self._rooms.current_room(channel)
        if room_id != channel:
            thread = None  # the thread lives in the old room
        self._check_postable(room_id)
        last = self._threads.last_event(room_id, thread) if thread else None
        txn_id = transaction_id(key) if key else None
        event_id = await self._room_send(room_id, await self._content(post, thread, last), "send", txn_id)
        root = thread or event_id
        self._threads.remember_bot_thread(room_id, root)
        if thread:
            self._threads.remember_event(room_id, thread, event_id)
        return event_id

    async def reply(self, to: IncomingMessage, post: Post) -> str:
        """Answer `to` in its thread (or start a thread under it); Matrix has no private replies."""
        room_id = to.channel
        self._check_postable(room_id)
        root = to.thread or to.message_id
        if not root:
            return await self.send(room_id, post)
        content = await self._content(post, root, to.message_id)
        # the same answer to the same message (a replay after a crash) is the same transaction
        txn_id = transaction_id(f"reply:{room_id}:{to.message_id}:{digest(content['body'])}")
        event_id = await self._room_send(room_id, content, "reply", txn_id)
        self._threads.remember_bot_thread(room_id, root)
        self._threads.remember_event(room_id, root, event_id)
        return event_id

    async def _content(self, post: Post, thread: str | None, in_reply_to: str | None) -> dict[str, Any]:
        """An event's content for `post`: an m.notice, or an m.image once its picture is uploaded."""
        if post.image is None:
            return message_content(post, thread, in_reply_to)
        return image_content(post.image, await self._files.upload(post.image), thread, in_reply_to)

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Replace what `message_id` shows with `post` (an m.replace edit).

        Repeating the same edit (a retry after a crash or a timeout) is one transaction, so the
        room gets one edit event.
        """
        self._check_postable(channel)
        content = edit_content(message_id, post)
        txn_id = transaction_id(f"edit:{channel}:{message_id}:{digest(content['body'])}")
        await self._room_send(channel, content, "edit", txn_id)

    async def leave(self, channel: str) -> None:
        """Leave a room (on an admin's request)."""
        client = self._session.client_or_fail()
        try:
            resp = await client.room_leave(channel)
        except NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"leave {channel}: {exc!r}") from exc
        if not isinstance(resp, RoomLeaveResponse):
            raise delivery_error(resp, f"leave {channel}")
        log.info("matrix.left room=%s", channel)
