"""Feed parsing speed: `parse_feed` on a synthetic 2,000-item RSS feed and on the snapshot feeds.

Run: PYTHONPATH=. /work/venv/bin/python bench/parse.py
"""

from __future__ import annotations

import time
from pathlib import Path

from bot.ingest.feeds import parse_feed
from tests.support.synthetic import big_rss

FEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "feeds"


def main() -> None:
    body = big_rss(2000)
    started = time.perf_counter()
    parsed = parse_feed(body, "https://wire.example/rss")
    seconds = time.perf_counter() - started
    print(f"synthetic: {len(body):,} bytes, {len(parsed.items)} items in {seconds:.2f} s "
          f"({len(parsed.items) / seconds:,.0f} items/s)")
    for name in ("rss2_wire.xml", "atom_outlet.xml", "rdf_agency.xml", "quirks_regional.xml"):
        data = (FEEDS / name).read_bytes()
        started = time.perf_counter()
        for _ in range(20):
            parsed = parse_feed(data, f"https://feeds.example/{name}")
        ms = (time.perf_counter() - started) / 20 * 1000
        print(f"{name}: {len(parsed.items)} items in {ms:.1f} ms")


if __name__ == "__main__":
    main()
