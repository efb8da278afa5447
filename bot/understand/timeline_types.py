"""A story's timeline as plain data, and the words that say what it shows.

`TimelineData` is what `bot.understand.timeline.timeline_data` reads from the store and what
`bot.chart.draw` draws: developments per day (new / changed, with the distinct outlets that
carried them), each changed figure as a step series of its values with their outlets, and the
three most salient developments. Nothing here touches the store or matplotlib, so the chart's
drawing process (`python -m bot.chart.draw`) loads this module alone; the data crosses to it as
JSON (`to_json` / `from_json`).

The words are made here too, from the data alone: `alt_text` (what the chart shows, for screen
readers and as a Matrix image's body) and `sparkline` (one line of text for the console).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

SPARK = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60  # characters a sparkline is at most (days are grouped to fit)
ALT_SERIES = 4  # changed figures named in the alt text
ALT_SENTENCE_CHARS = 140  # a salient development's sentence in the alt text is cut here


@dataclass(frozen=True)
class DayCount:
    """One day of the window: developments by kind and the distinct outlets that carried them."""

    day: date
    new: int = 0
    changed: int = 0
    outlets: int = 0

    @property
    def total(self) -> int:
        """Developments on the day, new and changed."""
        return self.new + self.changed


@dataclass(frozen=True)
class StepPoint:
    """One value a tracked figure took: when it was published, as the text put it, the number it
    reads as (None when it is not one), and the outlet that said it."""

    when: datetime
    value: str
    number: float | None
    outlet: str


@dataclass(frozen=True)
class StepSeries:
    """A figure that changed (`hostages (hold)`), its values in publication order."""

    label: str
    points: tuple[StepPoint, ...]


@dataclass(frozen=True)
class Salient:
    """One of the story's most salient developments in the window, with its rank (1 is the most)."""

    rank: int
    when: datetime
    text: str
    outlet: str
    salience: float


@dataclass(frozen=True)
class TimelineData:
    """What a story's timeline chart shows, for one window of publication time [since, until)."""

    story: str
    title: str
    since: datetime
    until: datetime
    days: tuple[DayCount, ...]
    series: tuple[StepSeries, ...] = ()
    salient: tuple[Salient, ...] = ()
    undated: int = 0  # developments from undated articles: counted, but on no day

    @property
    def total(self) -> int:
        """Developments in the window (those on a day)."""
        return sum(d.total for d in self.days)

    @property
    def quiet(self) -> bool:
        """Whether nothing happened in the window, so there is nothing to draw."""
        return self.total == 0


def day_label(when: date) -> str:
    """A day as a desk says it: `11 Feb`."""
    return f"{when.day} {when.strftime('%b')}"


def span_label(data: TimelineData) -> str:
    """The window as words: `1 Mar to 30 Mar 2024`."""
    first, last = data.days[0].day if data.days else data.since.date(), data.days[-1].day if data.days else \
        data.until.date()
    year = "" if first.year == last.year else f" {first.year}"
    return f"{day_label(first)}{year} to {day_label(last)} {last.year}"


def series_words(series: StepSeries) -> str:
    """A changed figure in words: `hostages (hold): 136 (AP, 11 Feb), then 130 (Reuters, 30 Mar)`."""
    steps = [f"{p.value} ({p.outlet or 'a source'}, {day_label(p.when.date())})" for p in series.points]
    return f"{series.label}: " + ", then ".join(steps)


def alt_text(data: TimelineData) -> str:
    """What the chart shows, in words (for screen readers, and wherever the picture is not seen)."""
    if data.quiet:
        return f"No developments on {data.title} were published from {span_label(data)}."
    new = sum(d.new for d in data.days)
    changed = sum(d.changed for d in data.days)
    active = [d for d in data.days if d.total]
    busiest = max(active, key=lambda d: (d.total, d.outlets))
    parts = [f"Timeline chart of {data.title}, {span_label(data)}: {data.total} development"
             f"{'' if data.total == 1 else 's'} ({new} new, {changed} changed) on {len(active)} "
             f"day{'' if len(active) == 1 else 's'}, most on {day_label(busiest.day)} ({busiest.total} from "
             f"{busiest.outlets} outlet{'' if busiest.outlets == 1 else 's'})."]
    if data.series:
        shown = data.series[:ALT_SERIES]
        parts.append("Figures that changed: " + "; ".join(series_words(s) for s in shown) + ".")
        if len(data.series) > len(shown):
            parts.append(f"{len(data.series) - len(shown)} more figures changed.")
    for s in data.salient:
        text = s.text if len(s.text) <= ALT_SENTENCE_CHARS else s.text[:ALT_SENTENCE_CHARS - 1].rstrip() + "…"
        parts.append(f"Marker {s.rank}, {day_label(s.when.date())}, {s.outlet or 'a source'}: {text}")
    return " ".join(parts)


def sparkline(data: TimelineData, width: int = SPARK_WIDTH) -> str:
    """Developments per day as one line of block characters (days grouped to fit `width`), with the span."""
    counts = [d.total for d in data.days]
    if not counts:
        return ""
    size = max(1, -(-len(counts) // width))
    groups = [sum(counts[i:i + size]) for i in range(0, len(counts), size)]
    top = max(groups) or 1
    bars = "".join(" " if n == 0 else SPARK[min(len(SPARK) - 1, (n * len(SPARK) - 1) // top)] for n in groups)
    per = "day" if size == 1 else f"{size} days"
    return f"{day_label(data.days[0].day)} |{bars}| {day_label(data.days[-1].day)} ({data.total} developments, " \
           f"one mark per {per})"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def to_json(data: TimelineData) -> str:
    """The data as JSON (for the drawing process)."""
    return json.dumps({
        "story": data.story, "title": data.title, "since": data.since.isoformat(), "until": data.until.isoformat(),
        "undated": data.undated,
        "days": [[d.day.isoformat(), d.new, d.changed, d.outlets] for d in data.days],
        "series": [{"label": s.label, "points": [[p.when.isoformat(), p.value, p.number, p.outlet] for p in s.points]}
                   for s in data.series],
        "salient": [[s.rank, s.when.isoformat(), s.text, s.outlet, s.salience] for s in data.salient],
    })


def from_json(text: str) -> TimelineData:
    """The data `to_json` wrote."""
    raw: dict[str, Any] = json.loads(text)
    return TimelineData(
        raw["story"], raw["title"], _when(raw["since"]), _when(raw["until"]),
        tuple(DayCount(date.fromisoformat(d), new, changed, outlets) for d, new, changed, outlets in raw["days"]),
        tuple(StepSeries(s["label"], tuple(StepPoint(_when(w), v, n, o) for w, v, n, o in s["points"]))
              for s in raw["series"]),
        tuple(Salient(r, _when(w), t, o, sal) for r, w, t, o, sal in raw["salient"]),
        int(raw.get("undated", 0)),
    )
