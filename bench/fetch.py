"""Fetch benchmark: 1,000 concurrent loopback fetches through `Fetcher`, a 200 round then a 304 round.

The feed server (tests/support/feed_server.py) runs in a child process so client and server each
get a core. Bounded: 1,000 requests per round, a 120 s guard, and the child is always stopped.

Run: PYTHONPATH=. /work/venv/bin/python bench/fetch.py [--n 1000] [--per-host 2 100]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from multiprocessing.connection import Connection

from bot.ingest.fetch import Fetcher
from bot.ingest.guard import FetchPolicy
from tests.support.feed_server import running_feed_server


def _serve(conn: Connection) -> None:
    async def main() -> None:
        async with running_feed_server() as server:
            conn.send(server.base)
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # wait for "stop"

    asyncio.run(main())


async def _round(fetcher: Fetcher, urls: list[str], etags: list[str | None]) -> tuple[float, list[int]]:
    started = time.perf_counter()
    results = await asyncio.gather(*(fetcher.fetch(u, etag=e) for u, e in zip(urls, etags, strict=True)))
    return time.perf_counter() - started, [r.status for r in results]


async def bench(base: str, n: int, per_host: int) -> None:
    policy = FetchPolicy(allow=("127.0.0.1",), per_host_concurrency=per_host, max_connections=100)
    urls = [f"{base}/bench/{i}" for i in range(n)]
    async with Fetcher(policy) as fetcher:
        await fetcher.fetch(urls[0])  # warm up the connection pool
        first = await asyncio.wait_for(_round(fetcher, urls, [None] * n), 120)
        etag = (await fetcher.fetch(urls[0])).etag  # every /bench/{i} serves one body, one ETag
        etags: list[str | None] = [etag] * n
        second = await asyncio.wait_for(_round(fetcher, urls, etags), 120)
    for label, (seconds, statuses) in (("200", first), ("304", second)):
        counts = {s: statuses.count(s) for s in sorted(set(statuses))}
        print(f"per_host={per_host:>3} round={label}: {n} fetches in {seconds:.2f} s "
              f"({n / seconds:,.0f}/s) statuses={counts}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--per-host", type=int, nargs="+", default=[2, 100])
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(child,), daemon=True)
    server.start()
    try:
        base = parent.recv()
        for per_host in args.per_host:
            asyncio.run(bench(base, min(args.n, 1000), per_host))
    finally:
        parent.send("stop")
        server.join(5)
        if server.is_alive():
            server.terminate()


if __name__ == "__main__":
    main()
