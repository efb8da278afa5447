"""A story's timeline as a post: the chart with its words, or one sentence when the window is quiet.

Shared by the chat command (`timeline STORY [since 30d]`), the CLI and daily digests that carry
the chart. The data comes from the store (`bot.understand.timeline`), the picture from a drawing
process (`bot.chart.process`), so building a post never imports matplotlib here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.chart.png import png_size
from bot.chart.process import render_chart
from bot.domain import Image, Post, Story
from bot.store.repo import Store
from bot.understand.timeline import quiet_sentence, timeline_data
from bot.understand.timeline_types import TimelineData, alt_text, span_label, sparkline

DEFAULT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class TimelineChart:
    """A drawn timeline: its data, the PNG and the post that carries it (no PNG when quiet)."""

    data: TimelineData
    png: bytes | None
    post: Post


def chart_name(story: str, until: datetime) -> str:
    """The chart's file name: `timeline-hostage-talks-2024-03-31.png`."""
    return f"timeline-{story}-{until.date().isoformat()}.png"


def timeline_chart(store: Store, story: Story, since: datetime, now: datetime, window: str) -> TimelineChart:
    """The timeline of `story` for [since, now) as a post with the chart (raises `ChartError` when it
    cannot be drawn); a quiet window gives a post of one sentence and no picture. `window` is the
    window as a person said it (`30 days`), for that sentence."""
    data = timeline_data(store, story, since, now)
    if data.quiet:
        return TimelineChart(data, None, Post(quiet_sentence(store, story, data, window)))
    png = render_chart(data)
    width, height = png_size(png)
    words = alt_text(data)
    image = Image(chart_name(story.id, data.until - timedelta(microseconds=1)), png, width, height, words,
                  sparkline(data))
    heading = f"{story.title}: timeline, {span_label(data)}"
    return TimelineChart(data, png, Post(heading, [words], image=image))


def page_chart(store: Store, story_id: str, now: datetime) -> bytes | None:
    """The PNG a story page shows: the last 30 days of the story, or None when that window is quiet
    or the story is not tracked."""
    story = next((s for s in store.list_stories() if s.id == story_id), None)
    if story is None:
        return None
    data = timeline_data(store, story, now - DEFAULT_WINDOW, now)
    return None if data.quiet else render_chart(data)
