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
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import logging
import re
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    JoinResponse,
    LoginResponse,
    MessageDirection,
    ProfileGetDisplayNameResponse,
    RoomGetEventResponse,
    RoomGetStateResponse,
    RoomLeaveResponse,
    RoomMessagesResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)

from bot.chat.attachments import MAX_ATTACHMENT_BYTES, decode_text, looks_textual, read_capped, too_big
from bot.chat.matrix_config import MatrixConfig, MatrixConfigError
from bot.chat.matrix_state import MatrixState, MatrixStateStore, foreign_state
from bot.chat.port import (
    ContentRefused,
    DeliveryError,
    MessageHandler,
    PermanentDeliveryError,
    RateLimited,
    TransientDeliveryError,
)
from bot.chat.render_matrix import edit_content, image_content, message_content, notice_content
from bot.domain import Attachment, AttachmentError, Image, IncomingMessage, Post

__all__ = [
    "ENCRYPTED_ROOM_NOTICE",
    "MatrixAdapter",
    "MatrixConfig",
    "MatrixConfigError",
    "MatrixLoginError",
    "delivery_error",
    "strip_reply_fallback",
    "transaction_id",
]

log = logging.getLogger(__name__)

ENCRYPTED_ROOM_NOTICE = (
    "This room is end-to-end encrypted, and this bot cannot read or post in encrypted rooms: "
    "please invite it to an unencrypted room instead."
)
ADMIN_POWER_LEVEL = 50
_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)
_PERMANENT_CODES = {
    "M_FORBIDDEN",
    "M_NOT_FOUND",
    "M_UNKNOWN_TOKEN",
    "M_MISSING_TOKEN",
    "M_BAD_JSON",
    "M_NOT_JSON",
    "M_TOO_LARGE",
    "M_UNKNOWN",
    "M_GUEST_ACCESS_FORBIDDEN",
    "M_INVALID_PARAM",
}
# refusals of one event's content, not of the room: the post fails, the subscription stays
_CONTENT_CODES = {"M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON"}
_PRIVILEGED_CREATOR_VERSIONS = {"12"}
_GAP_PAGE = 100


def sync_filter(timeline_limit: int) -> dict[str, Any]:
    """The sync filter: no presence, typing or account data; at most `timeline_limit` events a room."""
    return {
        "presence": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
        "room": {
            "ephemeral": {"not_types": ["*"]},
            "account_data": {"not_types": ["*"]},
            "timeline": {"limit": timeline_limit},
        },
    }


_MAX_TRACKED_THREADS = 2000
_RECENT_HANDLED = 500
FILE_MEMORY_MS = 10 * 60 * 1000  # how long a person's last uploaded file is attached to their commands
_MAX_REMEMBERED_FILES = 500
_MXC = re.compile(r"^mxc://([A-Za-z0-9.:\[\]-]+)/([A-Za-z0-9_-]+)$")


class MatrixLoginError(Exception):
    """The homeserver refused the configured credentials."""


def server_of(user_id: str) -> str:
    """The server name part of a Matrix user id."""
    return user_id.split(":", 1)[1] if ":" in user_id else ""


def transaction_id(key: str) -> str:
    """The Matrix transaction id for an outbox key: the same key always gives the same id.

    The homeserver answers a repeated PUT /send/.../{txnId} from the same device with the event it
    created the first time (Synapse remembers them for 24 hours, across its restarts), so a retry
    after a crash between "sent" and "marked sent" cannot post twice. Hashed so any key is URL-safe.
    """
    return "newsdesk." + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def strip_reply_fallback(body: str) -> str:
    """Drop the quoted `> ...` lines a rich reply puts in front of the real text."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(">"):
        return body
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    return "\n".join(lines[index:]).strip()


def _error_detail(resp: ErrorResponse) -> str:
    status = resp.transport_response.status if resp.transport_response is not None else "?"
    return f"HTTP {status} {resp.status_code or 'error'}: {resp.message or 'no message'}"


def delivery_error(resp: ErrorResponse, action: str) -> DeliveryError:
    """Classify a homeserver error answer into the port's delivery errors."""
    status = resp.transport_response.status if resp.transport_response is not None else None
    detail = f"{action}: {_error_detail(resp)}"
    if resp.status_code == "M_LIMIT_EXCEEDED" or status == 429:
        retry_ms = resp.retry_after_ms or 1000
        return RateLimited(retry_ms / 1000, detail)
    if status is not None and status >= 500:
        return TransientDeliveryError(detail)
    if resp.status_code in _CONTENT_CODES or status == 413:
        return ContentRefused(detail)
    if resp.status_code in _PERMANENT_CODES or (status is not None and 400 <= status < 500):
        return PermanentDeliveryError(detail)
    return TransientDeliveryError(detail)


def parse_mxc(url: str) -> tuple[str, str] | None:
    """(server name, media id) of an `mxc://` URI, or None when it is not one we can download."""
    match = _MXC.match(url or "")
    return (match.group(1), match.group(2)) if match else None


def file_caption(content: dict[str, Any]) -> str | None:
    """The caption of an m.file / m.image event, or None (spec: `body` is a caption when `filename`
    is present and differs from it)."""
    filename, body = content.get("filename"), content.get("body")
    if isinstance(filename, str) and filename and isinstance(body, str) and body.strip() and body != filename:
        return body
    return None


def file_still_attached(file_ms: int, message_ms: int) -> bool:
    """Whether a file sent at `file_ms` goes with a message sent at `message_ms` (server times, ms):
    at most FILE_MEMORY_MS earlier. Unknown times (0) count as recent."""
    if not file_ms or not message_ms:
        return True
    return 0 <= message_ms - file_ms <= FILE_MEMORY_MS


@dataclass(frozen=True)
class _FileRef:
    """A file someone sent in a room: where it is and what it claims to be."""

    name: str
    mxc: str
    mimetype: str
    size: int | None
    sent_ms: int


@dataclass(frozen=True)
class _Candidate:
    """A message that may be for the bot; `thread_check` defers the thread-participation test."""

    message: IncomingMessage
    thread_check: bool


class MatrixAdapter:
    """`ChatPort` for Matrix.

    `state_store` keeps device, token and sync position between runs. `on_room_replaced(old,
    new)` is awaited after the bot followed a room upgrade (sends to `old` already go to `new`).
    """

    platform = "matrix"

    def __init__(
        self,
        config: MatrixConfig,
        state_store: MatrixStateStore,
        *,
        on_room_replaced: Callable[[str, str], Awaitable[None]] | None = None,
        max_concurrent_handlers: int = 8,
    ) -> None:
        self.config = config
        self._store = state_store
        self._on_room_replaced = on_room_replaced
        self._state = MatrixState()
        self._client: AsyncClient | None = None
        self._on_message: MessageHandler | None = None
        self._sync_task: asyncio.Task[None] | None = None
        self._sync_token: str | None = None
        self._first_sync = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: deque[tuple[str, set[asyncio.Task[None]]]] = deque()
        self._handlers = asyncio.Semaphore(max_concurrent_handlers)
        self._thread_last: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._bot_threads: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._notifying: set[str] = set()
        self._display_name = ""
        self._files: OrderedDict[tuple[str, str], _FileRef] = OrderedDict()  # (room, sender) -> last file
        self._handled_unsaved = False
        self.sync_failures = 0
        self.reconnects = 0  # syncs that succeeded again after failing
        self._sync_failing = False

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        """The bot's Matrix user id."""
        return self.config.user_id

    @property
    def connected(self) -> bool:
        """Whether the sync loop runs and its last sync succeeded."""
        running = self._sync_task is not None and not self._sync_task.done()
        return running and self._first_sync.is_set() and not self._sync_failing

    @property
    def device_id(self) -> str:
        """The device this adapter is logged in as ("" before `start`)."""
        return self._state.device_id

    async def start(self, on_message: MessageHandler) -> None:
        """Log in (reusing the saved device), then sync in the background.

        Returns after the first successful sync, or after `request_timeout` seconds if the
        homeserver does not answer yet (the loop keeps trying). Raises `MatrixLoginError` if the
        credentials are refused and `TransientDeliveryError` if the homeserver is unreachable.
        """
        if self._sync_task is not None:
            raise RuntimeError("MatrixAdapter already started")
        self._on_message = on_message
        self._first_sync = asyncio.Event()
        self._pending.clear()
        await self._login()
        self._display_name = await self._fetch_display_name()
        self._sync_token = self._state.next_batch or None
        self._sync_task = asyncio.create_task(self._sync_loop(), name="matrix-sync")
        try:
            await asyncio.wait_for(self._first_sync.wait(), timeout=self.config.request_timeout)
        except TimeoutError:
            log.warning("matrix.first_sync_slow seconds=%.0f", self.config.request_timeout)

    async def stop(self) -> None:
        """Stop syncing, let running handlers finish (up to `stop_grace` s), save, disconnect."""
        if self._sync_task is not None:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
            self._sync_task = None
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=self.config.stop_grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._advance()
        if self._client is not None:
            await self._client.close()
            self._client = None
        log.info("matrix.stopped saved_batch=%s", bool(self._state.next_batch))

    def _client_or_fail(self) -> AsyncClient:
        if self._client is None:
            raise PermanentDeliveryError("the Matrix adapter is not started")
        return self._client

    async def _login(self) -> None:
        cfg = self.config
        saved = self._store.load()
        foreign = foreign_state(saved, cfg.user_id, cfg.homeserver) if saved is not None else None
        if foreign:
            log.warning("matrix.state_discarded reason=%r saved_user=%s saved_homeserver=%s", foreign,
                        saved.user_id if saved else "", saved.homeserver if saved else "")
        if saved is None or foreign:
            saved = MatrixState(user_id=cfg.user_id)
        saved.user_id, saved.homeserver = cfg.user_id, cfg.homeserver
        self._state = saved
        client = AsyncClient(
            cfg.homeserver,
            cfg.user_id,
            device_id=saved.device_id or None,
            config=AsyncClientConfig(
                max_limit_exceeded=0, max_timeouts=0, request_timeout=cfg.request_timeout
            ),
        )
        self._client = client
        try:
            token = cfg.access_token or saved.access_token
            if token and await self._use_token(client, token):
                pass
            elif cfg.password:
                if token:
                    self._discard_sync_state("the saved access token was refused")
                resp = await client.login(password=cfg.password, device_name=cfg.device_name)
                if not isinstance(resp, LoginResponse):
                    raise MatrixLoginError(f"login refused: {_error_detail(resp)}")
                saved.device_id, saved.access_token = resp.device_id, resp.access_token
            else:
                raise MatrixLoginError("the access token was refused and no password is configured")
        except _NETWORK_ERRORS as exc:
            await client.close()
            self._client = None
            raise TransientDeliveryError(f"cannot reach {cfg.homeserver}: {exc!r}") from exc
        except MatrixLoginError:
            await client.close()
            self._client = None
            raise
        self._save()
        log.info("matrix.logged_in user=%s device=%s", cfg.user_id, saved.device_id)

    async def _use_token(self, client: AsyncClient, token: str) -> bool:
        """Log in with a token; True if the homeserver accepts it for our user."""
        client.restore_login(self.config.user_id, self._state.device_id or "", token)
        who = await client.whoami()
        if not isinstance(who, WhoamiResponse):
            log.warning("matrix.token_refused code=%s", who.status_code)
            client.access_token = ""
            return False
        if who.user_id != self.config.user_id:
            raise MatrixLoginError(f"the access token belongs to {who.user_id}, not {self.config.user_id}")
        self._state.access_token = token
        self._state.device_id = who.device_id or self._state.device_id
        client.device_id = self._state.device_id
        return True

    async def _fetch_display_name(self) -> str:
        try:
            resp = await self._client_or_fail().get_displayname(self.config.user_id)
        except _NETWORK_ERRORS:
            return ""
        if isinstance(resp, ProfileGetDisplayNameResponse) and resp.displayname:
            return str(resp.displayname)
        return ""

    def _save(self) -> None:
        try:
            self._store.save(self._state)
        except OSError as exc:
            log.error("matrix.state_save_failed error=%r", exc)

    # -- sync loop ---------------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        client = self._client_or_fail()
        full_state = self._sync_token is not None
        backoff = 0.0
        while True:
            initial = self._sync_token is None
            try:
                resp = await client.sync(
                    timeout=self.config.sync_timeout_ms,
                    since=self._sync_token,
                    full_state=full_state or None,
                    sync_filter=sync_filter(1 if initial else self.config.timeline_limit),
                )
            except _NETWORK_ERRORS as exc:
                backoff = await self._sync_failed(repr(exc), backoff)
                continue
            if not isinstance(resp, SyncResponse):
                if resp.status_code == "M_UNKNOWN_TOKEN" and self.config.password:
                    await self._relogin()
                backoff = await self._sync_failed(_error_detail(resp), backoff)
                continue
            if backoff:
                log.info("matrix.sync_recovered after_failures=%d", self.sync_failures)
                self.reconnects += 1
            backoff, self._sync_failing = 0.0, False
            full_state = False
            try:
                self._process(resp, initial, self._sync_token)
            except Exception:  # a bug here must not end syncing for good
                log.exception("matrix.sync_batch_failed batch=%s", resp.next_batch)
                self._pending.append((resp.next_batch, set()))
            self._sync_token = resp.next_batch
            self._first_sync.set()

    async def _sync_failed(self, detail: str, backoff: float) -> float:
        self.sync_failures += 1
        self._sync_failing = True
        backoff = min(self.config.max_backoff, backoff * 2 if backoff else 0.25)
        log.warning("matrix.sync_failed error=%s retry_in=%.2f", detail, backoff)
        await asyncio.sleep(backoff)
        return backoff

    async def _relogin(self) -> None:
        client = self._client_or_fail()
        try:
            resp = await client.login(password=self.config.password, device_name=self.config.device_name)
        except _NETWORK_ERRORS:
            return
        if isinstance(resp, LoginResponse):
            self._state.device_id, self._state.access_token = resp.device_id, resp.access_token
            self._discard_sync_state("the access token was refused while syncing")
            self._save()
            log.info("matrix.relogged_in device=%s", resp.device_id)

    def _discard_sync_state(self, reason: str) -> None:
        """Forget the saved sync position: it may be from a homeserver database that no longer exists.

        The next sync starts afresh (invites and rooms as they are now; earlier messages are not
        answered, as on a first start).
        """
        log.warning("matrix.sync_state_discarded reason=%r had_batch=%s", reason, bool(self._state.next_batch))
        self._state.next_batch = ""
        self._state.recent_handled.clear()
        self._sync_token = None
        self._pending.clear()

    def _spawn(self, work: Awaitable[None], batch: set[asyncio.Task[None]], name: str) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        task.set_name(name)
        self._tasks.add(task)
        batch.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("matrix.task_failed task=%s error=%r", task.get_name(), task.exception())
        self._advance()

    def _advance(self) -> None:
        """Save the newest sync token whose batch, and every batch before it, is fully handled."""
        newest = None
        while self._pending:
            token, tasks = self._pending[0]
            if not all(t.done() and not t.cancelled() for t in tasks):
                break
            self._pending.popleft()
            newest = token
        if newest and newest != self._state.next_batch:
            self._state.next_batch = newest
            self._handled_unsaved = True
        if self._handled_unsaved:
            self._handled_unsaved = False
            self._save()

    def _process(self, resp: SyncResponse, initial: bool, since: str | None) -> None:
        """Turn one sync batch into tasks (no awaiting here, so cancelling sync is safe)."""
        batch: set[asyncio.Task[None]] = set()
        for room_id, invite in resp.rooms.invite.items():
            inviter = self._inviter(invite.invite_state)
            self._spawn(self._answer_invite(room_id, inviter), batch, f"matrix-invite-{room_id}")
        for room_id, info in resp.rooms.join.items():
            sources = [getattr(event, "source", None) or {} for event in info.timeline.events]
            joined_here = self._own_join_index(sources) is not None
            if info.timeline.limited and since and info.timeline.prev_batch and not joined_here:
                # More happened than one sync carries: fetch the rest before handling this room.
                gap = self._fill_gap(room_id, info.timeline.prev_batch, since, sources, batch)
                self._spawn(gap, batch, f"matrix-gap-{room_id}")
            else:
                self._room_events(room_id, sources, initial, batch)
            room = self._client_or_fail().rooms.get(room_id)
            if (
                room is not None
                and room.encrypted
                and room_id not in self._state.encrypted_notified
                and room_id not in self._notifying
            ):
                self._notifying.add(room_id)
                self._spawn(self._say_encrypted(room_id), batch, f"matrix-encrypted-{room_id}")
        for room_id in resp.rooms.leave:
            log.info("matrix.left_room room=%s", room_id)
        self._pending.append((resp.next_batch, batch))
        self._advance()

    def _own_join_index(self, sources: list[dict[str, Any]]) -> int | None:
        """Position of the last event where the bot joined this room (not a profile change)."""
        found = None
        for index, src in enumerate(sources):
            content = src.get("content") or {}
            if (
                src.get("type") == "m.room.member"
                and src.get("state_key") == self.user_id
                and content.get("membership") == "join"
                and ((src.get("unsigned") or {}).get("prev_content") or {}).get("membership") != "join"
            ):
                found = index
        return found

    def _room_events(
        self, room_id: str, sources: list[dict[str, Any]], initial: bool, batch: set[asyncio.Task[None]]
    ) -> None:
        """Handle a room's new events in order, skipping everything before the bot's own join."""
        join = self._own_join_index(sources)
        start = len(sources) if initial else (0 if join is None else join + 1)
        for src in sources[start:]:
            kind = src.get("type")
            content = src.get("content") or {}
            relation = content.get("m.relates_to") or {}
            if relation.get("rel_type") == "m.thread" and relation.get("event_id") and src.get("event_id"):
                self._remember_thread_event(room_id, relation["event_id"], src["event_id"])
            if kind == "m.room.tombstone" and content.get("replacement_room"):
                replacement = str(content["replacement_room"])
                self._spawn(self._follow_upgrade(room_id, replacement), batch, f"matrix-upgrade-{room_id}")
            elif kind == "m.room.message":
                candidate = self._candidate(room_id, src)
                if candidate is not None:
                    self._spawn(self._deliver(candidate), batch, f"matrix-message-{src.get('event_id')}")

    async def _fill_gap(
        self,
        room_id: str,
        prev_batch: str,
        since: str,
        timeline: list[dict[str, Any]],
        batch: set[asyncio.Task[None]],
    ) -> None:
        """Page back from `prev_batch` to `since` and handle those events before the timeline's.

        Runs as one of the batch's tasks, and adds its message tasks to the same batch, so the
        sync token is saved only after the gap was handled too.
        """
        client = self._client_or_fail()
        older: list[dict[str, Any]] = []
        token = prev_batch
        complete = False
        for _ in range(self.config.max_gap_pages):
            resp = None
            for attempt in range(3):
                try:
                    resp = await client.room_messages(
                        room_id, start=token, end=since, direction=MessageDirection.back, limit=_GAP_PAGE
                    )
                    break
                except _NETWORK_ERRORS as exc:
                    log.warning("matrix.gap_fetch_failed room=%s attempt=%d error=%r", room_id, attempt, exc)
                    await asyncio.sleep(0.5 * (attempt + 1))
            if not isinstance(resp, RoomMessagesResponse):
                break
            older.extend(getattr(event, "source", None) or {} for event in resp.chunk)
            if not resp.chunk or not resp.end or resp.end == token:
                complete = True
                break
            token = resp.end
        if not complete:
            log.warning("matrix.gap_not_filled room=%s fetched=%d", room_id, len(older))
            older = []  # without the whole gap we cannot tell which events predate our join
        else:
            log.info("matrix.gap_filled room=%s events=%d", room_id, len(older))
        self._room_events(room_id, list(reversed(older)) + timeline, False, batch)

    # -- incoming messages -------------------------------------------------------------------

    def _candidate(self, room_id: str, src: dict[str, Any]) -> _Candidate | None:
        """The message as the runtime should see it, or None if it is not for the bot."""
        sender = str(src.get("sender", ""))
        content = src.get("content") or {}
        msgtype = content.get("msgtype")
        if sender == self.user_id or msgtype not in ("m.text", "m.file"):
            return None
        if src.get("event_id") in self._state.recent_handled:
            return None  # handled before a restart whose batch token was not saved yet
        relation = content.get("m.relates_to") or {}
        if relation.get("rel_type") == "m.replace" or "m.new_content" in content:
            return None
        stamp = src.get("origin_server_ts")
        sent_ms = stamp if isinstance(stamp, int) else 0
        if msgtype == "m.file":
            self._remember_file(room_id, sender, content, sent_ms)
            caption = file_caption(content)
            if caption is None:
                return None  # a file on its own: kept for the sender's next command
            body = caption
        else:
            body = str(content.get("body", ""))
        if "m.in_reply_to" in relation:
            body = strip_reply_fallback(body)
        thread = str(relation["event_id"]) if relation.get("rel_type") == "m.thread" else None
        addressed, text = self._addressing(content, body)
        if not addressed and thread is None:
            return None
        room = self._client_or_fail().rooms.get(room_id)
        if room is not None and room.encrypted:
            return None  # the room got our notice; answers could not be posted there anyway
        message = IncomingMessage(
            platform=self.platform,
            channel=room_id,
            sender=sender,
            text=text,
            message_id=str(src.get("event_id", "")),
            thread=thread,
            addressed=True,
            attachments=self._attached(room_id, sender, sent_ms),
        )
        return _Candidate(message=message, thread_check=not addressed)

    # -- attached files ----------------------------------------------------------------------

    def _remember_file(self, room_id: str, sender: str, content: dict[str, Any], sent_ms: int) -> None:
        """Keep an unencrypted m.file as the sender's last file in this room."""
        url = content.get("url")
        if not isinstance(url, str):
            return  # an encrypted file (`file` instead of `url`): not readable by this bot
        info: dict[str, Any] = content["info"] if isinstance(content.get("info"), dict) else {}
        name = str(content.get("filename") or content.get("body") or "file")
        size = info.get("size") if isinstance(info.get("size"), int) else None
        key = (room_id, sender)
        self._files[key] = _FileRef(name, url, str(info.get("mimetype") or ""), size, sent_ms)
        self._files.move_to_end(key)
        while len(self._files) > _MAX_REMEMBERED_FILES:
            self._files.popitem(last=False)
        log.info("matrix.file_seen room=%s sender=%s name=%s size=%s", room_id, sender, name, size)

    def _attached(self, room_id: str, sender: str, sent_ms: int) -> tuple[Attachment, ...]:
        """The sender's last file in this room, if sent within FILE_MEMORY_MS before `sent_ms`."""
        ref = self._files.get((room_id, sender))
        if ref is None or not file_still_attached(ref.sent_ms, sent_ms):
            return ()
        problem = None
        if not looks_textual(ref.name, ref.mimetype):
            problem = f"The attached file {ref.name} is not a text file ({ref.mimetype or 'unknown type'})."
        elif parse_mxc(ref.mxc) is None:
            problem = f"The attached file {ref.name} has no address I can download it from."
        else:
            problem = too_big(ref.name, ref.size)
        if problem:
            return (Attachment(ref.name, ref.mimetype, ref.size, error=problem),)
        fetch = functools.partial(self._download, ref.mxc, ref.name)
        return (Attachment(ref.name, ref.mimetype, ref.size, fetch=fetch),)

    async def _download(self, mxc: str, name: str) -> str:
        """Fetch a file's text from the homeserver's authenticated media API (1 MB, request_timeout).

        Falls back to the legacy `/_matrix/media/v3/download` only when the server does not know
        the authenticated endpoint (homeservers older than Matrix 1.11).
        """
        parsed = parse_mxc(mxc)
        client = self._client_or_fail()
        if parsed is None:
            raise AttachmentError(f"The attached file {name} has no address I can download it from.")
        server, media_id = (quote(part, safe="") for part in parsed)
        base = self.config.homeserver.rstrip("/")
        paths = [f"/_matrix/client/v1/media/download/{server}/{media_id}",
                 f"/_matrix/media/v3/download/{server}/{media_id}"]
        headers = {"Authorization": f"Bearer {client.access_token}"}
        timeout = aiohttp.ClientTimeout(total=self.config.request_timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                for path in paths:
                    async with session.get(base + path, headers=headers, allow_redirects=False) as resp:
                        legacy_next = resp.status in (404, 405) and path.startswith("/_matrix/client/v1/")
                        if legacy_next and "M_UNRECOGNIZED" in (await resp.text(errors="replace"))[:1000]:
                            continue  # an older homeserver: try the legacy endpoint
                        if resp.status != 200:
                            log.warning("matrix.file_failed name=%s status=%d", name, resp.status)
                            raise AttachmentError(
                                f"The homeserver answered HTTP {resp.status} when I fetched {name}.")
                        data = await read_capped(resp, name, MAX_ATTACHMENT_BYTES)
                        log.info("matrix.file_fetched name=%s bytes=%d api=%s", name, len(data), path.split("/")[2])
                        return decode_text(data, name)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("matrix.file_failed name=%s error=%s", name, type(exc).__name__)
            raise AttachmentError(f"I could not download {name} from the homeserver ({type(exc).__name__}).") from exc
        raise AttachmentError(f"The homeserver does not serve {name} through its media API.")

    def _addressing(self, content: dict[str, Any], body: str) -> tuple[bool, str]:
        """Whether the message addresses the bot, and its text without the address."""
        text = body.strip()
        prefix = self.config.command_prefix
        if prefix and text.lower().startswith(prefix.lower()):
            rest = text[len(prefix) :]
            if not rest or rest[0].isspace() or rest[0] in ":,":
                return True, rest.lstrip(":, \t\n")
        mentions = content.get("m.mentions") or {}
        formatted = unquote(str(content.get("formatted_body", "")))
        mentioned = (
            self.user_id in (mentions.get("user_ids") or [])
            or f"matrix.to/#/{self.user_id}" in formatted
            or self.user_id in text
        )
        names = [self.user_id] + ([self._display_name] if self._display_name else [])
        for name in names:
            match = re.match(rf"\s*{re.escape(name)}\s*[:,]?\s*", text, flags=re.IGNORECASE)
            if match:
                return True, text[match.end() :].strip()
        if mentioned:
            return True, text.replace(self.user_id, "").strip()
        return False, text

    async def _deliver(self, candidate: _Candidate) -> None:
        message = candidate.message
        async with self._handlers:
            if candidate.thread_check and not await self._bot_in_thread(
                message.channel, message.thread or ""
            ):
                return
            handler = self._on_message
            if handler is None:
                return
            log.info("matrix.message room=%s event=%s", message.channel, message.message_id)
            try:
                await handler(message)
            finally:
                if not asyncio.current_task().cancelling():  # type: ignore[union-attr]
                    self._mark_handled(message.message_id)

    def _mark_handled(self, event_id: str) -> None:
        """Remember a handled message so a replay of its (unsaved) batch does not repeat it."""
        recent = self._state.recent_handled
        recent.append(event_id)
        del recent[:-_RECENT_HANDLED]
        self._handled_unsaved = True

    async def _bot_in_thread(self, room_id: str, root: str) -> bool:
        """Whether the bot started or posted in the thread `root` (asks the server if unsure)."""
        if (room_id, root) in self._bot_threads:
            return True
        try:
            resp = await self._client_or_fail().room_get_event(room_id, root)
        except _NETWORK_ERRORS as exc:
            log.warning("matrix.thread_lookup_failed room=%s root=%s error=%r", room_id, root, exc)
            return False
        if not isinstance(resp, RoomGetEventResponse):
            return False
        src = resp.event.source
        thread = ((src.get("unsigned") or {}).get("m.relations") or {}).get("m.thread") or {}
        if src.get("sender") == self.user_id or thread.get("current_user_participated"):
            self._remember_bot_thread(room_id, root)
            return True
        return False

    def _remember_thread_event(self, room_id: str, root: str, event_id: str) -> None:
        self._thread_last[(room_id, root)] = event_id
        self._thread_last.move_to_end((room_id, root))
        while len(self._thread_last) > _MAX_TRACKED_THREADS:
            self._thread_last.popitem(last=False)

    def _remember_bot_thread(self, room_id: str, root: str) -> None:
        self._bot_threads[(room_id, root)] = None
        self._bot_threads.move_to_end((room_id, root))
        while len(self._bot_threads) > _MAX_TRACKED_THREADS:
            self._bot_threads.popitem(last=False)

    # -- invites, upgrades, encryption -------------------------------------------------------

    def _inviter(self, invite_state: list[Any]) -> str:
        # nio's invite events lose `content` from their source dict, so read the parsed fields.
        for event in invite_state:
            if (
                isinstance(event, InviteMemberEvent)
                and event.state_key == self.user_id
                and event.membership == "invite"
            ):
                return str(event.sender)
        return ""

    def invite_allowed(self, inviter: str) -> bool:
        """Whether an invite from `inviter` should be accepted (no lists configured: anyone)."""
        cfg = self.config
        if not cfg.allowed_inviters and not cfg.allowed_servers:
            return True
        return inviter in cfg.allowed_inviters or server_of(inviter) in cfg.allowed_servers

    async def _answer_invite(self, room_id: str, inviter: str) -> None:
        client = self._client_or_fail()
        if not self.invite_allowed(inviter):
            log.info("matrix.invite_declined room=%s inviter=%s", room_id, inviter)
            await client.room_leave(room_id)
            return
        for attempt in range(3):
            try:
                resp = await client.join(room_id)
            except _NETWORK_ERRORS as exc:
                log.warning("matrix.join_failed room=%s attempt=%d error=%r", room_id, attempt, exc)
            else:
                if isinstance(resp, JoinResponse):
                    log.info("matrix.joined room=%s inviter=%s", room_id, inviter)
                    return
                log.warning("matrix.join_refused room=%s error=%s", room_id, _error_detail(resp))
                return
            await asyncio.sleep(0.5 * (attempt + 1))

    async def _follow_upgrade(self, old_room: str, new_room: str) -> None:
        """Move to the room that replaced `old_room`: posts to `old_room` now go to `new_room`.

        Joining works when the new room lets us in; a private room needs the person who upgraded
        it to invite the bot (Element offers that), and the invite is then accepted as usual.
        """
        if self._state.replaced_rooms.get(old_room) != new_room:
            self._state.replaced_rooms[old_room] = new_room
            self._save()
            log.info("matrix.room_upgraded old=%s new=%s", old_room, new_room)
            if self._on_room_replaced is not None:
                await self._on_room_replaced(old_room, new_room)
        try:
            resp = await self._client_or_fail().join(new_room)
        except _NETWORK_ERRORS as exc:
            log.warning("matrix.upgrade_join_failed old=%s new=%s error=%r", old_room, new_room, exc)
            return
        if not isinstance(resp, JoinResponse):
            log.warning(
                "matrix.upgrade_join_waiting_for_invite old=%s new=%s error=%s",
                old_room,
                new_room,
                _error_detail(resp),
            )

    async def _say_encrypted(self, room_id: str) -> None:
        try:
            resp = await self._client_or_fail().room_send(
                room_id,
                "m.room.message",
                notice_content(ENCRYPTED_ROOM_NOTICE),
                tx_id=transaction_id(f"encrypted-notice:{room_id}"),
            )
        finally:
            self._notifying.discard(room_id)
        if isinstance(resp, RoomSendResponse):
            self._state.encrypted_notified.append(room_id)
            self._save()
            log.info("matrix.encrypted_room_notice room=%s", room_id)
        else:
            log.warning("matrix.encrypted_room_notice_failed room=%s error=%s", room_id, _error_detail(resp))

    # -- sending -----------------------------------------------------------------------------

    def current_room(self, channel: str) -> str:
        """`channel`, or the room that replaced it after upgrades."""
        seen = {channel}
        while channel in self._state.replaced_rooms:
            channel = self._state.replaced_rooms[channel]
            if channel in seen:
                break
            seen.add(channel)
        return channel

    def _check_postable(self, room_id: str) -> None:
        room = self._client_or_fail().rooms.get(room_id)
        if room is not None and room.encrypted:
            raise PermanentDeliveryError(f"{room_id} is encrypted; the bot does not post in encrypted rooms")

    async def _room_send(
        self, room_id: str, content: dict[str, Any], action: str, txn_id: str | None = None
    ) -> str:
        client = self._client_or_fail()
        try:
            resp = await client.room_send(room_id, "m.room.message", content, tx_id=txn_id)
        except _NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"{action} in {room_id}: {exc!r}") from exc
        if isinstance(resp, RoomSendResponse):
            return str(resp.event_id)
        raise delivery_error(resp, f"{action} in {room_id}")

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Send `post` (not its replies) as an m.notice, in `thread` if given; returns the event id.

        With `key` (the outbox's idempotency key) the transaction id is derived from it, so sending
        the same key again from this device returns the first event instead of posting twice.
        """
        room_id = self.current_room(channel)
        if room_id != channel:
            thread = None  # the thread lives in the old room
        self._check_postable(room_id)
        last = self._thread_last.get((room_id, thread)) if thread else None
        txn_id = transaction_id(key) if key else None
        event_id = await self._room_send(room_id, await self._content(post, thread, last), "send", txn_id)
        root = thread or event_id
        self._remember_bot_thread(room_id, root)
        if thread:
            self._remember_thread_event(room_id, thread, event_id)
        return event_id

    async def reply(self, to: IncomingMessage, post: Post, private: bool = False) -> str:
        """Answer `to` in its thread (or start a thread under it); Matrix has no private replies."""
        room_id = to.channel
        self._check_postable(room_id)
        root = to.thread or to.message_id
        if not root:
            return await self.send(room_id, post)
        content = await self._content(post, root, to.message_id)
        # the same answer to the same message (a replay after a crash) is the same transaction
        txn_id = transaction_id(f"reply:{room_id}:{to.message_id}:{_digest(content['body'])}")
        event_id = await self._room_send(room_id, content, "reply", txn_id)
        self._remember_bot_thread(room_id, root)
        self._remember_thread_event(room_id, root, event_id)
        return event_id

    async def _content(self, post: Post, thread: str | None, in_reply_to: str | None) -> dict[str, Any]:
        """An event's content for `post`: an m.notice, or an m.image once its picture is uploaded."""
        if post.image is None:
            return message_content(post, thread, in_reply_to)
        return image_content(post.image, await self._upload(post.image), thread, in_reply_to)

    async def _upload(self, image: Image) -> str:
        """Upload a picture to the homeserver's media repository; returns its mxc:// URI."""
        client = self._client_or_fail()
        try:
            resp, _ = await client.upload(io.BytesIO(image.data), content_type=image.mimetype, filename=image.name,
                                          filesize=len(image.data))
        except _NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"upload {image.name}: {exc!r}") from exc
        if isinstance(resp, UploadResponse):
            log.info("matrix.uploaded name=%s bytes=%d uri=%s", image.name, len(image.data), resp.content_uri)
            return str(resp.content_uri)
        raise delivery_error(resp, f"upload {image.name}")

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Replace what `message_id` shows with `post` (an m.replace edit).

        Repeating the same edit (a retry after a crash or a timeout) is one transaction, so the
        room gets one edit event.
        """
        self._check_postable(channel)
        content = edit_content(message_id, post)
        txn_id = transaction_id(f"edit:{channel}:{message_id}:{_digest(content['body'])}")
        await self._room_send(channel, content, "edit", txn_id)

    async def leave(self, channel: str) -> None:
        """Leave a room (on an admin's request)."""
        client = self._client_or_fail()
        try:
            resp = await client.room_leave(channel)
        except _NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"leave {channel}: {exc!r}") from exc
        if not isinstance(resp, RoomLeaveResponse):
            raise delivery_error(resp, f"leave {channel}")
        log.info("matrix.left room=%s", channel)

    async def is_admin(self, channel: str, user: str) -> bool:
        """Whether `user` has power level >= 50 in the room (or is a creator of a v12+ room).

        Asks the homeserver each time, so changes apply at once; any failure means False.
        """
        room_id = self.current_room(channel)
        client = self._client_or_fail()
        try:
            resp = await client.room_get_state(room_id)
        except _NETWORK_ERRORS as exc:
            log.warning("matrix.state_lookup_failed room=%s error=%r", room_id, exc)
            return False
        if not isinstance(resp, RoomGetStateResponse):
            log.warning("matrix.state_lookup_refused room=%s error=%s", room_id, _error_detail(resp))
            return False
        state = {(e.get("type"), e.get("state_key")): e for e in resp.events if isinstance(e, dict)}
        create = state.get(("m.room.create", ""), {})
        create_content = create.get("content") or {}
        if str(create_content.get("room_version", "1")) in _PRIVILEGED_CREATOR_VERSIONS and (
            user == create.get("sender") or user in (create_content.get("additional_creators") or [])
        ):
            return True
        power = (state.get(("m.room.power_levels", ""), {}).get("content")) or {}
        users = power.get("users") or {}
        level = users.get(user, power.get("users_default", 0))
        try:
            return int(level) >= ADMIN_POWER_LEVEL
        except (TypeError, ValueError):
            return False
