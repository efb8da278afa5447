"""Slack events in: Socket Mode or HTTP Events mode, and which events become `IncomingMessage`s.

Incoming: `app_mention` events, replies in threads (`message` events with a `thread_ts`), and the
`/news` slash command become `IncomingMessage`s for the runtime; `member_joined_channel` is logged.
Socket Mode is the default; HTTP Events mode serves bolt on an aiohttp endpoint, where bolt checks
every signature. Slack redelivers events it thinks were missed: a message seen already is not
handed over again. A slash command's `response_url` is kept so the answer can use it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.chat.port import MessageHandler
from bot.chat.render_slack import plain_from_slack
from bot.chat.slack_api import SlackApi, remember
from bot.chat.slack_files import SlackFiles
from bot.domain import IncomingMessage

PLATFORM = "slack"
COMMAND_ID_PREFIX = "command:"  # IncomingMessage.message_id of a slash command: "command:<trigger_id>"
_HANDLED_SUBTYPES = (None, "thread_broadcast", "file_share")


class SlackStartError(RuntimeError):
    """Slack could not be reached or refused the credentials at start-up."""


class SlackListener:
    """The bolt app and its connection (Socket Mode handler or HTTP listener), and the events it gets.

    `http_url` is where HTTP mode listens (None in Socket Mode or before `start`).
    """

    def __init__(self, api: SlackApi, files: SlackFiles) -> None:
        self._api = api
        self._config = api.config
        self._log = api.log
        self._files = files
        self.http_url: str | None = None
        self._on_message: MessageHandler | None = None
        self._app: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._commands: OrderedDict[str, str] = OrderedDict()  # trigger_id -> response_url
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
        self._config.validate()
        self._on_message = on_message
        try:
            auth = await self._api.client.auth_test()
        except SlackApiError as exc:
            raise SlackStartError(f"slack auth.test refused the bot token: {exc.response.get('error')}") from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SlackStartError(f"slack API unreachable at {self._config.api_url}: {exc}") from exc
        self._api.bot_user_id = str(auth.get("user_id", ""))
        app = AsyncApp(
            client=self._api.client,
            signing_secret=self._config.signing_secret,
            request_verification_enabled=self._config.mode == "http",
            logger=logging.getLogger("bot.chat.slack.bolt"),
        )
        app.event("app_mention")(self._mention_event)
        app.event("message")(self._message_event)
        app.event("member_joined_channel")(self._member_joined_event)
        app.command(self._config.command)(self._command)
        self._app = app
        if self._config.mode == "socket":
            await self._start_socket(app)
        else:
            await self._start_http(app)
        self._log.info(
            "slack.started mode=%s bot_user=%s team=%s",
            self._config.mode,
            self._api.bot_user_id,
            auth.get("team_id"),
        )

    async def _start_socket(self, app: AsyncApp) -> None:
        handler = AsyncSocketModeHandler(
            app,
            self._config.app_token,
            web_client=self._api.client,
            logger=logging.getLogger("bot.chat.slack.socket"),
        )
        handler.client.message_listeners.append(self._socket_message)
        try:
            await asyncio.wait_for(handler.connect_async(), self._config.connect_timeout)
        except TimeoutError:
            await handler.close_async()
            raise SlackStartError(
                f"no Socket Mode connection within {self._config.connect_timeout}s (check SLACK_APP_TOKEN)"
            ) from None
        self._socket = handler

    async def _start_http(self, app: AsyncApp) -> None:
        async def dispatch(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

        web_app = web.Application()
        web_app.router.add_post(self._config.http_path, dispatch)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._config.http_host, self._config.http_port)
        await site.start()
        self._runner = runner
        port = runner.addresses[0][1] if runner.addresses else self._config.http_port
        self.http_url = f"http://{self._config.http_host}:{port}{self._config.http_path}"

    async def _socket_message(self, client: Any, message: dict[str, Any], raw: str | None) -> None:
        if message.get("type") == "hello":
            self._hellos += 1
            if self._hellos > 1:
                self._log.info("slack.reconnected connections=%d", self._hellos)

    async def stop(self) -> None:
        """Close the Socket Mode connection or the HTTP listener; safe to call twice."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._log.info("slack.stopped")

    # ----------------------------------------------------------------------------- incoming

    async def _mention_event(self, event: dict[str, Any]) -> None:
        await self._deliver(event, addressed=True)

    async def _message_event(self, event: dict[str, Any]) -> None:
        if event.get("subtype") not in _HANDLED_SUBTYPES or event.get("bot_id"):
            return  # edits, deletions, joins and bot posts are not someone talking to us
        user = event.get("user")
        thread = event.get("thread_ts")
        if not user or user == self._api.bot_user_id or not thread or thread == event.get("ts"):
            return  # only replies in threads; top-level chatter reaches us as app_mention when meant
        if f"<@{self._api.bot_user_id}" in str(event.get("text", "")):
            return  # Slack also sent an app_mention for this message: that one is delivered
        await self._deliver(event, addressed=False)

    async def _member_joined_event(self, event: dict[str, Any]) -> None:
        who = "bot" if event.get("user") == self._api.bot_user_id else "member"
        self._log.info(
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
            remember(self._commands, trigger, str(command["response_url"]))
        message = IncomingMessage(
            platform=PLATFORM,
            channel=str(command.get("channel_id", "")),
            sender=str(command.get("user_id", "")),
            text=plain_from_slack(str(command.get("text", "")), self._api.bot_user_id),
            message_id=trigger,
            thread=None,
            addressed=True,
        )
        self._log.info(
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
        remember(self._seen, (channel, ts), None)
        message = IncomingMessage(
            platform=PLATFORM,
            channel=channel,
            sender=str(event.get("user", "")),
            text=plain_from_slack(str(event.get("text", "")), self._api.bot_user_id),
            message_id=ts,
            thread=event.get("thread_ts"),
            addressed=addressed,
            attachments=tuple(self._files.attachment(f) for f in event.get("files") or [] if isinstance(f, dict)),
        )
        self._log.info(
            "slack.message channel=%s ts=%s thread=%s user=%s addressed=%s files=%d",
            channel,
            ts,
            message.thread,
            message.sender,
            addressed,
            len(message.attachments),
        )
        await self._hand_over(message)

    def response_url(self, message_id: str) -> str | None:
        """The response_url of the slash command `message_id` ("command:<trigger_id>"), if still known."""
        return self._commands.get(message_id)

    async def _hand_over(self, message: IncomingMessage) -> None:
        if self._on_message is None:
            return
        try:
            await self._on_message(message)
        except Exception:
            self._log.exception("slack.handler_failed channel=%s message=%s", message.channel, message.message_id)

