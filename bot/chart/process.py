"""Rendering the timeline chart in a separate process, so the bot never imports matplotlib itself.

`render_chart` runs `python -m bot.chart.draw` with the timeline data as JSON on its standard
input and reads the PNG from its standard output (why: see `bot.chart.draw`). The process starts,
imports matplotlib, draws and exits: about half a second in all for a 90-day story
(`bench/timeline_render.py`). Charts are asked for a few times a day, so nothing is kept running.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

from bot.chart.png import NotPng, png_size
from bot.understand.timeline_types import TimelineData, to_json

log = logging.getLogger("bot.chart.process")

TIMEOUT_SECONDS = 60.0  # a first run on a new machine also builds matplotlib's font cache


class ChartError(Exception):
    """The chart could not be drawn; the message is one sentence for the person who asked."""


def render_chart(data: TimelineData, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The chart of `data` as PNG bytes, drawn by `python -m bot.chart.draw` in a child process."""
    started = time.perf_counter()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    try:
        done = subprocess.run([sys.executable, "-m", "bot.chart.draw"], input=to_json(data).encode(),
                              capture_output=True, timeout=timeout, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("event=chart_failed story=%s error=%r", data.story, exc)
        raise ChartError("I could not draw the chart (the drawing process did not finish); "
                         "the details are in the bot's log.") from exc
    try:
        width, height = png_size(done.stdout)
    except NotPng:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        log.warning("event=chart_failed story=%s exit=%s error=%s", data.story, done.returncode, detail[0][:300])
        raise ChartError("I could not draw the chart; the details are in the bot's log.") from None
    log.info("event=chart_drawn story=%s days=%d developments=%d width=%d height=%d bytes=%d ms=%d", data.story,
             len(data.days), data.total, width, height, len(done.stdout), (time.perf_counter() - started) * 1000)
    return done.stdout
