"""Full-text extraction speed: trafilatura on the article pages in tests/data/pages.

Prints milliseconds per page for each page (median of several runs) and for a page made ten times
longer, so the lead can judge how much extraction costs per summary-only item.

Run: PYTHONPATH=. /work/venv/bin/python bench/fulltext.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.ingest.fulltext import extract_main_text

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"
RUNS = 15


def _time(page: bytes) -> tuple[float, int]:
    extract_main_text(page, "https://outlet.example/a")  # warm-up (first call loads lxml/trafilatura state)
    samples = []
    text = ""
    for _ in range(RUNS):
        started = time.perf_counter()
        text = extract_main_text(page, "https://outlet.example/a") or ""
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, len(text)


def main() -> None:
    pages = sorted(PAGES.glob("article_*.html"))
    total = 0.0
    for path in pages:
        page = path.read_bytes()
        ms, chars = _time(page)
        total += ms
        print(f"{path.name}: {len(page):,} bytes -> {chars:,} chars in {ms:.1f} ms")
    print(f"mean {total / len(pages):.1f} ms/page ({1000 / (total / len(pages)):.0f} pages/s on one core)")
    html = pages[0].read_text(encoding="utf-8")
    start, end = html.index("<article>"), html.index("</article>")
    long_page = (html[:start] + html[start:end] * 10 + html[end:]).encode()
    ms, chars = _time(long_page)
    print(f"10x article: {len(long_page):,} bytes -> {chars:,} chars in {ms:.1f} ms")


if __name__ == "__main__":
    main()
