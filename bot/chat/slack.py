"""The Slack adapter: a slack-bolt `AsyncApp` behind the chat port.

Incoming: `app_mention` events, replies in threads (`message` events with a `thread_ts`), and the
`/news` slash command become `IncomingMessage`s for the runtime; `member_joined_channel` is logged.
Outgoing: `Post`s are rendered to Block Kit (see `render_slack`) and sent with the Web API; Slack
errors become the port's delivery errors so the runtime can retry or give up.

Socket Mode is the default (SLACK_BOT_TOKEN + SLACK_APP_TOKEN); HTTP Events mode (SLACK_MODE=http
with SLACK_SIGNING_SECRET) serves bolt on an aiohttp endpoint, where bolt checks every signature.
SLACK_API_URL points the SDK at another Web API root (tests use a local emulator); it is passed
as `base_url` to the one `AsyncWebClient` that bolt and the Socket Mode handler share.

Exactly once: chat.postMessage has no idempotency key, so each message sent for an outbox row
carries the row's key in its message `metadata` (`event_type` "newsdesk_post"). When the outbox
retries a row that may already have been posted (a timeout, a crash before it was marked sent),
`find_sent` reads the channel or thread back with `include_all_metadata` and returns the message
already there instead of posting it again; parts of a split post found there are not reposted.
Where the code lives: `slack_config` (SLACK_* settings), `slack_api` (the shared Web API client
and error mapping), `slack_events` (Socket Mode / HTTP and incoming events), `slack_send` (posts,
replies, edits, `find_sent`), `slack_files` (attached files). This module wires them into
`SlackAdapter` and keeps their public names importable from `bot.chat.slack`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.chat.port import MessageHandler, PermanentDeliveryError
from bot.chat.slack_api import (
    CONTENT_ERRORS,
    REQUIRED_SCOPES,
    TRANSIENT_ERRORS,
    SlackApi,
    SlackContentRefused,
    SlackPermanentError,
    delivery_error,
)
from bot.chat.slack_config import DEFAULT_API_URL, SlackConfig, SlackConfigError
from bot.chat.slack_events import COMMAND_ID_PREFIX, PLATFORM, SlackListener, SlackStartError
from bot.chat.slack_files import SLACK_FILE_HOST, SlackFiles, file_url_allowed
from bot.chat.slack_send import (
    ALT_TEXT_LIMIT,
    LOOKUP_MARGIN_SECONDS,
    LOOKUP_PAGE,
    LOOKUP_PAGES,
    METADATA_EVENT_TYPE,
    SlackSender,
)
from bot.domain import Attachment, IncomingMessage, Post

__all__ = [
    "ALT_TEXT_LIMIT",
    "COMMAND_ID_PREFIX",
    "CONTENT_ERRORS",
    "DEFAULT_API_URL",
    "LOOKUP_MARGIN_SECONDS",
    "LOOKUP_PAGE",
    "LOOKUP_PAGES",
    "METADATA_EVENT_TYPE",
    "REQUIRED_SCOPES",
    "SLACK_FILE_HOST",
    "TRANSIENT_ERRORS",
    "SlackAdapter",
    "SlackConfig",
    "SlackConfigError",
    "SlackContentRefused",
    "SlackPermanentError",
    "SlackStartError",
    "delivery_error",
    "file_url_allowed",
]


class SlackAdapter:
    """The chat port for Slack (see module docstring). Create, then `await start(on_message)`."""

    platform = PLATFORM

    def __init__(self, config: SlackConfig, *, logger: logging.Logger | None = None) -> None:
        self.config = config
        self._api = SlackApi(config, logger or logging.getLogger("bot.chat.slack"))
        self.log = self._api.log
        self.client = self._api.client
        self._files = SlackFiles(self._api)
        self._listener = SlackListener(self._api, self._files)
        self._sender = SlackSender(self._api, self._listener.response_url)

    @property
    def bot_user_id(self) -> str:
        """The bot's Slack user id ("" before `start`)."""
        return self._api.bot_user_id

    @property
    def http_url(self) -> str | None:
        """Where HTTP mode listens for Slack's requests (None in Socket Mode or before `start`)."""
        return self._listener.http_url

    @property
    def reconnects(self) -> int:
        """Socket Mode connections opened after the first (the SDK reconnects by itself)."""
        return self._listener.reconnects

    @property
    def connected(self) -> bool:
        """Socket Mode: the websocket is open; HTTP mode: the listener runs."""
        return self._listener.connected

    # ----------------------------------------------------------------------------- lifecycle

    async def start(self, on_message: MessageHandler) -> None:
        """Check the credentials, then connect (Socket Mode) or listen (HTTP) for events."""
        await self._listener.start(on_message)

    async def stop(self) -> None:
        """Close the Socket Mode connection or the HTTP listener; safe to call twice."""
        await self._listener.stop()

    def _attachment(self, info: dict[str, Any]) -> Attachment:
        """An attached Slack file as an event carries it (see `SlackFiles.attachment`)."""
        return self._files.attachment(info)

    # ----------------------------------------------------------------------------- outgoing

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Send `post` to `channel` (in `thread` if given) and return the first message's ts.

        A post too big for one Slack message goes out as several, in one thread; a retry of a
        partly sent post posts only the missing parts (see `SlackSender.send`).
        """
        return await self._sender.send(channel, post, thread, key)

    async def find_sent(self, channel: str, thread: str | None, key: str, since: datetime | None = None) -> str | None:
        """The ts of a post already in Slack under outbox `key`, or None when it must be sent.

        Called by the outbox before retrying a row that may have been posted (see
        `SlackSender.find_sent`).
        """
        return await self._sender.find_sent(channel, thread, key, since)

    async def reply(self, to: IncomingMessage, post: Post, private: bool = False) -> str:
        """Answer `to` in its thread; `private` sends an ephemeral message only its sender sees.

        Returns the first message's ts (for an ephemeral one, Slack's `message_ts`).
        """
        return await self._sender.reply(to, post, private)

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Replace the message `message_id` with `post`, which must fit in one Slack message."""
        await self._sender.edit(channel, message_id, post)

    async def is_admin(self, channel: str, user: str) -> bool:
        """Whether Slack calls `user` a workspace admin or owner (configured admins are the router's)."""
        try:
            response = await self._api.call("users.info", self.client.users_info(user=user))
        except PermanentDeliveryError:
            return False  # unknown or deleted user: not an admin
        info = response.get("user") or {}
        return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
