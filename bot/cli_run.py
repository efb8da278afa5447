"""The CLI's long-running commands: `chat` (the console, no scheduler) and `run` (everything, until stopped)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.chat.console import ConsoleAdapter
from bot.domain import IncomingMessage
from bot.redact import redact_text
from bot.runtime.app import AdapterStartError, Runtime
from bot.runtime.core import Core
from bot.runtime.leadership import WorkerOptions
from bot.runtime.ports import configured_ports
from bot.runtime.welcome import welcome_line
from bot.store.cluster import is_shared
from bot.store.runtime_repo import RuntimeRepo
from bot.text import strip_controls

log = logging.getLogger("bot")


async def chat(core: Core) -> int:
    """Chat on this terminal: commands and questions, no scheduler (subscriptions are saved for `run`)."""
    console = ConsoleAdapter(image_dir=core.settings.data_dir / "charts")
    runtime = Runtime(core, [console])
    await runtime.scan_seeds()  # answer from what seeds/ holds now
    print(strip_controls(welcome_line(core)), flush=True)

    async def on_message(message: IncomingMessage) -> None:
        await runtime.handle(console, message)

    await console.start(on_message)
    return 0


async def run(core: Core, forever: bool) -> int:
    """Run everything until SIGTERM/SIGINT; a console-only run ends at end of input once posts are out."""
    holder: list[Runtime] = []

    async def room_replaced(old: str, new: str) -> None:
        if holder:
            await holder[0].room_replaced(old, new)

    options = WorkerOptions.from_environ(core.settings.environ)
    shared = RuntimeRepo(core.store.engine) if is_shared(core.store.engine) else None
    ports = configured_ports(core.settings, on_room_replaced=room_replaced, shared_state=shared)
    runtime = Runtime(core, ports, options=options)
    holder.append(runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if any(isinstance(p, ConsoleAdapter) for p in ports):
        await runtime.scan_seeds()  # so the first line tells what seeds/ holds now, not before its scan
        print(strip_controls(welcome_line(core)), flush=True)
    try:
        await runtime.start()
    except AdapterStartError as exc:
        print(f"newsdesk-bot: cannot start {redact_text(str(exc))}", file=sys.stderr)
        return 2
    waits = [asyncio.create_task(stop.wait()), asyncio.create_task(runtime.failed.wait())]
    console = next((p for p in ports if isinstance(p, ConsoleAdapter)), None)
    if console is not None and not forever:
        waits.append(asyncio.create_task(console.finished.wait()))
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set() and not runtime.failed.is_set():
        log.info("event=console_input_ended action=drain")
        if not await runtime.drain(timeout=60):
            log.warning("event=drain_timeout")
    for task in waits:
        task.cancel()
    await runtime.stop()
    if runtime.failed.is_set():
        print(f"newsdesk-bot: stopped: {redact_text(runtime.failure)}.", file=sys.stderr)
        return 1
    return 0
