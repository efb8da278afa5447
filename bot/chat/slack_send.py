"""Slack posts out: messages, threaded and private replies, answers to slash commands, edits, pictures.

`Post`s are rendered to Block Kit (see `render_slack`) and sent with the Web API; Slack errors
become the port's delivery errors so the runtime can retry or give up.

Exactly once: chat.postMessage has no idempotency key, so each message sent for an outbox row
carries the row's key in its message `metadata` (`event_type` "newsdesk_post"). When the outbox
retries a row that may already have been posted (a timeout, a crash before it was marked sent),
`find_sent` reads the channel or thread back with `include_all_metadata` and returns the message
already there instead of posting it again; parts of a split post found there are not reposted.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.chat.port import DeliveryError, PermanentDeliveryError, RateLimited, TransientDeliveryError
from bot.chat.render_slack import SlackMessage, render_post
from bot.chat.slack_api import SlackApi, SlackPermanentError, header, remember
from bot.chat.slack_events import COMMAND_ID_PREFIX
from bot.domain import Image, IncomingMessage, Post

ALT_TEXT_LIMIT = 1000  # characters of alt_txt Slack accepts (alt_txt_too_large beyond)
METADATA_EVENT_TYPE = "newsdesk_post"  # message metadata naming the outbox key of a post
LOOKUP_PAGE = 200  # messages per conversations.history / replies page when looking for a key
LOOKUP_PAGES = 10  # pages read at most (the search starts shortly before the row was written)
LOOKUP_MARGIN_SECONDS = 300  # clock difference allowed between us and Slack
_NOT_THERE = frozenset({"not_in_channel", "channel_not_found"})


def _metadata(key: str, part: int, parts: int) -> dict[str, Any]:
    """Message metadata naming the outbox key (and which part of how many) of a posted message."""
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": key, "part": part, "parts": parts}}


def _fingerprint(messages: list[SlackMessage]) -> str:
    """A stable digest of rendered messages, to recognise a retry of the same post."""
    blob = json.dumps([[m.text, m.blocks] for m in messages], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class SlackSender:
    """Everything the adapter posts to Slack, and the parts of split posts already posted.

    `response_url(message_id)` gives a slash command's response_url while it is remembered.
    """

    def __init__(self, api: SlackApi, response_url: Callable[[str], str | None]) -> None:
        self._api = api
        self._config = api.config
        self._log = api.log
        self._client = api.client
        self._response_url = response_url
        self._partial: OrderedDict[tuple[str, str, str], list[str]] = OrderedDict()  # parts already posted

    async def _post(
        self, channel: str, message: SlackMessage, thread: str | None, metadata: dict[str, Any] | None = None
    ) -> str:
        response = await self._api.call(
            "chat.postMessage",
            self._client.chat_postMessage(
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
                remember(self._partial, partial_key, sent)
                self._log.warning("slack.partial_send channel=%s parts_sent=%d of=%d", channel, len(sent),
                                  len(messages))
            raise
        self._log.info("slack.sent channel=%s ts=%s thread=%s parts=%d", channel, sent[0], thread, len(messages))
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
        response = await self._api.call("files.uploadV2", self._client.files_upload_v2(
            content=image.data, filename=image.name, title=post.heading[:250] or image.name, alt_txt=alt,
            channel=channel, thread_ts=thread, initial_comment=comment))
        file = response.get("file") or {}
        file_id = str(file.get("id", ""))
        self._log.info("slack.uploaded channel=%s file=%s thread=%s bytes=%d", channel, file_id, thread,
                       len(image.data))
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
            self._log.warning("slack.lookup_failed channel=%s thread=%s error=%s", channel, thread, exc)
            return None
        if 0 not in parts:
            self._log.info("slack.lookup channel=%s thread=%s found=none", channel, thread)
            return None
        total = parts[0][1]
        found: list[str] = []
        while len(found) in parts:
            found.append(parts[len(found)][0])
        if len(found) >= total:
            self._log.info("slack.lookup channel=%s thread=%s found=%s parts=%d", channel, thread, found[0], total)
            return found[0]
        remember(self._partial, (channel, thread or "", key), found)
        self._log.info("slack.lookup channel=%s thread=%s found=%s parts=%d of=%d", channel, thread, found[0],
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
                response = await self._api.call(method, self._client.conversations_replies(ts=ts, **args))
            else:
                response = await self._api.call(method, self._client.conversations_history(**args))
            for message in response.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") != METADATA_EVENT_TYPE or payload.get("key") != key:
                    continue
                if message.get("bot_id") is None and message.get("user") != self._api.bot_user_id:
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
        url = self._response_url(to.message_id)
        if private:
            if url is not None:
                try:
                    return await self._respond(url, post, "ephemeral")
                except PermanentDeliveryError as exc:  # expired or used up: fall back to the Web API
                    self._log.warning("slack.response_url_failed error=%s", exc)
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
            response = await self._api.call(
                "chat.postEphemeral",
                self._client.chat_postEphemeral(
                    channel=channel, user=user, text=message.text, blocks=message.blocks, thread_ts=thread
                ),
            )
            first = first or str(response.get("message_ts", ""))
        return first

    async def _respond(self, url: str, post: Post, response_type: str) -> str:
        webhook = AsyncWebhookClient(url, timeout=self._config.request_timeout)
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
                raw = header(result.headers, "Retry-After")
                raise RateLimited(float(raw) if raw and raw.isdigit() else 1.0, "slack response_url")
            if result.status_code >= 500:
                raise TransientDeliveryError(f"slack response_url: HTTP {result.status_code} {result.body}")
            if result.status_code != 200:
                raise PermanentDeliveryError(f"slack response_url: HTTP {result.status_code} {result.body}")
        self._log.info("slack.responded type=%s", response_type)
        return ""

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Replace the message `message_id` with `post`, which must fit in one Slack message."""
        messages = render_post(post)
        if len(messages) > 1:
            raise PermanentDeliveryError(
                f"slack chat.update: post needs {len(messages)} messages; one message cannot hold it"
            )
        await self._api.call(
            "chat.update",
            self._client.chat_update(channel=channel, ts=message_id, text=messages[0].text, blocks=messages[0].blocks),
        )
        self._log.info("slack.edited channel=%s ts=%s", channel, message_id)
