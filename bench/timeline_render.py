"""Timeline chart cost: importing matplotlib, drawing a 90-day story, and the whole drawing process.

Three figures, each the median (and worst) of several runs:
- import: a fresh interpreter importing what `bot.chart.draw` needs (matplotlib's Figure and Agg
  canvas), beside a fresh interpreter importing the bot's command line (`bot.cli`), which is what
  every CLI command pays; this is why matplotlib is imported only by the drawing process;
- render: `render_timeline_png` in this process for a synthetic 90-day story of 2,000
  developments, four changed figures and three salient markers (target: under 1 s);
- process: `render_chart`, the way the bot draws (`python -m bot.chart.draw` in a child process:
  start, import, draw, PNG back on a pipe).

usage: python -m bench.timeline_render [RUNS]
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from bot.chart.draw import render_timeline_png
from bot.chart.png import png_size
from bot.chart.process import render_chart
from bot.understand.timeline_types import DayCount, Salient, StepPoint, StepSeries, TimelineData

DAYS = 90
DEVELOPMENTS = 2000
TARGET_SECONDS = 1.0


def ninety_day_story(seed: int = 13) -> TimelineData:
    """A busy 90-day story: 2,000 developments spread unevenly, four figures changing, three markers."""
    rng = random.Random(seed)
    since = datetime(2024, 1, 1, tzinfo=UTC)
    weights = [rng.random() ** 2 + (3 if d % 17 == 0 else 0) for d in range(DAYS)]
    counts = [0] * DAYS
    for d in rng.choices(range(DAYS), weights, k=DEVELOPMENTS):
        counts[d] += 1
    days = tuple(DayCount((since + timedelta(days=d)).date(), n - n // 4, n // 4, min(n, rng.randint(1, 12)))
                 for d, n in enumerate(counts))
    outlets = ("Reuters", "AP", "AFP", "BBC", "Al Jazeera", "Times of Israel")
    series = []
    for label, start in (("hostages (hold)", 136), ("deaths (toll)", 27000), ("days (ceasefire)", 6),
                         ("dollars (offer)", 2_500_000)):
        value, points = start, []
        for d in sorted(rng.sample(range(DAYS), 8)):
            points.append(StepPoint(since + timedelta(days=d), f"{value:,}", float(value), rng.choice(outlets)))
            value = int(value * rng.uniform(0.9, 1.15)) or 1
        series.append(StepSeries(label, tuple(points)))
    salient = tuple(Salient(i, since + timedelta(days=d), "Negotiators met in Cairo on Sunday and agreed a "
                            "framework for a phased release, officials said. " * 2, rng.choice(outlets), 12.0 - i)
                    for i, d in enumerate((17, 51, 85), 1))
    return TimelineData("bench-story", "A 90-day story", since, since + timedelta(days=DAYS), days,
                        tuple(series), salient)


def _import_seconds(code: str, runs: int) -> list[float]:
    timer = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    return [float(subprocess.run([sys.executable, "-c", timer], capture_output=True, text=True, check=True).stdout)
            for _ in range(runs)]


def _report(label: str, seconds: list[float]) -> None:
    print(f"{label:<52} median {statistics.median(seconds) * 1000:7.0f} ms   worst {max(seconds) * 1000:7.0f} ms")


def main(runs: int = 5) -> int:
    """Print the three figures; exit 1 when the in-process render misses the target."""
    _report("import matplotlib Figure + Agg (fresh interpreter)",
            _import_seconds("from matplotlib.figure import Figure; "
                            "from matplotlib.backends.backend_agg import FigureCanvasAgg", runs))
    _report("import bot.cli (fresh interpreter, for comparison)", _import_seconds("import bot.cli", runs))
    data = ninety_day_story()
    render_timeline_png(data)  # fonts and caches warm, as in the drawing process after its first chart
    rendered = []
    for _ in range(runs * 2):
        started = time.perf_counter()
        png = render_timeline_png(data)
        rendered.append(time.perf_counter() - started)
    width, height = png_size(png)
    _report(f"render 90 days, {data.total} developments ({width}x{height}, {len(png) // 1024} KB)", rendered)
    whole = []
    for _ in range(runs):
        started = time.perf_counter()
        render_chart(data)
        whole.append(time.perf_counter() - started)
    _report("whole drawing process (python -m bot.chart.draw)", whole)
    ok = statistics.median(rendered) < TARGET_SECONDS
    print(f"target: a 90-day story renders in under {TARGET_SECONDS:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
