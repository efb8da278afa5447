"""People on the test homeserver: plain matrix-nio clients that create rooms, talk and watch.

These act like an editor's chat client would; they never touch the adapter's internals.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinedMembersResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomGetEventResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

from tests.support.synapse_server import MatrixUser


class Person:
    """One logged-in user with a sync position, so `wait_for_event` sees only new events."""

    def __init__(self, client: AsyncClient, user: MatrixUser) -> None:
        self.client = client
        self.user = user
        self.highlights: dict[str, int] = {}
        self.backlog: list[tuple[str, dict[str, Any]]] = []

    @classmethod
    async def login(cls, homeserver: str, user: MatrixUser) -> Person:
        """Log `user` in and do a first sync."""
        client = AsyncClient(homeserver, user.user_id, config=AsyncClientConfig(max_timeouts=3))
        resp = await client.login(user.password, device_name="test-client")
        assert isinstance(resp, LoginResponse), resp
        person = cls(client, user)
        await person.sync(timeout_ms=0)
        return person

    async def close(self) -> None:
        """Log out of nothing, just close the HTTP session."""
        await self.client.close()

    async def sync(self, timeout_ms: int = 1000) -> list[tuple[str, dict[str, Any]]]:
        """One incremental sync; returns (room_id, event source) for new timeline events."""
        resp = await self.client.sync(timeout=timeout_ms)
        assert isinstance(resp, SyncResponse), resp
        events = []
        for room_id, info in resp.rooms.join.items():
            if (
                info.unread_notifications is not None
                and info.unread_notifications.highlight_count is not None
            ):
                self.highlights[room_id] = info.unread_notifications.highlight_count
            for event in info.timeline.events:
                events.append((room_id, event.source))
        return events

    async def wait_for_event(
        self, room_id: str, match: Callable[[dict[str, Any]], bool], timeout: float = 10.0
    ) -> dict[str, Any]:
        """The first unseen event in `room_id` that satisfies `match` (syncing as needed)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, (event_room, source) in enumerate(self.backlog):
                if event_room == room_id and match(source):
                    del self.backlog[index]
                    return source
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{self.user.localpart} saw no matching event in {room_id} within {timeout}s"
                )
            self.backlog.extend(await self.sync(timeout_ms=500))

    async def create_room(
        self, invite: list[str], encrypted: bool = False, public: bool = False, name: str = "desk"
    ) -> str:
        """Create a private (or public) room, inviting `invite`; optionally encrypted."""
        state = []
        if encrypted:
            state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        preset = RoomPreset.public_chat if public else RoomPreset.private_chat
        resp = await self.client.room_create(name=name, invite=invite, initial_state=state, preset=preset)
        assert isinstance(resp, RoomCreateResponse), resp
        return str(resp.room_id)

    async def say(self, room_id: str, body: str, **extra: Any) -> str:
        """Send an m.text message (extra content keys allowed); returns its event id."""
        content: dict[str, Any] = {"msgtype": "m.text", "body": body, **extra}
        resp = await self.client.room_send(room_id, "m.room.message", content)
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def say_in_thread(self, room_id: str, root: str, body: str) -> str:
        """Send an m.text message in the thread rooted at `root`."""
        relation = {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root},
        }
        return await self.say(room_id, body, **{"m.relates_to": relation})

    async def mention(self, room_id: str, user_id: str, name: str, text: str) -> str:
        """Send a message that mentions `user_id` with a pill, the way Element does."""
        html = f'<a href="https://matrix.to/#/{user_id}">{name}</a>: {text}'
        return await self.say(
            room_id,
            f"{name}: {text}",
            format="org.matrix.custom.html",
            formatted_body=html,
            **{"m.mentions": {"user_ids": [user_id]}},
        )

    async def get_event(self, room_id: str, event_id: str) -> dict[str, Any]:
        """Fetch one event as this person sees it."""
        resp = await self.client.room_get_event(room_id, event_id)
        assert isinstance(resp, RoomGetEventResponse), resp
        return dict(resp.event.source)

    async def members(self, room_id: str) -> set[str]:
        """User ids currently joined to `room_id`."""
        resp = await self.client.joined_members(room_id)
        assert isinstance(resp, JoinedMembersResponse), resp
        return {member.user_id for member in resp.members}

    async def upgrade_room(self, room_id: str, version: str) -> str:
        """Upgrade `room_id` with the server's upgrade API; returns the replacement room id."""
        resp = await self.client.send(
            "POST",
            f"/_matrix/client/v3/rooms/{room_id}/upgrade",
            json.dumps({"new_version": version}),
            {"Authorization": f"Bearer {self.client.access_token}", "Content-Type": "application/json"},
        )
        body = await resp.json()
        assert resp.status == 200, body
        return str(body["replacement_room"])

    async def admin_post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST to a Synapse admin API as this (admin) user."""
        resp = await self.client.send(
            "POST",
            path,
            json.dumps(payload),
            {"Authorization": f"Bearer {self.client.access_token}", "Content-Type": "application/json"},
        )
        body = await resp.json()
        assert resp.status == 200, body
        return dict(body)

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        """Give `user_id` a power level in `room_id`."""
        state = await self.client.room_get_state_event(room_id, "m.room.power_levels")
        content = dict(state.content)  # type: ignore[union-attr]
        content["users"] = {**content.get("users", {}), user_id: level}
        await self.client.room_put_state(room_id, "m.room.power_levels", content)


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 10.0, what: str = "") -> None:
    """Poll `check` every 50 ms until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
