"""A local Slack emulator for tests: Web API, Socket Mode websocket and response_url endpoints.

It speaks Slack's documented wire formats over real HTTP and websocket connections on 127.0.0.1,
so an unmodified slack-bolt app (pointed here through `base_url`) can be driven end to end:

- Web API methods answer `{"ok": true, ...}` or `{"ok": false, "error": ...}`, accept JSON, form
  and query parameters, check tokens, and enforce the documented Block Kit limits.
- `apps.connections.open` hands out a one-time `ws://127.0.0.1` URL; the websocket sends `hello`,
  pushes `events_api` / `slash_commands` envelopes, records acks by `envelope_id`, and can send a
  `disconnect` to make the client reconnect. Envelopes pushed while no client is connected, or
  left unacked on a closed connection, are delivered on the next connection (as Slack retries).
- Message `metadata` (`event_type` + `event_payload`) is kept with each message and returned by
  conversations.history / conversations.replies only with `include_all_metadata=true`; both
  methods page with `limit` / `cursor` (`response_metadata.next_cursor`) and honour `oldest`.
- Every call is recorded with its full parameters; tests wait for calls and acks with a time limit.
- Faults (429 with Retry-After, arbitrary error codes, HTTP 5xx) can be injected per method, and
  a call can be held after Slack has acted on it (`hold_next`): the message is posted but the
  answer never comes, which is what a client sees when it times out or crashes mid-request.
- `drop_connections` closes every Socket Mode connection from the server side (a network cut).
- Files: `user_uploads` stores a file and shares it in a message (`message` event, subtype
  `file_share`, with `files`; plus `app_mention` when the text mentions the bot). Each file is
  served at its `url_private` / `url_private_download` on the emulator and only to a request
  carrying the bot token (`Authorization: Bearer`); anything else gets 401. `files.info` answers
  with the file object. Downloads are recorded as calls of "files.download".
- Uploads by the app (what slack-sdk's `files_upload_v2` does): `files.getUploadURLExternal`
  (`filename` and `length` required: `invalid_arguments` without a filename, `missing_argument`
  for a missing or zero length, `alt_txt_too_large` over 1,000 characters) answers an
  `upload_url` on the emulator and a `file_id`; the bytes are POSTed there (raw, or multipart
  form encoded; the URL itself is the credential, no token is needed; answered `200 OK - <bytes>`,
  recorded as calls of "files.upload"); `files.completeUploadExternal` (`files` a JSON array of
  `{"id", "title"}`, optional `channel_id` or `channels`, `thread_ts`, `initial_comment`) files
  them: a file never uploaded to is `file_not_found` (the emulator's choice of code), a bad
  channel fails as chat.postMessage does, and a `thread_ts` that is not a message of the channel
  is `thread_not_found`. Shared files get a message from the bot (`files`, `upload: true`, the
  comment as `text`, in the thread when `thread_ts` is given) and are served like people's files,
  with `alt_txt` and, for PNGs, `original_w` / `original_h` in their file object.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import struct
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import pytest
from aiohttp import web

ACK_DEADLINE = 3.0  # seconds Slack waits for an envelope's ack before retrying it
BLOCKS_PER_MESSAGE = 50
SECTION_TEXT_LIMIT = 3000
MESSAGE_TEXT_LIMIT = 40000
CONTEXT_ELEMENTS_LIMIT = 10


@dataclass
class RecordedCall:
    """One request the emulator received: Web API method (or "response_url"), parameters, answer."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    response: Any
    raw: bytes = b""
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        """Whether the emulator answered this call successfully."""
        return self.status == 200 and isinstance(self.response, dict) and bool(self.response.get("ok"))


@dataclass
class Fault:
    """An injected failure for the next call(s) of one method."""

    status: int = 200
    error: str = "internal_error"
    retry_after: float | None = None
    remaining: int = 1
    skip: int = 0  # calls to let through before failing
    body: str | None = None  # a non-JSON answer (a proxy's error page)
    content_type: str = "text/html"
    hold: bool = False  # act on the call, then never answer (until released)


@dataclass
class Channel:
    """A conversation as the emulator models it."""

    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    is_member: bool = True
    members: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class User:
    """A workspace member as users.info reports it."""

    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False


@dataclass
class StoredFile:
    """A file uploaded to the workspace: Slack's file object and its bytes."""

    info: dict[str, Any]
    content: bytes


@dataclass
class PendingUpload:
    """A file the app asked to upload (files.getUploadURLExternal), and its bytes once they came."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None = None
    content: bytes | None = None
    completed: bool = False


@dataclass
class Envelope:
    """A Socket Mode envelope pushed (or to be pushed) to the app, with its ack once it comes."""

    envelope_id: str
    message: dict[str, Any]
    sent_on: int | None = None  # connection number it was last sent on
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    ack_payload: dict[str, Any] | None = None
    sent_at: float | None = None
    ack_seconds: float | None = None  # from the last send to the ack (Slack allows 3 s)


class SlackEmulator:
    """A Slack workspace on 127.0.0.1 with one app installed (see module docstring)."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-emulator-bot-token",
        app_token: str = "xapp-emulator-app-token",
        signing_secret: str = "emulator-signing-secret",
        team_id: str = "T0EMULATE",
        app_id: str = "A0EMULATE",
        bot_user_id: str = "U0BOTUSER",
        bot_id: str = "B0BOTID",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, User] = {}
        self.calls: list[RecordedCall] = []
        self.envelopes: dict[str, Envelope] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.echo_bot_messages = True
        self.connections_opened = 0
        self._changed = asyncio.Condition()
        self._tickets: set[str] = set()
        self._sockets: dict[int, web.WebSocketResponse] = {}
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._ts = itertools.count(1)
        self.files: dict[str, StoredFile] = {}
        self.uploads: dict[str, PendingUpload] = {}  # by file id
        self._upload_urls: dict[str, str] = {}  # upload URL key -> file id
        self._file_ids = itertools.count(1)
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.add_user(User(bot_user_id, "newsbot", is_bot=True))

    # ----------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Listen on a random free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._web_api)
        app.router.add_get("/link/", self._socket)
        app.router.add_post("/commands/{key}", self._response_url)
        app.router.add_get("/files-pri/{team_file}/{name}", self._file_download)
        app.router.add_get("/files-pri/{team_file}/download/{name}", self._file_download)
        app.router.add_post("/upload/v1/{key}", self._file_upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close every websocket and stop listening."""
        self._released.set()
        for ws in list(self._sockets.values()):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        """The Web API base URL to give the SDK (`base_url`), with its trailing slash."""
        return f"http://127.0.0.1:{self.port}/api/"

    # ----------------------------------------------------------------------------- workspace setup

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_archived: bool = False,
        is_member: bool = True,
        members: tuple[str, ...] = (),
    ) -> Channel:
        """Create a conversation; `is_member` says whether the bot user is in it."""
        chan = Channel(channel_id, name, is_private, is_archived, is_member, set(members))
        if is_member:
            chan.members.add(self.bot_user_id)
        self.channels[channel_id] = chan
        return chan

    def add_user(self, user: User) -> User:
        """Add a workspace member."""
        self.users[user.id] = user
        return user

    def fail_next(
        self,
        method: str,
        *,
        error: str = "internal_error",
        status: int = 200,
        retry_after: float | None = None,
        count: int = 1,
        skip: int = 0,
        body: str | None = None,
        content_type: str = "text/html",
    ) -> None:
        """Make `count` calls of `method` fail with `error` (and HTTP `status`) after `skip` succeed.

        With `body`, the answer is that text (as `content_type`) instead of Slack's JSON: what a
        load balancer in front of Slack sends when it fails, or a truncated answer.
        """
        fault = Fault(status, error, retry_after, count, skip, body, content_type)
        self.faults.setdefault(method, []).append(fault)

    def hold_next(self, method: str, count: int = 1, skip: int = 0) -> None:
        """Let `count` calls of `method` (after `skip`) take effect, then withhold the answer.

        The client sees a request that never completes (its timeout fires, or it crashes while
        waiting) although Slack has acted on it: the case an idempotency check must cover.
        The held answers are sent when `release_held` is called (or the emulator stops).
        """
        self.faults.setdefault(method, []).append(Fault(remaining=count, skip=skip, hold=True))

    def release_held(self) -> None:
        """Answer every held call now (its client may have gone away meanwhile)."""
        self._released.set()

    def rate_limit_next(self, method: str, retry_after: float = 30, count: int = 1, skip: int = 0) -> None:
        """Answer `count` calls of `method` (after `skip`) with HTTP 429, `ratelimited`, Retry-After."""
        self.fail_next(method, error="ratelimited", status=429, retry_after=retry_after, count=count, skip=skip)

    # ----------------------------------------------------------------------------- waiting helpers

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Every recorded call of `method`, oldest first."""
        return [c for c in self.calls if c.method == method]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[RecordedCall], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: int = 0,
    ) -> RecordedCall:
        """Wait until a call of `method` matching `predicate` is recorded (index >= `after`)."""

        def find() -> RecordedCall | None:
            for call in self.calls[after:]:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            return None

        return await self._wait(find, timeout, f"no {method} call matched")

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        """Wait until the app acks `envelope_id`; return the ack's payload (None when empty)."""
        env = self.envelopes[envelope_id]
        try:
            await asyncio.wait_for(env.acked.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"envelope {envelope_id} not acked within {timeout}s") from None
        return env.ack_payload

    async def wait_for_connections(self, count: int, timeout: float = 5.0) -> None:
        """Wait until `count` Socket Mode connections have been opened in total (and one is open)."""

        def done() -> bool | None:
            return (self.connections_opened >= count and bool(self._sockets)) or None

        await self._wait(done, timeout, f"fewer than {count} socket connections")

    @property
    def connected(self) -> int:
        """How many Socket Mode connections are open now."""
        return len(self._sockets)

    async def _wait(self, probe: Callable[[], Any], timeout: float, what: str) -> Any:
        async def loop() -> Any:
            async with self._changed:
                while True:
                    found = probe()
                    if found is not None:
                        return found
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(loop(), timeout)
        except TimeoutError:
            raise AssertionError(f"{what} within {timeout}s") from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ----------------------------------------------------------------------------- Web API

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        """Query string, then the JSON or form body, merged (as Slack accepts any of them)."""
        params: dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            ctype = request.content_type
            if ctype == "application/json":
                params.update(json.loads(body))
            elif ctype == "multipart/form-data":
                params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
            else:
                params.update(dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))
        for key in ("blocks", "attachments", "metadata"):
            if isinstance(params.get(key), str):
                with contextlib.suppress(json.JSONDecodeError):  # reported as invalid_blocks later
                    params[key] = json.loads(params[key])
        return params

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._read_params(request)
        headers = dict(request.headers)
        status, answer, extra_headers = 200, self._dispatch(method, params, headers), {}
        page: str | None = None
        page_type = "text/html"
        faults = self.faults.get(method)
        if faults and faults[0].skip > 0:
            faults[0].skip -= 1
            faults = None
        hold = False
        if faults:
            fault = faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.pop(0)
            if fault.hold:
                hold = True
            else:
                status, answer, page = fault.status, {"ok": False, "error": fault.error}, fault.body
                page_type = fault.content_type
                if fault.retry_after is not None:
                    extra_headers["Retry-After"] = str(int(fault.retry_after))
        if status == 200 and answer.get("ok") and method in self._effects:
            self._effects[method](self, params, answer)
        self.calls.append(RecordedCall(method, params, headers, status, answer, await request.read()))
        await self._notify()
        if answer.get("ok") and method == "chat.postMessage" and self.echo_bot_messages:
            await self._echo(answer["message"], answer["channel"])
        if hold:
            self._released.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), 120)
        if page is not None:
            return web.Response(status=status, text=page, content_type=page_type, headers=extra_headers)
        return web.json_response(answer, status=status, headers=extra_headers)

    def _token(self, params: dict[str, Any], headers: dict[str, str]) -> str | None:
        auth = headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        token = params.get("token")
        return str(token) if token else None

    def _dispatch(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        token = self._token(params, headers)
        if token is None:
            return {"ok": False, "error": "not_authed"}
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != wanted:
            if token in (self.app_token, self.bot_token):
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": False, "error": "invalid_auth"}
        handler = self._methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(self, params)

    def _new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _postable(self, channel_id: Any) -> tuple[Channel | None, dict[str, Any] | None]:
        chan = self.channels.get(str(channel_id or ""))
        if chan is None:
            return None, {"ok": False, "error": "channel_not_found"}
        if chan.is_archived:
            return None, {"ok": False, "error": "is_archived"}
        if not chan.is_member:
            return None, {"ok": False, "error": "not_in_channel"}
        return chan, None

    @staticmethod
    def _check_content(params: dict[str, Any]) -> dict[str, Any] | None:
        blocks = params.get("blocks")
        text = params.get("text")
        if not text and not blocks and not params.get("attachments"):
            return {"ok": False, "error": "no_text"}
        if text is not None and len(str(text)) > MESSAGE_TEXT_LIMIT:
            return {"ok": False, "error": "msg_too_long"}
        if blocks is not None:
            problem = block_kit_problem(blocks)
            if problem:
                return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        return None

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://emulated.slack.com/",
            "team": "Emulated Newsroom",
            "user": "newsbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chan, error = self._postable(params.get("channel"))
        if error:
            return error
        assert chan is not None
        error = self._check_content(params)
        if error:
            return error
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text", ""),
            "ts": self._new_ts(),
        }
        if params.get("blocks") is not None:
            message["blocks"] = params["blocks"]
        if params.get("metadata") is not None:
            metadata = params["metadata"]
            if (not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str)
                    or not isinstance(metadata.get("event_payload"), dict)):
                return {"ok": False, "error": "invalid_metadata_format"}
            if not re.fullmatch(r"[A-Za-z0-9_]{1,255}", metadata["event_type"]):
                return {"ok": False, "error": "invalid_metadata_schema"}
            message["metadata"] = {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}
        thread_ts = params.get("thread_ts")
        if thread_ts:
            parent = self._find(chan, str(thread_ts))
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            message["thread_ts"] = parent.get("thread_ts", parent["ts"])
        return {"ok": True, "channel": chan.id, "ts": message["ts"], "message": message}

    def _store_message(self, params: dict[str, Any], answer: dict[str, Any]) -> None:
        chan = self.channels[answer["channel"]]
        message = answer["message"]
        chan.messages.append(message)
        if "thread_ts" in message:
            parent = self._find(chan, message["thread_ts"])
            if parent is not None:
                parent["thread_ts"] = parent["ts"]
                parent["reply_count"] = parent.get("reply_count", 0) + 1

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        chan, error = self._postable(params.get("channel"))
        if error:
            return error
        assert chan is not None
        message = self._find(chan, str(params.get("ts", "")))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.get("user") != self.bot_user_id:
            return {"ok": False, "error": "cant_update_message"}
        error = self._check_content(params)
        if error:
            return error
        return {"ok": True, "channel": chan.id, "ts": message["ts"], "text": params.get("text", "")}

    def _apply_update(self, params: dict[str, Any], answer: dict[str, Any]) -> None:
        message = self._find(self.channels[answer["channel"]], answer["ts"])
        assert message is not None
        message["text"] = params.get("text", "")
        if params.get("blocks") is not None:
            message["blocks"] = params["blocks"]
        message["edited"] = {"user": self.bot_user_id, "ts": self._new_ts()}

    def _post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        chan, error = self._postable(params.get("channel"))
        if error:
            return error
        assert chan is not None
        user = str(params.get("user", ""))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        if user not in chan.members:
            return {"ok": False, "error": "user_not_in_channel"}
        error = self._check_content(params)
        if error:
            return error
        return {"ok": True, "message_ts": self._new_ts()}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        chan = self.channels.get(str(params.get("channel", "")))
        if chan is None:
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {
                "id": chan.id,
                "name": chan.name,
                "is_channel": not chan.is_private,
                "is_group": chan.is_private,
                "is_private": chan.is_private,
                "is_archived": chan.is_archived,
                "is_member": chan.is_member,
            },
        }

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        chan = self.channels.get(str(params.get("channel", "")))
        if chan is None:
            return {"ok": False, "error": "channel_not_found"}
        if not chan.is_member and not chan.is_private:
            return {"ok": False, "error": "not_in_channel"}
        ts = str(params.get("ts", ""))
        parent = self._find(chan, ts)
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        root = parent.get("thread_ts", parent["ts"])
        thread = [m for m in chan.messages if m["ts"] == root or m.get("thread_ts") == root]
        thread = [m for m in thread if m["ts"] == root or _after(m["ts"], params)]
        return _page(thread, params, default_limit=1000)

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        chan = self.channels.get(str(params.get("channel", "")))
        if chan is None:
            return {"ok": False, "error": "channel_not_found"}
        if not chan.is_member:
            return {"ok": False, "error": "not_in_channel"}
        # the channel's timeline, newest first: top-level messages and thread parents (replies
        # appear only when also sent to the channel)
        timeline = [m for m in reversed(chan.messages)
                    if (m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast")
                    and _after(m["ts"], params)]
        return _page(timeline, params, default_limit=100)

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "deleted": False,
                "is_admin": user.is_admin,
                "is_owner": user.is_owner,
                "is_primary_owner": False,
                "is_bot": user.is_bot,
                "profile": {"real_name": user.name, "display_name": user.name},
            },
        }

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file", "")))
        if stored is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": dict(stored.info), "comments": [], "response_metadata": {"next_cursor": ""}}

    def _get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = str(params.get("filename") or "")
        if not filename:
            return {"ok": False, "error": "invalid_arguments"}
        try:
            length = int(params.get("length") or 0)
        except (TypeError, ValueError):
            return {"ok": False, "error": "invalid_arguments"}
        if length <= 0:
            return {"ok": False, "error": "missing_argument"}
        alt = params.get("alt_txt")
        if alt is not None and len(str(alt)) > 1000:
            return {"ok": False, "error": "alt_txt_too_large"}
        file_id = f"F{next(self._file_ids):08d}"
        key = uuid.uuid4().hex
        return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/v1/{key}", "file_id": file_id,
                "_pending": PendingUpload(file_id, filename, length, None if alt is None else str(alt)), "_key": key}

    def _remember_upload(self, params: dict[str, Any], answer: dict[str, Any]) -> None:
        pending: PendingUpload = answer.pop("_pending")
        self.uploads[pending.file_id] = pending
        self._upload_urls[answer.pop("_key")] = pending.file_id

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if isinstance(files, str):
            try:
                files = json.loads(files)
            except json.JSONDecodeError:
                return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(files, list) or not files or not all(isinstance(f, dict) and f.get("id") for f in files):
            return {"ok": False, "error": "invalid_arguments"}
        for f in files:
            pending = self.uploads.get(str(f["id"]))
            if pending is None or pending.content is None or pending.completed:
                return {"ok": False, "error": "file_not_found"}
        targets = [c for c in str(params.get("channels") or "").split(",") if c]
        if params.get("channel_id"):
            targets = [str(params["channel_id"])]
        thread_ts = str(params.get("thread_ts") or "") or None
        if thread_ts and len(targets) != 1:
            return {"ok": False, "error": "invalid_arguments"}
        for target in targets:
            chan, error = self._postable(target)
            if error:
                return error
            assert chan is not None
            if thread_ts and self._find(chan, thread_ts) is None:
                return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "files": [{"id": str(f["id"]), "title": str(f.get("title") or
                                                                        self.uploads[str(f["id"])].filename)}
                                      for f in files], "_targets": targets}

    def _share_uploads(self, params: dict[str, Any], answer: dict[str, Any]) -> None:
        targets: list[str] = answer.pop("_targets")
        shared = []
        for f in answer["files"]:
            pending = self.uploads[f["id"]]
            pending.completed = True
            assert pending.content is not None
            info = self.upload_file(self.bot_user_id, pending.filename, pending.content, file_id=pending.file_id,
                                    title=f["title"])
            if pending.alt_txt is not None:
                info["alt_txt"] = pending.alt_txt
            if pending.content[:8] == b"\x89PNG\r\n\x1a\n" and pending.content[12:16] == b"IHDR":
                info["original_w"], info["original_h"] = struct.unpack(">II", pending.content[16:24])
            shared.append(info)
        thread_ts = str(params.get("thread_ts") or "") or None
        for target in targets:
            message: dict[str, Any] = {
                "type": "message", "subtype": "file_share", "user": self.bot_user_id, "bot_id": self.bot_id,
                "app_id": self.app_id, "team": self.team_id, "text": str(params.get("initial_comment") or ""),
                "ts": self._new_ts(), "files": [dict(i) for i in shared], "upload": True, "display_as_bot": False,
            }
            if thread_ts:
                parent = self._find(self.channels[target], thread_ts)
                assert parent is not None
                message["thread_ts"] = parent.get("thread_ts", parent["ts"])
            self._store_message(params, {"channel": target, "message": message})
            for info in shared:
                where = "private" if self.channels[target].is_private else "public"
                info.setdefault("shares", {}).setdefault(where, {}).setdefault(target, []).append(
                    {"ts": message["ts"], **({"thread_ts": message["thread_ts"]} if thread_ts else {})})
                info.setdefault("channels", []).append(target)

    async def _file_upload(self, request: web.Request) -> web.Response:
        """POST to an upload URL from files.getUploadURLExternal: the file's bytes, raw or multipart."""
        file_id = self._upload_urls.get(request.match_info["key"])
        headers = dict(request.headers)
        content: bytes | None = None
        if request.content_type == "multipart/form-data":
            form = await request.post()
            part = next((v for v in form.values() if not isinstance(v, str)), None)
            content = part.file.read() if part is not None else None  # type: ignore[union-attr]
        else:
            content = await request.read()
        pending = self.uploads.get(file_id or "")
        if pending is None or pending.completed:
            status, text = 404, "not_found"
        elif not content:
            status, text = 400, "no_file_data"
        else:
            pending.content = content
            status, text = 200, f"OK - {len(content)}"
        self.calls.append(RecordedCall("files.upload", {"file": file_id, "bytes": len(content or b"")}, headers,
                                       status, {"ok": status == 200}))
        await self._notify()
        return web.Response(status=status, text=text, content_type="text/plain")

    def _connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"}

    _methods: dict[str, Callable[[SlackEmulator, dict[str, Any]], dict[str, Any]]] = {
        "auth.test": _auth_test,
        "chat.postMessage": _post_message,
        "chat.update": _update,
        "chat.postEphemeral": _post_ephemeral,
        "conversations.info": _conversations_info,
        "conversations.replies": _conversations_replies,
        "conversations.history": _conversations_history,
        "users.info": _users_info,
        "files.info": _files_info,
        "files.getUploadURLExternal": _get_upload_url,
        "files.completeUploadExternal": _complete_upload,
        "apps.connections.open": _connections_open,
    }
    _effects: dict[str, Callable[[SlackEmulator, dict[str, Any], dict[str, Any]], None]] = {
        "chat.postMessage": _store_message,
        "chat.update": _apply_update,
        "files.getUploadURLExternal": _remember_upload,
        "files.completeUploadExternal": _share_uploads,
    }

    @staticmethod
    def _find(chan: Channel, ts: str) -> dict[str, Any] | None:
        return next((m for m in chan.messages if m["ts"] == ts), None)

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The messages of the thread rooted at `ts` (parent first), as conversations.replies has them."""
        root = self._find(self.channels[channel], ts)
        if root is None:
            return []
        key = root.get("thread_ts", root["ts"])
        return [m for m in self.channels[channel].messages if m["ts"] == key or m.get("thread_ts") == key]

    # ----------------------------------------------------------------------------- files

    async def _file_download(self, request: web.Request) -> web.Response:
        """GET url_private(_download): the file's bytes for the bot token, 401 for anyone else."""
        team_file = request.match_info["team_file"]
        file_id = team_file.split("-", 1)[1] if "-" in team_file else ""
        stored = self.files.get(file_id)
        headers = dict(request.headers)
        auth = headers.get("Authorization", "")
        if stored is None or stored.info["name"] != request.match_info["name"]:
            status, body = 404, b"file_not_found"
        elif auth != f"Bearer {self.bot_token}":
            status, body = 401, b"not_authed"
        else:
            status, body = 200, stored.content
        self.calls.append(RecordedCall("files.download", {"file": file_id, "path": request.path}, headers, status,
                                       {"ok": status == 200}))
        await self._notify()
        if status != 200:
            return web.Response(status=status, body=body, content_type="text/plain")
        return web.Response(body=body, content_type=str(stored.info["mimetype"]))  # type: ignore[union-attr]

    def upload_file(self, user: str, name: str, content: bytes, mimetype: str | None = None, *,
                    file_id: str | None = None, title: str | None = None) -> dict[str, Any]:
        """Store a file `user` uploaded and return Slack's file object for it (as events carry it)."""
        file_id = file_id or f"F{next(self._file_ids):08d}"
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        kind = mimetype or {"opml": "text/x-opml", "xml": "text/xml", "json": "application/json",
                            "png": "image/png"}.get(suffix, "text/plain")
        base = f"http://127.0.0.1:{self.port}/files-pri/{self.team_id}-{file_id}"
        info: dict[str, Any] = {
            "id": file_id,
            "created": int(time.time()),
            "timestamp": int(time.time()),
            "name": name,
            "title": title or name,
            "mimetype": kind,
            "filetype": suffix or "text",
            "pretty_type": (suffix or "text").upper(),
            "user": user,
            "user_team": self.team_id,
            "editable": kind.startswith("text/"),
            "size": len(content),
            "mode": "snippet" if kind.startswith("text/") else "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": True,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{base}/{name}",
            "url_private_download": f"{base}/download/{name}",
            "permalink": f"https://emulated.slack.com/files/{user}/{file_id}/{name}",
            "is_starred": False,
            "has_rich_preview": False,
            "file_access": "visible",
        }
        self.files[file_id] = StoredFile(info, content)
        return info

    async def user_uploads(
        self,
        channel: str,
        user: str,
        name: str,
        content: bytes | str,
        text: str = "",
        *,
        mimetype: str | None = None,
        thread_ts: str | None = None,
        file_access: str = "visible",
    ) -> tuple[str, list[str]]:
        """A person uploads a file into `channel` (with an optional message `text`), as Slack delivers it.

        The file is stored and served at its url_private; the channel gets a message with
        subtype `file_share` and `files: [file]`, pushed as a `message` event, preceded by an
        `app_mention` event (also carrying `files`) when `text` mentions the bot. With
        `file_access="check_file_info"` the events carry only the file's id, as Slack does for
        some uploads, and the app must call files.info. Returns the message ts and envelope ids.
        """
        data = content.encode("utf-8") if isinstance(content, str) else content
        info = self.upload_file(user, name, data, mimetype)
        shared = dict(info) if file_access == "visible" else {"id": info["id"], "file_access": file_access}
        ts, events = self.human_message(channel, user, text, thread_ts=thread_ts)
        stored = self._find(self.channels[channel], ts)
        assert stored is not None
        extra = {"subtype": "file_share", "files": [shared], "upload": True, "display_as_bot": False}
        stored.update(extra)
        for event in events:
            if event["type"] == "message":
                event.update(extra)
            else:
                event["files"] = [shared]
        return ts, [await self.push_event(event) for event in events]

    # ----------------------------------------------------------------------------- response_url

    def _new_response_url(self, channel: str, user: str) -> str:
        key = uuid.uuid4().hex
        self._response_urls[key] = {"channel": channel, "user": user, "uses": 0}
        return f"http://127.0.0.1:{self.port}/commands/{key}"

    def expire_response_urls(self) -> None:
        """Expire every response_url handed out so far (Slack's last 30 minutes)."""
        self._response_urls.clear()

    async def _response_url(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        params = await self._read_params(request)
        info = self._response_urls.get(key)
        status, body = 200, "ok"
        if info is None:
            status, body = 404, "expired_url"
        elif info["uses"] >= 5:
            status, body = 404, "used_url"
        else:
            info["uses"] += 1
            problem = self._check_content(params)
            if problem:
                status, body = 400, str(problem["error"])
            else:
                params = {**params, "channel": info["channel"], "user": info["user"]}
        self.calls.append(
            RecordedCall("response_url", params, dict(request.headers), status, body, await request.read())
        )
        await self._notify()
        return web.Response(status=status, text=body)

    # ----------------------------------------------------------------------------- Socket Mode

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            raise web.HTTPUnauthorized(text="invalid_ticket")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections_opened += 1
        number = self.connections_opened
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets) + 1,
                "debug_info": {
                    "host": "applink-emulator",
                    "build_number": 1,
                    "approximate_connection_time": 3600,
                },
                "connection_info": {"app_id": self.app_id},
            }
        )
        self._sockets[number] = ws
        await self._notify()
        await self._flush(number)
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    await self._on_ack(json.loads(msg.data))
        finally:
            self._sockets.pop(number, None)
            if self._sockets:
                await self._flush(max(self._sockets))
            await self._notify()
        return ws

    async def _on_ack(self, data: dict[str, Any]) -> None:
        env = self.envelopes.get(str(data.get("envelope_id", "")))
        if env is None or env.acked.is_set():
            return
        env.ack_payload = data.get("payload")
        if env.sent_at is not None:
            env.ack_seconds = time.monotonic() - env.sent_at
        env.acked.set()
        await self._notify()

    async def _flush(self, number: int) -> None:
        """Send the envelopes that never reached an open connection or died unacked with one."""
        for env in list(self.envelopes.values()):
            if env.acked.is_set() or env.sent_on in self._sockets:
                continue
            if env.sent_on is not None:
                env.message["retry_attempt"] = env.message.get("retry_attempt", 0) + 1
                env.message["retry_reason"] = "timeout"
            await self._send_envelope(env, number)

    async def _send_envelope(self, env: Envelope, number: int) -> None:
        ws = self._sockets.get(number)
        if ws is None or ws.closed:
            return
        env.sent_on = number
        env.sent_at = time.monotonic()
        try:
            await ws.send_json(env.message)
        except (ConnectionError, RuntimeError):
            env.sent_on = None  # the connection went away; the next one gets it

    async def push(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False) -> str:
        """Push one envelope of `kind` ("events_api", "slash_commands", ...) and return its id."""
        envelope_id = str(uuid.uuid4())
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            message["retry_attempt"] = 0
            message["retry_reason"] = ""
        env = Envelope(envelope_id, message)
        self.envelopes[envelope_id] = env
        if self._sockets:
            await self._send_envelope(env, max(self._sockets))
        return envelope_id

    def event_callback(self, event: dict[str, Any]) -> dict[str, Any]:
        """Wrap an event in the Events API `event_callback` body Slack sends."""
        return {
            "token": "emulator-verification-token",
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + uuid.uuid4().hex,
        }

    async def push_event(self, event: dict[str, Any]) -> str:
        """Push one Events API event over Socket Mode; return the envelope id."""
        return await self.push("events_api", self.event_callback(event))

    async def user_says(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        message_first: bool = False,
    ) -> tuple[str, list[str]]:
        """A person posts `text` (Slack-escaped mrkdwn) as Slack would deliver it to the app.

        The message is stored; the app gets a `message` event and, when the text mentions the bot,
        an `app_mention` event too (Slack sends both, in no guaranteed order: `message_first`
        sends the `message` event first). Returns the message ts and the envelope ids.
        """
        ts, events = self.human_message(channel, user, text, thread_ts=thread_ts, message_first=message_first)
        return ts, [await self.push_event(event) for event in events]

    def human_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        message_first: bool = False,
    ) -> tuple[str, list[dict[str, Any]]]:
        """Store a person's message and return its ts and the events Slack would send about it.

        For HTTP delivery: wrap each event with `event_callback`, sign it and `deliver_http` it.
        """
        chan = self.channels[channel]
        ts = self._new_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "team": self.team_id,
            "blocks": [
                {
                    "type": "rich_text",
                    "block_id": uuid.uuid4().hex[:5],
                    "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
                }
            ],
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = next((m.get("user", "") for m in chan.messages if m["ts"] == thread_ts), "")
        chan.messages.append(dict(message))
        chan.members.add(user)
        channel_type = "group" if chan.is_private else "channel"
        events = [{**message, "channel": channel, "event_ts": ts, "channel_type": channel_type}]
        if f"<@{self.bot_user_id}>" in text:
            mention = {k: v for k, v in message.items() if k != "parent_user_id"}
            mention.update({"type": "app_mention", "channel": channel, "event_ts": ts})
            events.insert(len(events) if message_first else 0, mention)
        return ts, events

    async def _echo(self, message: dict[str, Any], channel: str) -> None:
        chan = self.channels[channel]
        event = {k: v for k, v in message.items() if k != "metadata"}
        event.update({"channel": channel, "event_ts": message["ts"]})
        event["channel_type"] = "group" if chan.is_private else "channel"
        await self.push_event(event)

    async def member_joins(self, channel: str, user: str, inviter: str | None = None) -> str:
        """A person joins `channel`: push `member_joined_channel`; return the envelope id."""
        chan = self.channels[channel]
        chan.members.add(user)
        event: dict[str, Any] = {
            "type": "member_joined_channel",
            "user": user,
            "channel": channel,
            "channel_type": "G" if chan.is_private else "C",
            "team": self.team_id,
            "event_ts": self._new_ts(),
        }
        if inviter:
            event["inviter"] = inviter
        return await self.push_event(event)

    def slash_payload(self, channel: str, user: str, text: str, command: str = "/news") -> dict[str, Any]:
        """The body Slack sends for a slash command (as in its docs), with a live response_url."""
        chan = self.channels.get(channel)
        return {
            "token": "emulator-verification-token",
            "team_id": self.team_id,
            "team_domain": "emulated",
            "channel_id": channel,
            "channel_name": chan.name if chan else "unknown",
            "user_id": user,
            "user_name": self.users[user].name if user in self.users else user,
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": self._new_response_url(channel, user),
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
        }

    async def slash_command(self, channel: str, user: str, text: str, command: str = "/news") -> str:
        """Push a `slash_commands` envelope over Socket Mode; return the envelope id."""
        payload = self.slash_payload(channel, user, text, command)
        return await self.push("slash_commands", payload, accepts_response_payload=True)

    async def redeliver(self, envelope_id: str) -> None:
        """Send an envelope again with `retry_attempt` + 1, as Slack does when an ack is late."""
        env = self.envelopes[envelope_id]
        env.message["retry_attempt"] = env.message.get("retry_attempt", 0) + 1
        env.message["retry_reason"] = "timeout"
        env.acked.clear()
        env.ack_payload = None
        if self._sockets:
            await self._send_envelope(env, max(self._sockets))

    async def drop_connections(self) -> None:
        """Close every Socket Mode connection from Slack's side, with no warning (a network cut)."""
        for ws in list(self._sockets.values()):
            await ws.close()

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every connected client to reconnect, as Slack does before recycling a connection."""
        for ws in list(self._sockets.values()):
            await ws.send_json({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-emulator"}})

    # ----------------------------------------------------------------------------- HTTP delivery

    def sign(self, body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        """The X-Slack-Signature / X-Slack-Request-Timestamp headers Slack would send with `body`."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        key = (self.signing_secret if secret is None else secret).encode()
        digest = hmac.new(key, b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}

    async def deliver_http(
        self,
        url: str,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST a request to the app's HTTP endpoint as Slack would (sign it with `sign`)."""
        async with (
            aiohttp.ClientSession(trust_env=False) as session,
            session.post(url, data=body, headers={"Content-Type": content_type, **(headers or {})}) as resp,
        ):
            return resp.status, await resp.text()


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _after(ts: str, params: dict[str, Any]) -> bool:
    """Whether a message ts is inside the `oldest` / `latest` window of a history request."""
    inclusive = _truthy(params.get("inclusive"))
    if params.get("oldest") not in (None, ""):
        oldest = float(params["oldest"])
        if float(ts) < oldest or (float(ts) == oldest and not inclusive):
            return False
    if params.get("latest") not in (None, ""):
        latest = float(params["latest"])
        if float(ts) > latest or (float(ts) == latest and not inclusive):
            return False
    return True


def _page(messages: list[dict[str, Any]], params: dict[str, Any], *, default_limit: int) -> dict[str, Any]:
    """One page of `messages` by `limit` / `cursor`, metadata only with `include_all_metadata`."""
    try:
        limit = max(1, min(999, int(params.get("limit") or default_limit)))
        start = int(base64.b64decode(str(params["cursor"])).decode().removeprefix("next_ts:")) \
            if params.get("cursor") else 0
    except (ValueError, binascii.Error):
        return {"ok": False, "error": "invalid_cursor"}
    chunk = messages[start : start + limit]
    if not _truthy(params.get("include_all_metadata")):
        chunk = [{k: v for k, v in m.items() if k != "metadata"} for m in chunk]
    more = start + limit < len(messages)
    answer: dict[str, Any] = {"ok": True, "messages": [dict(m) for m in chunk], "has_more": more}
    answer["response_metadata"] = {
        "next_cursor": base64.b64encode(f"next_ts:{start + limit}".encode()).decode() if more else ""
    }
    return answer


def block_kit_problem(blocks: Any) -> str | None:
    """Check `blocks` against the documented Block Kit limits we rely on; describe the first breach."""
    if not isinstance(blocks, list):
        return "blocks must be an array"
    if len(blocks) > BLOCKS_PER_MESSAGE:
        return f"more than {BLOCKS_PER_MESSAGE} blocks"
    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "section":
            text = block.get("text") or {}
            if text.get("type") not in ("mrkdwn", "plain_text") or not text.get("text"):
                return f"blocks[{i}]: section needs a text object"
            if len(text["text"]) > SECTION_TEXT_LIMIT:
                return f"blocks[{i}]: section text longer than {SECTION_TEXT_LIMIT}"
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > CONTEXT_ELEMENTS_LIMIT:
                return f"blocks[{i}]: context needs 1-{CONTEXT_ELEMENTS_LIMIT} elements"
            for el in elements:
                if el.get("type") in ("mrkdwn", "plain_text") and len(el.get("text", "")) > SECTION_TEXT_LIMIT:
                    return f"blocks[{i}]: context text longer than {SECTION_TEXT_LIMIT}"
        elif kind == "header":
            text = block.get("text") or {}
            if text.get("type") != "plain_text" or len(text.get("text", "")) > 150:
                return f"blocks[{i}]: header needs plain_text of at most 150 characters"
        elif kind in ("divider", "rich_text", "actions", "image", "input", "file", "video"):
            continue
        else:
            return f"blocks[{i}]: unknown block type {kind!r}"
    return None


MENTION_RE = re.compile(r"<(?:!channel|!here|!everyone|@[UW][A-Z0-9]+|!subteam\^[A-Z0-9]+)(?:\|[^>]*)?>")


def pings(text: str) -> list[str]:
    """The mentions in Slack mrkdwn `text` that would notify someone (as Slack parses them)."""
    return MENTION_RE.findall(text)


# --------------------------------------------------------------------------------- pytest fixture

# Variables that would send loopback traffic to a proxy (slack-sdk ignores NO_PROXY) or silently
# switch slack-bolt to OAuth; tests must never inherit them.
HOSTILE_ENV = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)

CHANNEL = "C0NEWSDESK"
ARCHIVED_CHANNEL = "C0ARCHIVED"
OUTSIDE_CHANNEL = "C0OUTSIDE"
EDITOR = "U0EDITOR"
ADMIN = "U0ADMIN"
OWNER = "U0OWNER"


def standard_workspace(emulator: SlackEmulator) -> None:
    """A newsroom: #newsdesk (bot is a member), an archived channel, one the bot is not in; people."""
    emulator.add_user(User(EDITOR, "editor"))
    emulator.add_user(User(ADMIN, "admin", is_admin=True))
    emulator.add_user(User(OWNER, "owner", is_owner=True))
    members = (EDITOR, ADMIN, OWNER)
    emulator.add_channel(CHANNEL, "newsdesk", members=members)
    emulator.add_channel(ARCHIVED_CHANNEL, "old-desk", is_archived=True, members=members)
    emulator.add_channel(OUTSIDE_CHANNEL, "random", is_member=False, members=members)


@pytest.fixture
async def slack_emulator(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackEmulator]:
    """A started emulator with `standard_workspace`, and an environment safe for slack-sdk."""
    for name in HOSTILE_ENV:
        monkeypatch.delenv(name, raising=False)
    emulator = SlackEmulator()
    standard_workspace(emulator)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()
