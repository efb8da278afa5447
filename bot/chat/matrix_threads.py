"""The Matrix threads the adapter keeps track of.

Two bounded memories: the latest event of each thread (a reply in a thread names it as
`m.in_reply_to`, for clients without thread support) and the threads the bot started or posted
in (an unaddressed message there is still for the bot). When memory has no answer, the
homeserver is asked whether the bot took part in a thread.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from nio import RoomGetEventResponse

from bot.chat.matrix_errors import NETWORK_ERRORS
from bot.chat.matrix_session import MatrixSession

log = logging.getLogger("bot.chat.matrix")  # the adapter's one logger, whichever module logs

_MAX_TRACKED_THREADS = 2000


class ThreadTracker:
    """What the adapter knows about threads, per (room id, thread root event id)."""

    def __init__(self, session: MatrixSession) -> None:
        self._session = session
        self._thread_last: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._bot_threads: OrderedDict[tuple[str, str], None] = OrderedDict()

    def last_event(self, room_id: str, root: str) -> str | None:
        """The latest event seen in the thread `root`, or None if none was seen."""
        return self._thread_last.get((room_id, root))

    def remember_event(self, room_id: str, root: str, event_id: str) -> None:
        """Note `event_id` as the latest event of the thread `root` (the oldest threads are forgotten)."""
        self._thread_last[(room_id, root)] = event_id
        self._thread_last.move_to_end((room_id, root))
        while len(self._thread_last) > _MAX_TRACKED_THREADS:
            self._thread_last.popitem(last=False)

    def remember_bot_thread(self, room_id: str, root: str) -> None:
        """Note that the bot started or posted in the thread `root`."""
        self._bot_threads[(room_id, root)] = None
        self._bot_threads.move_to_end((room_id, root))
        while len(self._bot_threads) > _MAX_TRACKED_THREADS:
            self._bot_threads.popitem(last=False)

    async def bot_in_thread(self, room_id: str, root: str) -> bool:
        """Whether the bot started or posted in the thread `root` (asks the server if unsure)."""
        if (room_id, root) in self._bot_threads:
            return True
        try:
            resp = await self._session.client_or_fail().room_get_event(room_id, root)
        except NETWORK_ERRORS as exc:
            log.warning("matrix.thread_lookup_failed room=%s root=%s error=%r", room_id, root, exc)
            return False
        if not isinstance(resp, RoomGetEventResponse):
            return False
        src = resp.event.source
        thread = ((src.get("unsigned") or {}).get("m.relations") or {}).get("m.thread") or {}
        if src.get("sender") == self._session.user_id or thread.get("current_user_participated"):
            self.remember_bot_thread(room_id, root)
            return True
        return False
