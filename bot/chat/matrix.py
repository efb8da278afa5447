"""The Matrix adapter for the chat port, on matrix-nio's AsyncClient (no end-to-end encryption).

How it behaves:
- Logs in by password or access token and keeps the device id, access token and sync token in a
  `MatrixStateStore`, so a restart reuses the device and continues from where it left off.
- Runs its own sync loop: each sync batch is turned into work items (incoming messages, invites,
  room upgrades, notices) that run as separate tasks, so slow handlers never stall syncing. The
  batch's `next_batch` token is saved only once every task of that batch and all earlier batches
  finished: a crash replays unhandled messages, a restart never replays handled ones.
- Ignores a room's events from before the bot joined it, its own messages, notices and edits.
- A message reaches `on_message` when it is addressed: it mentions the bot (pill, user id, or
  display name at the start), starts with the command prefix (`!news`, stripped), or is in a
  thread the bot started or posted in (`IncomingMessage.thread` is the thread root's event id).
- Sends `m.notice` messages with HTML and a plain body; replies go into threads; edits use
  `m.replace`. Requests are bounded (no silent endless retries inside nio): rate limits become
  `RateLimited`, connection failures and 5xx `TransientDeliveryError`, refusals
  `PermanentDeliveryError`.
- Exactly once: `send` derives the Matrix transaction id from the outbox key, so a post retried
  after a crash between "the homeserver accepted it" and "the outbox marked it sent" is answered
  with the first event instead of being posted again (same device; Synapse keeps them 24 hours).
- Pictures (a story's timeline chart): a post with an image is uploaded to the homeserver's
  media repository, then sent as an `m.image` (alt text as `body`, `info` with w, h, mimetype
  and size) in the same thread a text post would go to; the transaction id still comes from the
  outbox key, so a retry never shows the picture twice (it may upload the bytes again).
- Encrypted rooms: the bot cannot read them, says so once in the room, and refuses to post there.
- Attached files (for `import opml`): an `m.file` event is remembered as the last file of its
  (room, sender) for 10 minutes (by the events' server timestamps); that person's next addressed
  messages in the room carry it in `IncomingMessage.attachments`. An `m.file` whose `body` differs
  from its `filename` has a caption (Matrix spec): an addressed caption (`!news import opml`) is
  a command with that file attached. The file is downloaded only when a command reads it, from
  the homeserver's authenticated media API (`/_matrix/client/v1/media/download`, the bot's token
  in the Authorization header), 1 MB at most, within `request_timeout`.

Where the code lives: `matrix_session` (login, the nio client, saved state), `matrix_sync` (the
sync loop and when its token is saved), `matrix_events` (which messages are for the bot),
`matrix_rooms` (invites, upgrades, encrypted rooms, power levels), `matrix_send` (posts, replies,
edits), `matrix_files` (attached files and uploaded pictures), `matrix_threads` (thread
bookkeeping) and `matrix_errors` (error classification, transaction ids). This module wires them
into `MatrixAdapter` and keeps their public names importable from `bot.chat.matrix`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.chat.matrix_config import MatrixConfig, MatrixConfigError
from bot.chat.matrix_errors import MatrixLoginError, delivery_error, transaction_id
from bot.chat.matrix_events import PLATFORM, MatrixEvents, strip_reply_fallback
from bot.chat.matrix_files import FILE_MEMORY_MS, MatrixFiles, file_caption, file_still_attached, parse_mxc
from bot.chat.matrix_rooms import ADMIN_POWER_LEVEL, ENCRYPTED_ROOM_NOTICE, MatrixRooms, server_of
from bot.chat.matrix_send import MatrixSender
from bot.chat.matrix_session import MatrixSession
from bot.chat.matrix_state import MatrixStateStore
from bot.chat.matrix_sync import MatrixSync, sync_filter
from bot.chat.matrix_threads import ThreadTracker
from bot.chat.port import MessageHandler
from bot.domain import IncomingMessage, Post

__all__ = [
    "ADMIN_POWER_LEVEL",
    "ENCRYPTED_ROOM_NOTICE",
    "FILE_MEMORY_MS",
    "MatrixAdapter",
    "MatrixConfig",
    "MatrixConfigError",
    "MatrixLoginError",
    "delivery_error",
    "file_caption",
    "file_still_attached",
    "parse_mxc",
    "server_of",
    "strip_reply_fallback",
    "sync_filter",
    "transaction_id",
]

log = logging.getLogger(__name__)


class MatrixAdapter:
    """`ChatPort` for Matrix.

    `state_store` keeps device, token and sync position between runs. `on_room_replaced(old,
    new)` is awaited after the bot followed a room upgrade (sends to `old` already go to `new`).
    """

    platform = PLATFORM

    def __init__(
        self,
        config: MatrixConfig,
        state_store: MatrixStateStore,
        *,
        on_room_replaced: Callable[[str, str], Awaitable[None]] | None = None,
        max_concurrent_handlers: int = 8,
    ) -> None:
        self.config = config
        self._session = MatrixSession(config, state_store)
        self._threads = ThreadTracker(self._session)
        self._files = MatrixFiles(self._session)
        self._rooms = MatrixRooms(self._session, on_room_replaced)
        self._events = MatrixEvents(self._session, self._threads, self._files, max_concurrent_handlers)
        self._sync = MatrixSync(self._session, self._rooms, self._threads, self._events)
        self._sender = MatrixSender(self._session, self._rooms, self._threads, self._files)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        """The bot's Matrix user id."""
        return self.config.user_id

    @property
    def connected(self) -> bool:
        """Whether the sync loop runs and its last sync succeeded."""
        return self._sync.connected

    @property
    def device_id(self) -> str:
        """The device this adapter is logged in as ("" before `start`)."""
        return self._session.state.device_id

    @property
    def sync_failures(self) -> int:
        """Syncs that failed since the adapter was created."""
        return self._sync.failures

    @property
    def reconnects(self) -> int:
        """Syncs that succeeded again after failing."""
        return self._sync.reconnects

    async def start(self, on_message: MessageHandler) -> None:
        """Log in (reusing the saved device), then sync in the background.

        Returns after the first successful sync, or after `request_timeout` seconds if the
        homeserver does not answer yet (the loop keeps trying). Raises `MatrixLoginError` if the
        credentials are refused and `TransientDeliveryError` if the homeserver is unreachable.
        """
        if self._sync.started:
            raise RuntimeError("MatrixAdapter already started")
        self._events.on_message = on_message
        self._sync.reset()
        await self._session.login(self._sync.discard_sync_state)
        self._session.display_name = await self._session.fetch_display_name()
        self._sync.launch()
        try:
            await asyncio.wait_for(self._sync.first_sync.wait(), timeout=self.config.request_timeout)
        except TimeoutError:
            log.warning("matrix.first_sync_slow seconds=%.0f", self.config.request_timeout)

    async def stop(self) -> None:
        """Stop syncing, let running handlers finish (up to `stop_grace` s), save, disconnect."""
        await self._sync.stop(self.config.stop_grace)
        await self._session.close()
        log.info("matrix.stopped saved_batch=%s", bool(self._session.state.next_batch))

    # -- rooms -------------------------------------------------------------------------------

    def invite_allowed(self, inviter: str) -> bool:
        """Whether an invite from `inviter` should be accepted (no lists configured: anyone)."""
        return self._rooms.invite_allowed(inviter)

    def current_room(self, channel: str) -> str:
        """`channel`, or the room that replaced it after upgrades."""
        return self._rooms.current_room(channel)

    async def is_admin(self, channel: str, user: str) -> bool:
        """Whether `user` has power level >= 50 in the room (or is a creator of a v12+ room).

        Asks the homeserver each time, so changes apply at once; any failure means False.
        """
        return await self._rooms.is_admin(channel, user)

    # -- sending -----------------------------------------------------------------------------

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Send `post` (not its replies) as an m.notice, in `thread` if given; returns the event id.

        With `key` (the outbox's idempotency key) the transaction id is derived from it, so sending
        the same key again from this device returns the first event instead of posting twice.
        """
        return await self._sender.send(channel, post, thread, key)

    async def reply(self, to: IncomingMessage, post: Post, private: bool = False) -> str:
        """Answer `to` in its thread (or start a thread under it); Matrix has no private replies."""
        return await self._sender.reply(to, post)

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Replace what `message_id` shows with `post` (an m.replace edit).

        Repeating the same edit (a retry after a crash or a timeout) is one transaction, so the
        room gets one edit event.
        """
        await self._sender.edit(channel, message_id, post)

    async def leave(self, channel: str) -> None:
        """Leave a room (on an admin's request)."""
        await self._sender.leave(channel)
