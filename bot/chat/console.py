"""The console adapter: the chat port on standard input and output.

Each input line is a message from the person at the terminal in channel `console`; posts are
printed as plain text with thread replies indented, so the whole flow can be scripted:
`printf 'stories\\nwho are the mediators?\\n' | newsdesk-bot chat`. Piped input is echoed (`> stories`)
before each reply, so a transcript reads as question and answer. A post with a picture (a story's
timeline chart) is written as a file into `image_dir`; the console prints the file's path and the
picture's one-line text stand-in (a sparkline).
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import tempfile
import threading
from pathlib import Path
from typing import TextIO

from bot.chat.port import MessageHandler
from bot.chat.render_text import render_text
from bot.domain import Image, IncomingMessage, Post
from bot.redact import redact_text
from bot.text import strip_controls

CONSOLE_CHANNEL = "console"
CONSOLE_USER = "console"


class ConsoleAdapter:
    """Chat over a terminal (or any pair of text streams)."""

    platform = "console"

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None, prompt: bool | None = None,
                 echo: bool | None = None, image_dir: Path | None = None) -> None:
        self._in = stdin or sys.stdin
        self._image_dir = image_dir or Path(tempfile.gettempdir()) / "newsdesk-charts"
        self._out = stdout or sys.stdout
        self._prompt = self._in.isatty() if prompt is None else prompt
        # piped input is not shown by a terminal: each line is echoed (`> who are the mediators?`) before its answer
        self._echo = not self._prompt if echo is None else echo
        self._ids = itertools.count(1)
        self._threads: dict[str, int] = {}
        self.finished = asyncio.Event()
        self.reconnects = 0  # a terminal never reconnects

    @property
    def connected(self) -> bool:
        """True until the input ends (the console's only connection is its input)."""
        return not self.finished.is_set()

    async def start(self, on_message: MessageHandler) -> None:
        """Read lines until end of input, handing each to `on_message` in turn.

        Lines are read on a daemon thread, so a blocked read never holds up shutdown (SIGTERM).
        """
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()

        def read() -> None:
            while True:
                try:
                    line = self._in.readline()
                except (OSError, ValueError):
                    line = ""
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, line)
                except RuntimeError:  # the loop has closed
                    return
                if not line:
                    return

        threading.Thread(target=read, name="console-input", daemon=True).start()
        try:
            while True:
                if self._prompt:
                    self._write("> ", newline=False)
                line = await lines.get()
                if not line:
                    break
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                if text.lower() in ("quit", "exit"):
                    break
                if self._echo:
                    self._write(f"> {redact_text(strip_controls(text))}")  # a pasted secret is not shown
                message_id = f"m{next(self._ids)}"
                await on_message(IncomingMessage("console", CONSOLE_CHANNEL, CONSOLE_USER, text, message_id,
                                                 None, True))
        finally:
            self.finished.set()

    async def stop(self) -> None:
        """Nothing to disconnect; output is flushed."""
        self._out.flush()

    async def send(self, channel: str, post: Post, thread: str | None = None, key: str | None = None) -> str:
        """Print a post (indented when it belongs to a thread)."""
        message_id = f"p{next(self._ids)}"
        depth = self._threads.get(thread, 0) + 1 if thread else 0
        self._threads[message_id] = depth
        self._write(render_text(post, indent=4 * depth))
        if post.image is not None:
            self._write("\n".join(" " * (4 * depth + 2) + line for line in self._save_image(post.image)))
        return message_id

    def _save_image(self, image: Image) -> list[str]:
        """Write a post's picture to a file; the lines that say where, and its text stand-in."""
        path = self._image_dir / Path(image.name).name
        try:
            self._image_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(image.data)
        except OSError as exc:
            return [f"chart not saved ({exc.strerror or exc})", strip_controls(image.text)]
        return [f"chart: {path} ({image.width}x{image.height} PNG)", strip_controls(image.text)]

    async def reply(self, to: IncomingMessage, post: Post, private: bool = False) -> str:
        """Print the answer to a person's message."""
        return await self.send(to.channel, post, thread=None)

    async def edit(self, channel: str, message_id: str, post: Post) -> None:
        """Print the corrected post, marked as an edit of the earlier one."""
        depth = self._threads.get(message_id, 0)
        self._write(render_text(Post(f"(edited {message_id}) {post.heading}", post.lines, post.citations),
                                indent=4 * depth))

    async def is_admin(self, channel: str, user: str) -> bool:
        """The console has no room admins; configured admins still apply."""
        return False

    def _write(self, text: str, newline: bool = True) -> None:
        self._out.write(text + ("\n" if newline else ""))
        self._out.flush()
