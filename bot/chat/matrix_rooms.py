"""The rooms the Matrix bot is in: invites, room upgrades, encrypted rooms and who is a room admin.

- Invites are accepted from the allowed inviters and servers (anyone when none are configured),
  declined otherwise.
- A room upgrade (`m.room.tombstone`) is followed: the bot joins the new room, and posts to the old
  room go to the new one from then on (the mapping is kept in the saved state).
- In an encrypted room the bot cannot read or post: it says so once (remembered in the saved state).
- A room admin has power level 50 or more, or created a room of a version where creators are
  privileged (v12).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nio import InviteMemberEvent, JoinResponse, RoomGetStateResponse, RoomSendResponse

from bot.chat.matrix_errors import NETWORK_ERRORS, error_detail, transaction_id
from bot.chat.matrix_session import MatrixSession
from bot.chat.render_matrix import notice_content

log = logging.getLogger("bot.chat.matrix")  # the adapter's one logger, whichever module logs

ENCRYPTED_ROOM_NOTICE = (
    "This room is end-to-end encrypted, and this bot cannot read or post in encrypted rooms: "
    "please invite it to an unencrypted room instead."
)
ADMIN_POWER_LEVEL = 50
_PRIVILEGED_CREATOR_VERSIONS = {"12"}


def server_of(user_id: str) -> str:
    """The server name part of a Matrix user id."""
    return user_id.split(":", 1)[1] if ":" in user_id else ""


class MatrixRooms:
    """Joining, leaving for upgrades, the encrypted-room notice and power levels.

    `on_room_replaced(old, new)` is awaited after the bot followed a room upgrade.
    """

    def __init__(
        self,
        session: MatrixSession,
        on_room_replaced: Callable[[str, str], Awaitable[None]] | None = None,
    ) -> None:
        self._session = session
        self._on_room_replaced = on_room_replaced
        self._notifying: set[str] = set()  # rooms whose encrypted-room notice is being sent

    # -- invites -----------------------------------------------------------------------------

    def inviter(self, invite_state: list[Any]) -> str:
        """Who invited the bot, from a room's invite state ("" if it does not say)."""
        # nio's invite events lose `content` from their source dict, so read the parsed fields.
        for event in invite_state:
            if (
                isinstance(event, InviteMemberEvent)
                and event.state_key == self._session.user_id
                and event.membership == "invite"
            ):
                return str(event.sender)
        return ""

    def invite_allowed(self, inviter: str) -> bool:
        """Whether an invite from `inviter` should be accepted (no lists configured: anyone)."""
        cfg = self._session.config
        if not cfg.allowed_inviters and not cfg.allowed_servers:
            return True
        return inviter in cfg.allowed_inviters or server_of(inviter) in cfg.allowed_servers

    async def answer_invite(self, room_id: str, inviter: str) -> None:
        """Join the room if the inviter is allowed (three attempts), else decline the invite."""
        client = self._session.client_or_fail()
        if not self.invite_allowed(inviter):
            log.info("matrix.invite_declined room=%s inviter=%s", room_id, inviter)
            await client.room_leave(room_id)
            return
        for attempt in range(3):
            try:
                resp = await client.join(room_id)
            except NETWORK_ERRORS as exc:
                log.warning("matrix.join_failed room=%s attempt=%d error=%r", room_id, attempt, exc)
            else:
                if isinstance(resp, JoinResponse):
                    log.info("matrix.joined room=%s inviter=%s", room_id, inviter)
                    return
                log.warning("matrix.join_refused room=%s error=%s", room_id, error_detail(resp))
                return
            await asyncio.sleep(0.5 * (attempt + 1))

    # -- upgrades ----------------------------------------------------------------------------

    async def follow_upgrade(self, old_room: str, new_room: str) -> None:
        """Move to the room that replaced `old_room`: posts to `old_room` now go to `new_room`.

        Joining works when the new room lets us in; a private room needs the person who upgraded
        it to invite the bot (Element offers that), and the invite is then accepted as usual.
        """
        state = self._session.state
        if state.replaced_rooms.get(old_room) != new_room:
            state.replaced_rooms[old_room] = new_room
            self._session.save()
            log.info("matrix.room_upgraded old=%s new=%s", old_room, new_room)
            if self._on_room_replaced is not None:
                await self._on_room_replaced(old_room, new_room)
        try:
            resp = await self._session.client_or_fail().join(new_room)
        except NETWORK_ERRORS as exc:
            log.warning("matrix.upgrade_join_failed old=%s new=%s error=%r", old_room, new_room, exc)
            return
        if not isinstance(resp, JoinResponse):
            log.warning(
                "matrix.upgrade_join_waiting_for_invite old=%s new=%s error=%s",
                old_room,
                new_room,
                error_detail(resp),
            )

    def current_room(self, channel: str) -> str:
        """`channel`, or the room that replaced it after upgrades."""
        replaced = self._session.state.replaced_rooms
        seen = {channel}
        while channel in replaced:
            channel = replaced[channel]
            if channel in seen:
                break
            seen.add(channel)
        return channel

    # -- encrypted rooms ---------------------------------------------------------------------

    def claim_encrypted_notice(self, room_id: str) -> bool:
        """Whether the room is encrypted and still needs the notice that the bot cannot work there.

        True also marks the notice as under way, so a later sync batch does not send it again.
        """
        room = self._session.client_or_fail().rooms.get(room_id)
        if (
            room is not None
            and room.encrypted
            and room_id not in self._session.state.encrypted_notified
            and room_id not in self._notifying
        ):
            self._notifying.add(room_id)
            return True
        return False

    async def say_encrypted(self, room_id: str) -> None:
        """Post the encrypted-room notice (once per room: the saved state remembers it)."""
        try:
            resp = await self._session.client_or_fail().room_send(
                room_id,
                "m.room.message",
                notice_content(ENCRYPTED_ROOM_NOTICE),
                tx_id=transaction_id(f"encrypted-notice:{room_id}"),
            )
        finally:
            self._notifying.discard(room_id)
        if isinstance(resp, RoomSendResponse):
            self._session.state.encrypted_notified.append(room_id)
            self._session.save()
            log.info("matrix.encrypted_room_notice room=%s", room_id)
        else:
            log.warning("matrix.encrypted_room_notice_failed room=%s error=%s", room_id, error_detail(resp))

    # -- power levels ------------------------------------------------------------------------

    async def is_admin(self, channel: str, user: str) -> bool:
        """Whether `user` has power level >= 50 in the room (or is a creator of a v12+ room).

        Asks the homeserver each time, so changes apply at once; any failure means False.
        """
        room_id = self.current_room(channel)
        client = self._session.client_or_fail()
        try:
            resp = await client.room_get_state(room_id)
        except NETWORK_ERRORS as exc:
            log.warning("matrix.state_lookup_failed room=%s error=%r", room_id, exc)
            return False
        if not isinstance(resp, RoomGetStateResponse):
            log.warning("matrix.state_lookup_refused room=%s error=%s", room_id, error_detail(resp))
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
