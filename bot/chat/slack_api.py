"""The Slack adapter's Web API client, and how Slack's errors map onto the chat port's.

One `AsyncWebClient` serves bolt, the Socket Mode handler and the adapter's own calls; it is
pointed at SLACK_API_URL through `base_url` and never retries by itself (retries belong to the
caller's outbox: a blind retry can double a post). A failed call becomes `RateLimited` (HTTP 429,
with Retry-After), `TransientDeliveryError` (server trouble, unreachable, unreadable answer) or
`SlackPermanentError` (any other Slack error code; `SlackContentRefused` when only this message's
content was refused).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.chat.port import (
    ContentRefused,
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    TransientDeliveryError,
)
from bot.chat.slack_config import SlackConfig

TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
# Web API methods the adapter calls, with the bot scope each needs (slack/manifest.yml grants them).
REQUIRED_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "users.info": "users:read",
    "conversations.history": "channels:history",  # groups:history in private channels
    "conversations.replies": "channels:history",
    "files.info": "files:read",  # and downloading url_private of an attached file
    "files.getUploadURLExternal": "files:write",  # a post's picture (files_upload_v2)
    "files.completeUploadExternal": "files:write",
}
_REMEMBERED = 2000  # recent message keys / slash-command contexts kept per adapter


class SlackPermanentError(PermanentDeliveryError):
    """A Slack error that retrying will not fix; `error` is Slack's code (e.g. `not_in_channel`)."""

    def __init__(self, error: str, detail: str) -> None:
        super().__init__(detail)
        self.error = error


class SlackContentRefused(SlackPermanentError, ContentRefused):
    """Slack refused this message's content (`msg_too_long`, `invalid_blocks`...); the channel is fine."""


# Web API errors about one message's content, not about the channel or the app
CONTENT_ERRORS = frozenset({
    "msg_too_long", "invalid_blocks", "invalid_blocks_format", "too_many_attachments", "no_text",
    "invalid_attachments", "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large",
    "markdown_text_conflict", "invalid_arguments",
})


def header(headers: Any, name: str) -> str | None:
    """The value of HTTP header `name` (any case) in a headers mapping, or None."""
    for key, value in dict(headers or {}).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return None


def delivery_error(exc: SlackApiError, what: str) -> DeliveryError:
    """Map a Slack Web API failure to the port's error: wait, retry later, or give up.

    HTTP 429 -> `RateLimited` (Retry-After), server trouble or an unreadable answer ->
    `TransientDeliveryError`, any other Slack error code -> `SlackPermanentError`.
    """
    response = exc.response
    # slack-sdk gives a SlackResponse, or the raw aiohttp response when the body was not JSON
    status = int(getattr(response, "status_code", None) or getattr(response, "status", 0) or 0)
    data = getattr(response, "data", None)
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429:
        raw = header(getattr(response, "headers", None), "Retry-After")
        try:
            retry_after = float(raw) if raw is not None else 1.0
        except ValueError:
            retry_after = 1.0
        return RateLimited(retry_after, f"slack {what}: {error or 'ratelimited'}")
    if not error or error in TRANSIENT_ERRORS or status >= 500:
        return TransientDeliveryError(f"slack {what}: {error or 'unexpected answer'} (HTTP {status})")
    if error in CONTENT_ERRORS:
        return SlackContentRefused(error, f"slack {what}: {error}")
    return SlackPermanentError(error, f"slack {what}: {error}")


def remember(store: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    """Put `key` in a bounded memory of recent things, forgetting the oldest beyond _REMEMBERED."""
    store[key] = value
    while len(store) > _REMEMBERED:
        store.popitem(last=False)


class SlackApi:
    """The shared Web API client, the adapter's logger and config, and the bot's user id.

    `bot_user_id` is "" until the adapter's start has asked `auth.test`.
    """

    def __init__(self, config: SlackConfig, log: logging.Logger) -> None:
        self.config = config
        self.log = log
        self.client = AsyncWebClient(
            token=config.bot_token,
            base_url=config.api_url,
            timeout=config.request_timeout,
            retry_handlers=[],  # retries belong to the caller's outbox: a blind retry can double a post
        )
        self.bot_user_id = ""

    async def call(self, what: str, call: Awaitable[AsyncSlackResponse]) -> AsyncSlackResponse:
        """Await one Web API call (`what` names it for logs and errors); failures become the port's errors."""
        try:
            return await call
        except SlackApiError as exc:
            error = delivery_error(exc, what)
            self.log.warning("slack.api_error method=%s error=%s", what, error)
            raise error from exc
        except (aiohttp.ClientError, OSError, TimeoutError, SlackRequestError) as exc:
            # SlackRequestError: files_upload_v2's upload of the bytes was not answered 200
            self.log.warning("slack.api_unreachable method=%s error=%s", what, type(exc).__name__)
            raise TransientDeliveryError(f"slack {what}: {type(exc).__name__}: {exc}") from exc
