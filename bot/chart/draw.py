"""Drawing a story's timeline chart: `TimelineData` in, PNG bytes out (matplotlib, Agg, no display).

Why a module of its own, run in its own process: importing matplotlib takes about 0.35 s here
(measured by `bench/timeline_render.py`), close to what the whole `newsdesk-bot` command line
takes to import, and every CLI command and the bot's start would pay it although charts are
rare. The layer rules forbid deferring an import into a function, so matplotlib is imported at
this module's top and nothing in the bot imports this module: the bot renders by running
`python -m bot.chart.draw` (see `bot.chart.process`), which reads the data as JSON on standard
input and writes the PNG to standard output. Benchmarks and a web page that wants the picture
in-process import it and call `render_timeline_png`.

What the picture holds, for a phone (1080 px wide): a title; developments per day as stacked bars
(new, changed) with the number of distinct outlets that day as a line; the three most salient
developments as numbered markers on their day, explained in words under the chart; one panel per
figure that changed, a step line labelled with each value and its outlet. Colours are the
Okabe-Ito palette (safe for the common colour-vision deficiencies), and kinds differ by hatching
too, so the chart reads in greyscale.
"""

from __future__ import annotations

import io
import sys
import textwrap
from datetime import datetime, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.dates import DateFormatter, DayLocator, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.understand.timeline_types import StepSeries, TimelineData, day_label, from_json, span_label

WIDTH_PX = 1080
DPI = 150
WIDTH_IN = WIDTH_PX / DPI
# Okabe-Ito
BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                                       "#56B4E9", "#000000")
SERIES_COLOURS = (GREEN, PURPLE, ORANGE, SKY)
MAX_SERIES = 4  # figure panels drawn (the alt text names up to as many; the rest are counted there)
TITLE_IN, BARS_IN, SERIES_IN, CAPTION_LINE_IN, MARGIN_IN = 0.75, 3.4, 1.9, 0.24, 0.25
CAPTION_WRAP = 74  # characters per caption line at the caption's font size
CAPTION_LINES = 3  # lines per salient development at most
FONT = 11
TITLE_CHARS = 60  # a story's title is shortened to fit the picture's width
TICKS = 6  # date labels on an axis at most
LABELS_PER_SERIES = 7  # value labels a step line's width holds without overlapping
PNG_COMPRESSION = 3  # zlib level: a little bigger than the default 6, drawn in less time


def _plain(text: str) -> str:
    """Feed text shown as itself: a `$` would start matplotlib's math mode."""
    return text.replace("$", r"\$")


def _caption_lines(data: TimelineData) -> list[str]:
    lines: list[str] = []
    for s in data.salient:
        head = f"{s.rank}. {day_label(s.when.date())}, {s.outlet or 'a source'}: "
        wrapped = textwrap.wrap(head + s.text, CAPTION_WRAP, subsequent_indent="    ")
        if len(wrapped) > CAPTION_LINES:
            wrapped = wrapped[:CAPTION_LINES]
            wrapped[-1] = wrapped[-1][:CAPTION_WRAP - 1].rstrip() + "…"
        lines += wrapped
    return lines


def _x_range(data: TimelineData) -> tuple[float, float]:
    """The x-axis span: the window, less its quiet start (a long window of a young story would be
    mostly empty), a day of margin on each side."""
    active = [d.day for d in data.days if d.total]
    first = active[0] if active else data.since.date()
    start = max(date2num(data.since), date2num(datetime(first.year, first.month, first.day)) - 1)
    return start - 0.5, date2num(data.since + timedelta(days=max(1, len(data.days)))) - 0.5


def _date_axis(ax: Axes, data: TimelineData) -> None:
    start, end = _x_range(data)
    ax.set_xlim(start, end)
    span = max(1, round(end - start))
    ax.xaxis.set_major_locator(DayLocator(interval=max(1, -(-span // TICKS))))
    ax.xaxis.set_major_formatter(DateFormatter("%d %b" if span <= 200 else "%b %Y"))
    ax.tick_params(labelsize=FONT - 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _rectangles(x: list[float], bottom: list[int], height: list[int], width: float) -> list[list[tuple[float, float]]]:
    return [[(xi - width / 2, b), (xi - width / 2, b + h), (xi + width / 2, b + h), (xi + width / 2, b)]
            for xi, b, h in zip(x, bottom, height, strict=True) if h]


def _bars(ax: Axes, data: TimelineData) -> None:
    active = [d for d in data.days if d.total]  # a quiet day draws nothing (a long window stays cheap)
    x = [date2num(datetime(d.day.year, d.day.month, d.day.day, 12)) - 0.5 for d in active]
    new = [d.new for d in active]
    changed = [d.changed for d in active]
    start, end = _x_range(data)
    width = max(0.8, (end - start) / 250)  # a bar stays visible however long the window
    # one collection per kind: one artist instead of a patch per bar (a 90-day chart draws in a fraction)
    ax.add_collection(PolyCollection(_rectangles(x, [0] * len(x), new, width), facecolors=BLUE, linewidths=0))
    ax.add_collection(PolyCollection(_rectangles(x, new, changed, width), facecolors=VERMILLION, hatch="///",
                                     edgecolors="white", linewidths=0))
    ax.plot(x, [d.outlets for d in active], linestyle="none", color=BLACK, marker="D", markersize=5)
    top = max(max(d.total for d in data.days), max(d.outlets for d in data.days), 1)
    ax.set_ylim(0, top * 1.3 + 1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.set_ylabel("developments", fontsize=FONT)
    stacked: dict[object, int] = {}
    for s in data.salient:
        day = s.when.date()
        at = next((d for d in data.days if d.day == day), None)
        height = max(at.total, at.outlets) if at else 0
        xs = date2num(datetime(day.year, day.month, day.day, 12)) - 0.5
        above = stacked.get(day, 0)  # markers of one day stand one above the other
        stacked[day] = above + 1
        ax.annotate(str(s.rank), (xs, height), xytext=(0, 10 + 24 * above), textcoords="offset points", ha="center",
                    va="bottom", fontsize=FONT, fontweight="bold", color=BLACK,
                    bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": BLACK, "linewidth": 1.2})
    legend = [Patch(facecolor=BLUE, label="new"),
              Patch(facecolor=VERMILLION, hatch="///", edgecolor="white", label="changed"),
              Line2D([], [], linestyle="none", color=BLACK, marker="D", markersize=5, label="outlets that day")]
    ax.legend(handles=legend, loc="upper left", fontsize=FONT - 1, frameon=False, ncols=3)
    _date_axis(ax, data)
    ax.set_title("Developments per day", fontsize=FONT + 1, loc="left")


def _labelled(xs: list[float], span: float) -> list[int]:
    """Which points of a step line get a label: the first, the last, and those far enough from the
    previous label not to overlap it (labels of a busy figure would otherwise pile up)."""
    chosen: list[int] = []
    gap = span / LABELS_PER_SERIES
    for i, x in enumerate(xs):
        if i == len(xs) - 1:
            if chosen and x - xs[chosen[-1]] < gap and len(chosen) > 1:
                chosen.pop()
            chosen.append(i)
        elif not chosen or x - xs[chosen[-1]] >= gap:
            chosen.append(i)
    return chosen


def _series(ax: Axes, data: TimelineData, series: StepSeries, colour: str) -> None:
    start, end = _x_range(data)
    xs = [max(start + 0.5, date2num(p.when)) for p in series.points]
    ys = [p.number or 0.0 for p in series.points]
    ax.step(xs + [end], ys + [ys[-1]], where="post", color=colour, linewidth=2.4)
    ax.plot(xs, ys, linestyle="none", marker="o", markersize=6, color=colour)
    low, high = min(ys), max(ys)
    pad = (high - low) * 0.6 or max(abs(high) * 0.3, 1.0)
    ax.set_ylim(low - pad * 0.4, high + pad)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=all(y == int(y) for y in ys)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,g}"))
    shown = _labelled(xs, end - start)
    for i in shown:
        x, y, p = xs[i], ys[i], series.points[i]
        right = i == len(xs) - 1 and x > (start + end) / 2
        ax.annotate(_plain(f"{p.value}\n{p.outlet or 'a source'}"), (x, y), xytext=(-4 if right else 4, 6),
                    textcoords="offset points", fontsize=FONT - 1, ha="right" if right else "left", va="bottom",
                    color=BLACK)
    _date_axis(ax, data)
    title = series.label if len(shown) == len(xs) else f"{series.label}: {len(xs)} values, {len(shown)} labelled"
    ax.set_title(_plain(title), fontsize=FONT + 1, loc="left", color=colour)


def render_timeline_png(data: TimelineData) -> bytes:
    """The chart of `data` as PNG bytes, 1080 px wide (its height grows with the panels it needs).

    Callers answer quiet data (`data.quiet`) with a sentence instead; drawing it anyway gives the
    empty axes. Deterministic for the same data.
    """
    shown = data.series[:MAX_SERIES]
    captions = _caption_lines(data)
    caption_in = CAPTION_LINE_IN * len(captions) + (MARGIN_IN if captions else 0)
    height_in = TITLE_IN + BARS_IN + SERIES_IN * len(shown) + caption_in + MARGIN_IN
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    left, width = 0.11, 0.85

    def box(top_in: float, tall_in: float) -> list[float]:  # an axes' place, from inches below the top
        return [left, 1 - (top_in + tall_in) / height_in, width, tall_in / height_in]

    fig.text(0.03, 1 - 0.3 / height_in, _plain(textwrap.shorten(data.title, TITLE_CHARS, placeholder="…")),
             fontsize=FONT + 5, fontweight="bold", va="center")
    fig.text(0.03, 1 - 0.58 / height_in, _plain(f"{span_label(data)}: {data.total} developments"),
             fontsize=FONT, va="center", color="#333333")
    at = TITLE_IN
    _bars(fig.add_axes(box(at + 0.3, BARS_IN - 0.75)), data)
    at += BARS_IN
    for i, series in enumerate(shown):
        _series(fig.add_axes(box(at + 0.35, SERIES_IN - 0.75)), data, series, SERIES_COLOURS[i % len(SERIES_COLOURS)])
        at += SERIES_IN
    for i, line in enumerate(captions):
        fig.text(0.03, 1 - (at + MARGIN_IN * 0.5 + CAPTION_LINE_IN * (i + 0.5)) / height_in, _plain(line),
                 fontsize=FONT, va="center")
    out = io.BytesIO()
    canvas.print_png(out, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return out.getvalue()


def main() -> int:
    """`python -m bot.chart.draw`: timeline data as JSON on standard input, the PNG on standard output."""
    data = from_json(sys.stdin.read())
    sys.stdout.buffer.write(render_timeline_png(data))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
