"""The chat port: what the runtime needs from any chat platform.

An adapter sends one `Post` at a time (its `replies` are sent by the caller as separate posts in
the thread the first one returns), edits a post it sent earlier, and says who may administer a
channel. Incoming messages reach the runtime through the `MessageHandler` given to `start`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.domain import IncomingMessage, Post

MessageHandler = Callable[[IncomingMessage], Awaitable[None]]


class DeliveryError(Exception):
    """A post could not be delivered."""


class RateLimited(DeliveryError):
    """The platform asked us to wait `retry_after` seconds before trying again."""

    def __init__(self, retry_after: float, detail: str = "rate limited") -> None:
        super().__init__(f"{detail}; retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class TransientDeliveryError(DeliveryError):
    """A failure worth retrying later (timeout, server error, connection lost)."""


class PermanentDeliveryError(DeliveryError):
    """A failure that retrying will not fix (channel gone, bot removed, archived)."""


class ContentRefused(PermanentDeliveryError):
    """The platform refused this one post's content (too large, invalid blocks); the channel is fine.

    Retrying the same post will not help, but nothing is wrong with the subscription it came from.
    """


class ChatPort(Protocol):
    """One chat platform, as the runtime sees it."""

    platform: str

    @property
    def connected(self) -> bool:
        """Whether the platform can be reached now (for /healthz)."""

    @property
    def reconnects(self) -> int:
        """Times the connection was lost and got back (for /metrics)."""

    async def start(self, on_message: MessageHandler) -> None:
        """Connect and begin delivering incoming messages to `on_message`."""

    async def stop(self) -> None:
        """Disconnect cleanly."""

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Send one post (not its replies) and return the platform's message id.

        `key` is the outbox's idempotency key: an adapter whose platform can recognise a repeat
        (Matrix transaction ids, a key in Slack message metadata) uses it so that a retry after a
        crash or a timeout never posts twice.
        """

    async def reply(self, to: IncomingMessage, post: Post, private: bool = False) -> str:
        """Answer a person's message in its thread (starting one under it if needed).

        `private` asks for a reply only that person sees (Slack's ephemeral messages); platforms
        without such a thing reply in the thread as usual. Returns the platform's message id.
        """

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Replace the content of a post sent earlier."""

    async def is_admin(self, channel: str, user: str) -> bool:
        """Whether `user` may run admin commands in `channel` (beyond configured admins)."""


@runtime_checkable
class SentLookup(Protocol):
    """A port that can tell whether a post was already delivered under an outbox key.

    For platforms with no idempotent send (Slack): the outbox asks before retrying a row that
    may have reached the platform (an earlier attempt timed out or the bot died mid-send).
    """

    async def find_sent(self, channel: str, thread: str | None, key: str, since: datetime | None = None) -> str | None:
        """The platform's id of the post sent under `key` (in `thread`, written after `since`), or None."""


@runtime_checkable
class RoomLeaver(Protocol):
    """A port whose bot can leave a room by itself when an admin asks (Matrix)."""

    async def leave(self, channel: str) -> None:
        """Leave the room; the bot stops reading and posting there."""
