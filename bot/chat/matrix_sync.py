"""The Matrix adapter's sync loop, and when its sync token is saved.

Each sync batch is turned into work items (incoming messages, invites, room upgrades, notices)
that run as separate tasks, so slow handlers never stall syncing. The batch's `next_batch` token
is saved only once every task of that batch and all earlier batches finished: a crash replays
unhandled messages, a restart never replays handled ones (handled messages of an unsaved batch
are remembered in the state too). A room's events from before the bot joined it are ignored; when
a sync leaves a gap (`limited`), the missing events are fetched first. Failed syncs are retried
with a growing pause; a refused token is replaced by logging in with the password again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable
from typing import Any

from nio import LoginResponse, MessageDirection, RoomMessagesResponse, SyncResponse

from bot.chat.matrix_errors import NETWORK_ERRORS, error_detail
from bot.chat.matrix_events import MatrixEvents
from bot.chat.matrix_rooms import MatrixRooms
from bot.chat.matrix_session import MatrixSession
from bot.chat.matrix_threads import ThreadTracker

log = logging.getLogger("bot.chat.matrix")  # the adapter's one logger, whichever module logs

_RECENT_HANDLED = 500
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


class MatrixSync:
    """The sync loop's task, its batches' tasks and the sync position, and counts of failures."""

    def __init__(
        self, session: MatrixSession, rooms: MatrixRooms, threads: ThreadTracker, events: MatrixEvents
    ) -> None:
        self._session = session
        self._rooms = rooms
        self._threads = threads
        self._events = events
        self._sync_task: asyncio.Task[None] | None = None
        self._sync_token: str | None = None
        self.first_sync = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: deque[tuple[str, set[asyncio.Task[None]]]] = deque()
        self._handled_unsaved = False
        self.failures = 0
        self.reconnects = 0  # syncs that succeeded again after failing
        self._sync_failing = False

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """Whether `launch` ran and `stop` has not yet."""
        return self._sync_task is not None

    @property
    def connected(self) -> bool:
        """Whether the sync loop runs and its last sync succeeded."""
        running = self._sync_task is not None and not self._sync_task.done()
        return running and self.first_sync.is_set() and not self._sync_failing

    def reset(self) -> None:
        """Forget the previous run's first sync and unsaved batches (before logging in again)."""
        self.first_sync = asyncio.Event()
        self._pending.clear()

    def launch(self) -> None:
        """Start syncing in the background from the saved sync position (after login)."""
        self._sync_token = self._session.state.next_batch or None
        self._sync_task = asyncio.create_task(self._sync_loop(), name="matrix-sync")

    async def stop(self, grace: float) -> None:
        """Stop syncing, let running handlers finish (up to `grace` s), then save the position."""
        if self._sync_task is not None:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
            self._sync_task = None
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._advance()

    # -- the loop ----------------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        client = self._session.client_or_fail()
        config = self._session.config
        full_state = self._sync_token is not None
        backoff = 0.0
        while True:
            initial = self._sync_token is None
            try:
                resp = await client.sync(
                    timeout=config.sync_timeout_ms,
                    since=self._sync_token,
                    full_state=full_state or None,
                    sync_filter=sync_filter(1 if initial else config.timeline_limit),
                )
            except NETWORK_ERRORS as exc:
                backoff = await self._sync_failed(repr(exc), backoff)
                continue
            if not isinstance(resp, SyncResponse):
                if resp.status_code == "M_UNKNOWN_TOKEN" and config.password:
                    await self._relogin()
                backoff = await self._sync_failed(error_detail(resp), backoff)
                continue
            if backoff:
                log.info("matrix.sync_recovered after_failures=%d", self.failures)
                self.reconnects += 1
            backoff, self._sync_failing = 0.0, False
            full_state = False
            try:
                self._process(resp, initial, self._sync_token)
            except Exception:  # a bug here must not end syncing for good
                log.exception("matrix.sync_batch_failed batch=%s", resp.next_batch)
                self._pending.append((resp.next_batch, set()))
            self._sync_token = resp.next_batch
            self.first_sync.set()

    async def _sync_failed(self, detail: str, backoff: float) -> float:
        self.failures += 1
        self._sync_failing = True
        backoff = min(self._session.config.max_backoff, backoff * 2 if backoff else 0.25)
        log.warning("matrix.sync_failed error=%s retry_in=%.2f", detail, backoff)
        await asyncio.sleep(backoff)
        return backoff

    async def _relogin(self) -> None:
        client = self._session.client_or_fail()
        config = self._session.config
        try:
            resp = await client.login(password=config.password, device_name=config.device_name)
        except NETWORK_ERRORS:
            return
        if isinstance(resp, LoginResponse):
            self._session.state.device_id, self._session.state.access_token = resp.device_id, resp.access_token
            self.discard_sync_state("the access token was refused while syncing")
            self._session.save()
            log.info("matrix.relogged_in device=%s", resp.device_id)

    def discard_sync_state(self, reason: str) -> None:
        """Forget the saved sync position: it may be from a homeserver database that no longer exists.

        The next sync starts afresh (invites and rooms as they are now; earlier messages are not
        answered, as on a first start).
        """
        state = self._session.state
        log.warning("matrix.sync_state_discarded reason=%r had_batch=%s", reason, bool(state.next_batch))
        state.next_batch = ""
        state.recent_handled.clear()
        self._sync_token = None
        self._pending.clear()

    # -- batches and when their token is saved -----------------------------------------------

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
        if newest and newest != self._session.state.next_batch:
            self._session.state.next_batch = newest
            self._handled_unsaved = True
        if self._handled_unsaved:
            self._handled_unsaved = False
            self._session.save()

    def mark_handled(self, event_id: str) -> None:
        """Remember a handled message so a replay of its (unsaved) batch does not repeat it."""
        recent = self._session.state.recent_handled
        recent.append(event_id)
        del recent[:-_RECENT_HANDLED]
        self._handled_unsaved = True

    # -- from a batch to work ----------------------------------------------------------------

    def _process(self, resp: SyncResponse, initial: bool, since: str | None) -> None:
        """Turn one sync batch into tasks (no awaiting here, so cancelling sync is safe)."""
        batch: set[asyncio.Task[None]] = set()
        for room_id, invite in resp.rooms.invite.items():
            inviter = self._rooms.inviter(invite.invite_state)
            self._spawn(self._rooms.answer_invite(room_id, inviter), batch, f"matrix-invite-{room_id}")
        for room_id, info in resp.rooms.join.items():
            sources = [getattr(event, "source", None) or {} for event in info.timeline.events]
            joined_here = self._own_join_index(sources) is not None
            if info.timeline.limited and since and info.timeline.prev_batch and not joined_here:
                # More happened than one sync carries: fetch the rest before handling this room.
                gap = self._fill_gap(room_id, info.timeline.prev_batch, since, sources, batch)
                self._spawn(gap, batch, f"matrix-gap-{room_id}")
            else:
                self._room_events(room_id, sources, initial, batch)
            if self._rooms.claim_encrypted_notice(room_id):
                self._spawn(self._rooms.say_encrypted(room_id), batch, f"matrix-encrypted-{room_id}")
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
                and src.get("state_key") == self._session.user_id
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
                self._threads.remember_event(room_id, relation["event_id"], src["event_id"])
            if kind == "m.room.tombstone" and content.get("replacement_room"):
                replacement = str(content["replacement_room"])
                self._spawn(self._rooms.follow_upgrade(room_id, replacement), batch, f"matrix-upgrade-{room_id}")
            elif kind == "m.room.message":
                candidate = self._events.candidate(room_id, src)
                if candidate is not None:
                    deliver = self._events.deliver(candidate, self.mark_handled)
                    self._spawn(deliver, batch, f"matrix-message-{src.get('event_id')}")

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
        client = self._session.client_or_fail()
        older: list[dict[str, Any]] = []
        token = prev_batch
        complete = False
        for _ in range(self._session.config.max_gap_pages):
            resp = None
            for attempt in range(3):
                try:
                    resp = await client.room_messages(
                        room_id, start=token, end=since, direction=MessageDirection.back, limit=_GAP_PAGE
                    )
                    break
                except NETWORK_ERRORS as exc:
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
