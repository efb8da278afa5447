"""The runtime's incoming chat messages: each answered once, from the seeds, its posts threaded.

A message waits for the first seeds scan (so it is answered from what seeds/ holds, not from an
empty store at start-up); on a shared store it is recorded before it is answered, so one
redelivered to the next leader is not answered twice. Each of the router's posts is a reply with
its own replies threaded under it; a rate limit is waited out. Questions are kept with their
answers for the story pages, and a `leave` is carried out once its reply is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from bot.chat.port import ChatPort, DeliveryError, RateLimited, RoomLeaver
from bot.chat.router import Ask, Router
from bot.domain import Answer, IncomingMessage, Post
from bot.runtime.core import Core
from bot.runtime.metrics import Metrics
from bot.store.questions import QuestionLog
from bot.store.runtime_repo import RuntimeRepo

log = logging.getLogger("bot.runtime")  # the runtime's events keep one logger name

FIRST_SCAN_WAIT_SECONDS = 60.0


class Incoming:
    """Answers what the chat ports bring, for one `Runtime`: owns the router and the question log."""

    def __init__(self, core: Core, repo: RuntimeRepo, ports: Mapping[str, ChatPort], metrics: Metrics,
                 first_scan: asyncio.Event, clock: Callable[[], datetime], ask: Ask, shared: bool,
                 worker_id: str) -> None:
        self.repo = repo
        self.ports = ports
        self.metrics = metrics
        self.first_scan = first_scan  # set: no scan pending
        self.clock = clock
        self.shared = shared  # several workers may run on this store
        self.worker_id = worker_id
        self.questions = QuestionLog(core.store.engine)
        self._answer = ask
        self.router = Router(core, self.ask_and_record)
        self.router.room_admin = self.room_admin
        self.router.thread_story = self.thread_story
        self._leaving: dict[tuple[str, str, str], RoomLeaver] = {}

    def on_message_for(self, port: ChatPort) -> Callable[[IncomingMessage], Awaitable[None]]:
        """The callback a port calls with each message: answers it, and logs (never raises) a failure."""
        async def on_message(message: IncomingMessage) -> None:
            try:
                await self.handle(port, message)
            except Exception:
                log.exception("event=message_failed platform=%s channel=%s", message.platform, message.channel)

        return on_message

    async def run_adapter(self, port: ChatPort) -> None:
        """Run a port that reads until its input ends (the console) alongside the rest; a failure is logged."""
        try:
            await port.start(self.on_message_for(port))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event=adapter_failed platform=%s", port.platform)

    async def handle(self, port: ChatPort, message: IncomingMessage) -> None:
        """Answer one message: the router's posts as replies, each reply tree threaded under its head."""
        log.info("event=message platform=%s channel=%s sender=%s", message.platform, message.channel, message.sender)
        if self.shared and message.platform != "console" and message.message_id and not await asyncio.to_thread(
                self.repo.take_message, message.platform, message.channel, message.message_id, self.worker_id):
            log.info("event=message_already_handled platform=%s channel=%s message=%s", message.platform,
                     message.channel, message.message_id)
            return
        began = time.perf_counter()
        with contextlib.suppress(TimeoutError):  # answer from the seeds, not from an empty store at start-up
            await asyncio.wait_for(self.first_scan.wait(), timeout=FIRST_SCAN_WAIT_SECONDS)
        posts = await self.router.handle(message)
        for post in posts:
            head = Post(post.heading, post.lines, post.citations, image=post.image)
            try:
                message_id = await _with_rate_limit(functools.partial(port.reply, message, head, post.private))
                for reply in post.replies:
                    await _with_rate_limit(functools.partial(port.send, message.channel, reply, thread=message_id))
            except DeliveryError as exc:
                log.warning("event=reply_failed platform=%s channel=%s reason=%r", message.platform,
                            message.channel, str(exc))
        if posts:
            self.metrics.answered(time.perf_counter() - began)
        leaver = self._leaving.pop((message.platform, message.channel, message.message_id), None)
        if leaver is not None:
            try:
                await leaver.leave(message.channel)
                log.info("event=left_room platform=%s channel=%s by=%s", message.platform, message.channel,
                         message.sender)
            except DeliveryError as exc:
                log.warning("event=leave_failed platform=%s channel=%s reason=%r", message.platform,
                            message.channel, str(exc))

    def ask_and_record(self, question: str, story: str | None) -> Answer:
        """Answer a question (on the router's answer threads) and keep it with its answer for the story's page."""
        answer = self._answer(question, story)
        try:
            self.questions.record(answer, story, self.clock())
        except Exception:  # the person still gets the answer
            log.exception("event=question_record_failed")
        return answer

    def leave_after_reply(self, message: IncomingMessage) -> bool:
        """Leave the message's room once it has been answered; False when its platform cannot leave."""
        port = self.ports.get(message.platform)
        if not isinstance(port, RoomLeaver):
            return False
        self._leaving[(message.platform, message.channel, message.message_id)] = port
        return True

    async def room_admin(self, message: IncomingMessage) -> bool:
        """Whether the sender is an admin of the room the message came from (on its platform)."""
        port = self.ports.get(message.platform)
        return bool(port and await port.is_admin(message.channel, message.sender))

    async def thread_story(self, message: IncomingMessage) -> str | None:
        """The story whose thread (a story thread, digest or live post) the message replies in, if any."""
        if not message.thread:
            return None
        row = await asyncio.to_thread(self.repo.by_message_id, message.platform, message.channel, message.thread)
        return row.story if row is not None and row.kind in ("thread", "digest", "live") else None


async def _with_rate_limit(send: Callable[[], Awaitable[str]], tries: int = 3) -> str:
    """Run one send, waiting out a rate limit (as the platform asked) up to `tries` times."""
    for attempt in range(tries):
        try:
            return await send()
        except RateLimited as exc:
            if attempt == tries - 1:
                raise
            await asyncio.sleep(exc.retry_after)
    raise AssertionError("unreachable")
