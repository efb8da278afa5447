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
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.chat.attachments import MAX_ATTACHMENT_BYTES, decode_text, looks_textual, read_capped, too_big
from bot.chat.port import (
    ContentRefused,
    DeliveryError,
    MessageHandler,
    PermanentDeliveryError,
    RateLimited,
    TransientDeliveryError,
)
from bot.chat.render_slack import SlackMessage, plain_from_slack, render_post
from bot.domain import Attachment, AttachmentError, Image, IncomingMessage, Post

DEFAULT_API_URL = "https://slack.com/api/"
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
ALT_TEXT_LIMIT = 1000  # characters of alt_txt Slack accepts (alt_txt_too_large beyond)
SLACK_FILE_HOST = "files.slack.com"
_REDIRECTS = 3  # redirects followed when downloading a file (each must stay on an allowed host)
METADATA_EVENT_TYPE = "newsdesk_post"  # message metadata naming the outbox key of a post
LOOKUP_PAGE = 200  # messages per conversations.history / replies page when looking for a key
LOOKUP_PAGES = 10  # pages read at most (the search starts shortly before the row was written)
LOOKUP_MARGIN_SECONDS = 300  # clock difference allowed between us and Slack
COMMAND_ID_PREFIX = "command:"  # IncomingMessage.message_id of a slash command: "command:<trigger_id>"
_NOT_THERE = frozenset({"not_in_channel", "channel_not_found"})
_HANDLED_SUBTYPES = (None, "thread_broadcast", "file_share")
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


class SlackConfigError(ValueError):
    """The Slack settings cannot work (missing token or secret, conflicting variables)."""


class SlackStartError(RuntimeError):
    """Slack could not be reached or refused the credentials at start-up."""


@dataclass(frozen=True)
class SlackConfig:
    """Everything the Slack adapter needs; build it with `from_env`.

    `mode` is "socket" (needs `app_token`) or "http" (needs `signing_secret`; bolt listens on
    `http_host`:`http_port` at `http_path`; port 0 picks a free one).
    """

    bot_token: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    mode: str = "socket"
    api_url: str = DEFAULT_API_URL
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    http_path: str = "/slack/events"
    command: str = "/news"
    connect_timeout: float = 30.0
    request_timeout: int = 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SlackConfig | None:
        """Read SLACK_* variables; None when SLACK_BOT_TOKEN is unset (Slack not configured).

        Variables: SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, SLACK_MODE
        (socket|http; default socket when an app token is given, else http), SLACK_API_URL,
        SLACK_HTTP_HOST, SLACK_HTTP_PORT, SLACK_HTTP_PATH, SLACK_COMMAND. Raises
        `SlackConfigError` for settings that could never work, so the mistake shows at start-up.
        """
        token = environ.get("SLACK_BOT_TOKEN", "").strip()
        if not token:
            return None
        app_token = environ.get("SLACK_APP_TOKEN", "").strip()
        secret = environ.get("SLACK_SIGNING_SECRET", "").strip()
        mode = environ.get("SLACK_MODE", "").strip().lower() or ("socket" if app_token or not secret else "http")
        try:
            port = int(environ.get("SLACK_HTTP_PORT", "3000"))
        except ValueError:
            raise SlackConfigError("SLACK_HTTP_PORT must be a number") from None
        api_url = environ.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        config = cls(
            bot_token=token,
            app_token=app_token,
            signing_secret=secret,
            mode=mode,
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            http_host=environ.get("SLACK_HTTP_HOST", "").strip() or "127.0.0.1",
            http_port=port,
            http_path=environ.get("SLACK_HTTP_PATH", "").strip() or "/slack/events",
            command=environ.get("SLACK_COMMAND", "").strip() or "/news",
        )
        config.validate(environ)
        return config

    def validate(self, environ: Mapping[str, str] | None = None) -> None:
        """Raise `SlackConfigError` if these settings cannot work (checked again at start)."""
        if not self.bot_token.startswith("xoxb-"):
            raise SlackConfigError("SLACK_BOT_TOKEN must be a bot token (xoxb-...)")
        if self.mode == "socket":
            if not self.app_token.startswith("xapp-"):
                raise SlackConfigError("Socket Mode needs SLACK_APP_TOKEN (an app-level xapp- token)")
        elif self.mode == "http":
            if not self.signing_secret:
                raise SlackConfigError("HTTP mode needs SLACK_SIGNING_SECRET (bolt cannot verify requests)")
        else:
            raise SlackConfigError(f"SLACK_MODE must be socket or http, not {self.mode!r}")
        if not self.command.startswith("/"):
            raise SlackConfigError("SLACK_COMMAND must start with /")
        env = os.environ if environ is None else environ
        if env.get("SLACK_CLIENT_ID") and env.get("SLACK_CLIENT_SECRET"):
            raise SlackConfigError(
                "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are set: slack-bolt would switch to OAuth; unset them"
            )


def _header(headers: Any, name: str) -> str | None:
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
        raw = _header(getattr(response, "headers", None), "Retry-After")
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


def file_url_allowed(url: str, api_url: str) -> bool:
    """Whether the bot token may be sent to `url` to download a file.

    Only to Slack's file host (https://files.slack.com) or the configured Web API host (the same
    scheme, host and port as SLACK_API_URL: a local emulator in tests). Never anywhere else, so a
    crafted `url_private` cannot make the bot hand its token to an arbitrary server.
    """
    target, api = urlsplit(url), urlsplit(api_url)
    if target.scheme == "https" and target.hostname == SLACK_FILE_HOST and target.port in (None, 443):
        return True
    return bool(target.netloc) and (target.scheme, target.netloc.lower()) == (api.scheme, api.netloc.lower())


def _unreadable(name: str, mimetype: str, size: int | None) -> str | None:
    """Why an attached file will not be read (not text, too big), or None when it may be."""
    if not looks_textual(name, mimetype):
        return f"The attached file {name} is not a text file ({mimetype or 'unknown type'})."
    return too_big(name, size)


def _metadata(key: str, part: int, parts: int) -> dict[str, Any]:
    """Message metadata naming the outbox key (and which part of how many) of a posted message."""
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": key, "part": part, "parts": parts}}


def _fingerprint(messages: list[SlackMessage]) -> str:
    """A stable digest of rendered messages, to recognise a retry of the same post."""
    blob = json.dumps([[m.text, m.blocks] for m in messages], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class SlackAdapter:
    """The chat port for Slack (see module docstring). Create, then `await start(on_message)`."""

    platform = "slack"

    def __init__(self, config: SlackConfig, *, logger: logging.Logger | None = None) -> None:
        self.config = config
        self.log = logger or logging.getLogger("bot.chat.slack")
        self.client = AsyncWebClient(
            token=config.bot_token,
            base_url=config.api_url,
            timeout=config.request_timeout,
            retry_handlers=[],  # retries belong to the caller's outbox: a blind retry can double a post
        )
        self.bot_user_id = ""
        self.http_url: str | None = None
        self._on_message: MessageHandler | None = None
        self._app: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._commands: OrderedDict[str, str] = OrderedDict()  # trigger_id -> response_url
        self._partial: OrderedDict[tuple[str, str, str], list[str]] = OrderedDict()  # parts already posted
        self._hellos = 0  # Socket Mode greets each new connection with "hello": more than one is a reconnect

    @property
    def reconnects(self) -> int:
        """Socket Mode connections opened after the first (the SDK reconnects by itself)."""
        return max(0, self._hellos - 1)

    @property
    def connected(self) -> bool:
        """Socket Mode: the websocket is open; HTTP mode: the listener runs."""
        if self._socket is not None:
            client = self._socket.client
            return not client.closed and client.current_session is not None and not client.current_session.closed
        return self._runner is not None

    # ----------------------------------------------------------------------------- lifecycle

    async def start(self, on_message: MessageHandler) -> None:
        """Check the credentials, then connect (Socket Mode) or listen (HTTP) for events."""
        self.config.validate()
        self._on_message = on_message
        try:
            auth = await self.client.auth_test()
        except SlackApiError as exc:
            raise SlackStartError(f"slack auth.test refused the bot token: {exc.response.get('error')}") from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SlackStartError(f"slack API unreachable at {self.config.api_url}: {exc}") from exc
        self.bot_user_id = str(auth.get("user_id", ""))
        app = AsyncApp(
            client=self.client,
            signing_secret=self.config.signing_secret,
            request_verification_enabled=self.config.mode == "http",
            logger=logging.getLogger("bot.chat.slack.bolt"),
        )
        app.event("app_mention")(self._mention_event)
        app.event("message")(self._message_event)
        app.event("member_joined_channel")(self._member_joined_event)
        app.command(self.config.command)(self._command)
        self._app = app
        if self.config.mode == "socket":
            await self._start_socket(app)
        else:
            await self._start_http(app)
        self.log.info(
            "slack.started mode=%s bot_user=%s team=%s",
            self.config.mode,
            self.bot_user_id,
            auth.get("team_id"),
        )

    async def _start_socket(self, app: AsyncApp) -> None:
        handler = AsyncSocketModeHandler(
            app,
            self.config.app_token,
            web_client=self.client,
            logger=logging.getLogger("bot.chat.slack.socket"),
        )
        handler.client.message_listeners.append(self._socket_message)
        try:
            await asyncio.wait_for(handler.connect_async(), self.config.connect_timeout)
        except TimeoutError:
            await handler.close_async()
            raise SlackStartError(
                f"no Socket Mode connection within {self.config.connect_timeout}s (check SLACK_APP_TOKEN)"
            ) from None
        self._socket = handler

    async def _start_http(self, app: AsyncApp) -> None:
        async def dispatch(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

        web_app = web.Application()
        web_app.router.add_post(self.config.http_path, dispatch)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.config.http_host, self.config.http_port)
        await site.start()
        self._runner = runner
        port = runner.addresses[0][1] if runner.addresses else self.config.http_port
        self.http_url = f"http://{self.config.http_host}:{port}{self.config.http_path}"

    async def _socket_message(self, client: Any, message: dict[str, Any], raw: str | None) -> None:
        if message.get("type") == "hello":
            self._hellos += 1
            if self._hellos > 1:
                self.log.info("slack.reconnected connections=%d", self._hellos)

    async def stop(self) -> None:
        """Close the Socket Mode connection or the HTTP listener; safe to call twice."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.log.info("slack.stopped")

    # ----------------------------------------------------------------------------- incoming

    async def _mention_event(self, event: dict[str, Any]) -> None:
        await self._deliver(event, addressed=True)

    async def _message_event(self, event: dict[str, Any]) -> None:
        if event.get("subtype") not in _HANDLED_SUBTYPES or event.get("bot_id"):
            return  # edits, deletions, joins and bot posts are not someone talking to us
        user = event.get("user")
        thread = event.get("thread_ts")
        if not user or user == self.bot_user_id or not thread or thread == event.get("ts"):
            return  # only replies in threads; top-level chatter reaches us as app_mention when meant
        if f"<@{self.bot_user_id}" in str(event.get("text", "")):
            return  # Slack also sent an app_mention for this message: that one is delivered
        await self._deliver(event, addressed=False)

    async def _member_joined_event(self, event: dict[str, Any]) -> None:
        who = "bot" if event.get("user") == self.bot_user_id else "member"
        self.log.info(
            "slack.member_joined channel=%s user=%s who=%s inviter=%s",
            event.get("channel"),
            event.get("user"),
            who,
            event.get("inviter", ""),
        )

    async def _command(self, ack: Any, command: dict[str, Any]) -> None:
        await ack()
        trigger = COMMAND_ID_PREFIX + str(command.get("trigger_id") or "")
        if command.get("response_url"):
            self._remember(self._commands, trigger, str(command["response_url"]))
        message = IncomingMessage(
            platform=self.platform,
            channel=str(command.get("channel_id", "")),
            sender=str(command.get("user_id", "")),
            text=plain_from_slack(str(command.get("text", "")), self.bot_user_id),
            message_id=trigger,
            thread=None,
            addressed=True,
        )
        self.log.info(
            "slack.command channel=%s user=%s command=%s",
            message.channel,
            message.sender,
            command.get("command"),
        )
        await self._hand_over(message)

    async def _deliver(self, event: dict[str, Any], *, addressed: bool) -> None:
        channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
        if (channel, ts) in self._seen:
            return  # a redelivery (Slack retries unacked envelopes)
        self._remember(self._seen, (channel, ts), None)
        message = IncomingMessage(
            platform=self.platform,
            channel=channel,
            sender=str(event.get("user", "")),
            text=plain_from_slack(str(event.get("text", "")), self.bot_user_id),
            message_id=ts,
            thread=event.get("thread_ts"),
            addressed=addressed,
            attachments=tuple(self._attachment(f) for f in event.get("files") or [] if isinstance(f, dict)),
        )
        self.log.info(
            "slack.message channel=%s ts=%s thread=%s user=%s addressed=%s files=%d",
            channel,
            ts,
            message.thread,
            message.sender,
            addressed,
            len(message.attachments),
        )
        await self._hand_over(message)

    # ----------------------------------------------------------------------------- attached files

    def _attachment(self, info: dict[str, Any]) -> Attachment:
        """An attached Slack file, downloaded only when a command reads it (`Attachment.read`).

        Text-like files (text/*, XML, OPML, or .opml/.xml/.txt names) of at most 1 MB get a
        fetcher; anything else carries the sentence explaining why it cannot be read. A file the
        event describes only by id (`file_access: check_file_info`) is looked up with files.info
        when read, and checked then.
        """
        file_id = str(info.get("id") or "")
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        name = str(info.get("name") or info.get("title") or file_id or "file")
        mimetype = str(info.get("mimetype") or "")
        size = info.get("size") if isinstance(info.get("size"), int) else None
        if not url:
            if not file_id:
                return Attachment(name, mimetype, size, error=f"Slack gave no download link for {name}.")
            return Attachment(name, mimetype, size, fetch=functools.partial(self._fetch_by_id, file_id))
        problem = _unreadable(name, mimetype, size)
        if problem:
            return Attachment(name, mimetype, size, error=problem)
        return Attachment(name, mimetype, size, fetch=functools.partial(self._download, url, name))

    async def _fetch_by_id(self, file_id: str) -> str:
        """Ask files.info where a file is (and what it is), then download it."""
        try:
            response = await self._call("files.info", self.client.files_info(file=file_id))
        except DeliveryError as exc:
            raise AttachmentError(f"Slack would not tell me where the attached file is ({exc}).") from exc
        info = response.get("file") or {}
        name = str(info.get("name") or file_id)
        size = info.get("size") if isinstance(info.get("size"), int) else None
        problem = _unreadable(name, str(info.get("mimetype") or ""), size)
        if problem:
            raise AttachmentError(problem)
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        if not url:
            raise AttachmentError(f"Slack gave no download link for {name}.")
        return await self._download(url, name)

    async def _download(self, url: str, name: str) -> str:
        """GET `url` with the bot token (allowed hosts only, 1 MB, request_timeout) and decode it."""
        headers = {"Authorization": f"Bearer {self.config.bot_token}"}
        timeout = aiohttp.ClientTimeout(total=self.config.request_timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                for _ in range(_REDIRECTS + 1):
                    if not file_url_allowed(url, self.config.api_url):
                        self.log.warning("slack.file_refused name=%s host=%s", name, urlsplit(url).hostname)
                        raise AttachmentError(f"The attached file {name} is not on Slack's file host; "
                                              "I did not fetch it.")
                    async with session.get(url, headers=headers, allow_redirects=False) as resp:
                        if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                            url = urljoin(url, resp.headers["Location"])
                            continue
                        if resp.status != 200:
                            self.log.warning("slack.file_failed name=%s status=%d", name, resp.status)
                            raise AttachmentError(f"Slack answered HTTP {resp.status} when I fetched {name}.")
                        if resp.content_type == "text/html" and not name.lower().endswith((".html", ".htm")):
                            # Slack answers a request it will not authorise with its sign-in page
                            self.log.warning("slack.file_failed name=%s status=login_page", name)
                            raise AttachmentError(f"Slack did not hand over {name} (does the app have files:read?).")
                        data = await read_capped(resp, name, MAX_ATTACHMENT_BYTES)
                        self.log.info("slack.file_fetched name=%s bytes=%d", name, len(data))
                        return decode_text(data, name)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.log.warning("slack.file_failed name=%s error=%s", name, type(exc).__name__)
            raise AttachmentError(f"I could not download {name} from Slack ({type(exc).__name__}).") from exc
        raise AttachmentError(f"Slack redirected {name} too many times; I gave up.")

    async def _hand_over(self, message: IncomingMessage) -> None:
        if self._on_message is None:
            return
        try:
            await self._on_message(message)
        except Exception:
            self.log.exception("slack.handler_failed channel=%s message=%s", message.channel, message.message_id)

    @staticmethod
    def _remember(store: OrderedDict[Any, Any], key: Any, value: Any) -> None:
        store[key] = value
        while len(store) > _REMEMBERED:
            store.popitem(last=False)

    # ----------------------------------------------------------------------------- outgoing

    async def _call(self, what: str, call: Awaitable[AsyncSlackResponse]) -> AsyncSlackResponse:
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

    async def _post(
        self, channel: str, message: SlackMessage, thread: str | None, metadata: dict[str, Any] | None = None
    ) -> str:
        response = await self._call(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                thread_ts=thread,
                unfurl_links=False,
                unfurl_media=False,
                metadata=metadata,
            ),
        )
        return str(response["ts"])

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Send `post` to `channel` (in `thread` if given) and return the first message's ts.

        A post too big for one Slack message goes out as several; the continuations follow in
        the same thread (under the first message when `thread` is None). If a part fails, the
        error is raised and the parts already posted are remembered: sending the same post to
        the same place again (the caller's retry) resumes with the missing parts, so nothing is
        posted twice. With the outbox `key`, every part carries it in its message metadata
        (see `find_sent`).
        """
        if post.image is not None:
            return await self._upload(channel, post, post.image, thread)
        messages = render_post(post)
        partial_key = (channel, thread or "", key or _fingerprint(messages))
        sent = self._partial.pop(partial_key, [])
        try:
            for message in messages[len(sent) :]:
                metadata = _metadata(key, len(sent), len(messages)) if key else None
                sent.append(await self._post(channel, message, thread if not sent else thread or sent[0], metadata))
        except DeliveryError:
            if sent:
                self._remember(self._partial, partial_key, sent)
                self.log.warning("slack.partial_send channel=%s parts_sent=%d of=%d", channel, len(sent), len(messages))
            raise
        self.log.info("slack.sent channel=%s ts=%s thread=%s parts=%d", channel, sent[0], thread, len(messages))
        return sent[0]

    async def _upload(self, channel: str, post: Post, image: Image, thread: str | None) -> str:
        """A post with a picture: the file uploaded the files.uploadV2 way (files.getUploadURLExternal,
        the bytes to the URL it gives, files.completeUploadExternal with `channel_id` and `thread_ts`),
        its heading as the message's comment and its words as alt text. Returns the file's id.

        Slack keeps no idempotency key with an upload, so a retry after a timeout may share the
        picture twice (text posts are checked with `find_sent`; pictures are rare and small).
        """
        alt = image.alt if len(image.alt) <= ALT_TEXT_LIMIT else image.alt[:ALT_TEXT_LIMIT - 1] + "…"
        comment = render_post(Post(post.heading))[0].text
        response = await self._call("files.uploadV2", self.client.files_upload_v2(
            content=image.data, filename=image.name, title=post.heading[:250] or image.name, alt_txt=alt,
            channel=channel, thread_ts=thread, initial_comment=comment))
        file = response.get("file") or {}
        file_id = str(file.get("id", ""))
        self.log.info("slack.uploaded channel=%s file=%s thread=%s bytes=%d", channel, file_id, thread, len(image.data))
        return file_id

    async def find_sent(self, channel: str, thread: str | None, key: str, since: datetime | None = None) -> str | None:
        """The ts of a post already in Slack under outbox `key`, or None when it must be sent.

        Called by the outbox before retrying a row that may have been posted. Reads `thread`
        (or the channel's messages since shortly before `since`) with `include_all_metadata`
        and looks for the key. When only the first parts of a split post are there, None is
        returned and the next `send` with this key posts just the missing parts.
        """
        oldest = f"{since.timestamp() - LOOKUP_MARGIN_SECONDS:.6f}" if since is not None else None
        try:
            if thread:
                parts = await self._keyed(channel, key, "conversations.replies", ts=thread, oldest=oldest)
            else:
                parts = await self._keyed(channel, key, "conversations.history", oldest=oldest, first_only=True)
                if 0 in parts and parts[0][1] > 1:
                    parts.update(await self._keyed(channel, key, "conversations.replies", ts=parts[0][0]))
        except PermanentDeliveryError as exc:  # e.g. missing_scope: cannot check, so send (at least once)
            self.log.warning("slack.lookup_failed channel=%s thread=%s error=%s", channel, thread, exc)
            return None
        if 0 not in parts:
            self.log.info("slack.lookup channel=%s thread=%s found=none", channel, thread)
            return None
        total = parts[0][1]
        found: list[str] = []
        while len(found) in parts:
            found.append(parts[len(found)][0])
        if len(found) >= total:
            self.log.info("slack.lookup channel=%s thread=%s found=%s parts=%d", channel, thread, found[0], total)
            return found[0]
        self._remember(self._partial, (channel, thread or "", key), found)
        self.log.info("slack.lookup channel=%s thread=%s found=%s parts=%d of=%d", channel, thread, found[0],
                      len(found), total)
        return None

    async def _keyed(
        self, channel: str, key: str, method: str, *, ts: str | None = None, oldest: str | None = None,
        first_only: bool = False,
    ) -> dict[int, tuple[str, int]]:
        """Messages of ours carrying `key` in their metadata: part number -> (ts, parts in all)."""
        found: dict[int, tuple[str, int]] = {}
        cursor: str | None = None
        for _ in range(LOOKUP_PAGES):
            args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": LOOKUP_PAGE}
            if oldest is not None:
                args["oldest"] = oldest
            if cursor:
                args["cursor"] = cursor
            if ts is not None:
                response = await self._call(method, self.client.conversations_replies(ts=ts, **args))
            else:
                response = await self._call(method, self.client.conversations_history(**args))
            for message in response.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") != METADATA_EVENT_TYPE or payload.get("key") != key:
                    continue
                if message.get("bot_id") is None and message.get("user") != self.bot_user_id:
                    continue  # only a post of ours counts
                try:
                    found[int(payload.get("part", 0))] = (str(message["ts"]), int(payload.get("parts", 1)))
                except (TypeError, ValueError):
                    continue
                if first_only and 0 in found:
                    return found
            cursor = ((response.get("response_metadata") or {}).get("next_cursor") or "") or None
            if not response.get("has_more") or not cursor:
                break
        return found

    async def reply(self, to: IncomingMessage, post: Post, private: bool = False) -> str:
        """Answer `to` in its thread; `private` sends an ephemeral message only its sender sees.

        Returns the first message's ts (for an ephemeral one, Slack's `message_ts`).
        """
        if to.message_id.startswith(COMMAND_ID_PREFIX):
            return await self._reply_to_command(to, post, private)
        thread = to.thread or to.message_id or None
        if not private:
            return await self.send(to.channel, post, thread)
        return await self._ephemeral(to.channel, to.sender, post, thread)

    async def _reply_to_command(self, to: IncomingMessage, post: Post, private: bool) -> str:
        """A slash command has no message to thread under: answer in its channel or privately.

        A private answer goes through the command's response_url (it works even where the bot is
        not a member); a public one is posted in the channel, or, when the bot is not in that
        channel, sent back through the response_url as `in_channel`. The response_url gives no
        ts: "" is returned then.
        """
        url = self._commands.get(to.message_id)
        if private:
            if url is not None:
                try:
                    return await self._respond(url, post, "ephemeral")
                except PermanentDeliveryError as exc:  # expired or used up: fall back to the Web API
                    self.log.warning("slack.response_url_failed error=%s", exc)
            return await self._ephemeral(to.channel, to.sender, post, to.thread)
        try:
            return await self.send(to.channel, post, to.thread)
        except SlackPermanentError as exc:
            if url is None or exc.error not in _NOT_THERE:
                raise
            return await self._respond(url, post, "in_channel")

    async def _ephemeral(self, channel: str, user: str, post: Post, thread: str | None) -> str:
        first = ""
        for message in render_post(post):
            response = await self._call(
                "chat.postEphemeral",
                self.client.chat_postEphemeral(
                    channel=channel, user=user, text=message.text, blocks=message.blocks, thread_ts=thread
                ),
            )
            first = first or str(response.get("message_ts", ""))
        return first

    async def _respond(self, url: str, post: Post, response_type: str) -> str:
        webhook = AsyncWebhookClient(url, timeout=self.config.request_timeout)
        for message in render_post(post):
            try:
                result = await webhook.send(
                    text=message.text,
                    blocks=message.blocks,
                    response_type=response_type,
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                raise TransientDeliveryError(f"slack response_url: {type(exc).__name__}: {exc}") from exc
            if result.status_code == 429:
                raw = _header(result.headers, "Retry-After")
                raise RateLimited(float(raw) if raw and raw.isdigit() else 1.0, "slack response_url")
            if result.status_code >= 500:
                raise TransientDeliveryError(f"slack response_url: HTTP {result.status_code} {result.body}")
            if result.status_code != 200:
                raise PermanentDeliveryError(f"slack response_url: HTTP {result.status_code} {result.body}")
        self.log.info("slack.responded type=%s", response_type)
        return ""

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Replace the message `message_id` with `post`, which must fit in one Slack message."""
        messages = render_post(post)
        if len(messages) > 1:
            raise PermanentDeliveryError(
                f"slack chat.update: post needs {len(messages)} messages; one message cannot hold it"
            )
        await self._call(
            "chat.update",
            self.client.chat_update(channel=channel, ts=message_id, text=messages[0].text, blocks=messages[0].blocks),
        )
        self.log.info("slack.edited channel=%s ts=%s", channel, message_id)

    async def is_admin(self, channel: str, user: str) -> bool:
        """Whether Slack calls `user` a workspace admin or owner (configured admins are the router's)."""
        try:
            response = await self._call("users.info", self.client.users_info(user=user))
        except PermanentDeliveryError:
            return False  # unknown or deleted user: not an admin
        info = response.get("user") or {}
        return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
