"""Every Prometheus metric the bot exports, in one registry owned by the runtime.

Counters and histograms move where things happen (a feed poll, an ingest, an outbox send, a
reply); the outbox length and each adapter's connection state and reconnects are read when
Prometheus scrapes, so they are never stale. Names follow Prometheus' conventions: `_total` for
counters, `_seconds` for durations. Feeds are labelled by their URL without credentials.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.chat.port import ChatPort
from bot.ingest.fetch import redact
from bot.ingest.pipeline import IngestReport

log = logging.getLogger("bot.runtime.metrics")

INGEST_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
ANSWER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 60.0)


class _AdapterCollector(Collector):
    """Each chat adapter's connection state and reconnect count, read at scrape time."""

    def __init__(self, ports: Callable[[], Mapping[str, ChatPort]]) -> None:
        self._ports = ports

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        connected = GaugeMetricFamily("newsdesk_adapter_connected",
                                      "1 while the chat adapter is connected to its platform", labels=["platform"])
        reconnects = CounterMetricFamily("newsdesk_adapter_reconnects",
                                         "Times the chat adapter lost its platform and got it back",
                                         labels=["platform"])
        for name, port in sorted(self._ports().items()):
            connected.add_metric([name], 1.0 if port.connected else 0.0)
            reconnects.add_metric([name], float(port.reconnects))
        yield connected
        yield reconnects


class Metrics:
    """The runtime's metrics; `registry` is what /metrics renders."""

    def __init__(self, outbox_length: Callable[[], int], ports: Callable[[], Mapping[str, ChatPort]]) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter("newsdesk_feed_polls", "Feed polls done, by feed", ["feed"], registry=r)
        self.poll_errors = Counter("newsdesk_feed_poll_errors", "Feed polls that failed, by feed", ["feed"],
                                   registry=r)
        self.articles = Counter("newsdesk_articles_ingested",
                                "New articles stored, by where they came from (feed, seeds, command)", ["source"],
                                registry=r)
        self.revised = Counter("newsdesk_articles_revised", "Stored articles whose text changed, by source",
                               ["source"], registry=r)
        self.updates = Counter("newsdesk_updates_found", "Story updates found in ingested articles, by source",
                               ["source"], registry=r)
        self.ingest_seconds = Histogram("newsdesk_ingest_seconds",
                                        "Seconds one ingest (a feed's new items, a seeds scan) took, by source",
                                        ["source"], buckets=INGEST_BUCKETS, registry=r)
        self.posts_sent = Counter("newsdesk_posts_sent", "Outbox posts delivered, by platform", ["platform"],
                                  registry=r)
        self.posts_retried = Counter("newsdesk_posts_retried",
                                     "Outbox sends put off to retry later (rate limit or transient error)",
                                     ["platform", "reason"], registry=r)
        self.posts_failed = Counter("newsdesk_posts_failed", "Outbox posts given up on, by platform", ["platform"],
                                    registry=r)
        self.answer_seconds = Histogram("newsdesk_answer_seconds",
                                        "Seconds from a message reaching the bot to its reply being sent",
                                        buckets=ANSWER_BUCKETS, registry=r)
        outbox = Gauge("newsdesk_outbox_length", "Outbox rows not yet sent nor given up on (read at scrape time)",
                       registry=r)
        outbox.set_function(lambda: _or_nan(outbox_length))
        r.register(_AdapterCollector(ports))

    def feed_polled(self, url: str, error: str | None) -> None:
        """Count one poll of a feed (and its failure)."""
        feed = redact(url)
        self.polls.labels(feed).inc()
        if error:
            self.poll_errors.labels(feed).inc()

    def ingested(self, source: str, report: IngestReport, seconds: float) -> None:
        """Count what one ingest stored and how long it took."""
        self.articles.labels(source).inc(report.added)
        self.revised.labels(source).inc(report.revised)
        self.updates.labels(source).inc(len(report.updates))
        self.ingest_seconds.labels(source).observe(seconds)

    def post_sent(self, platform: str) -> None:
        """Count one post delivered by the outbox."""
        self.posts_sent.labels(platform).inc()

    def post_retried(self, platform: str, reason: str) -> None:
        """Count one send put off ('rate_limited' or 'error')."""
        self.posts_retried.labels(platform, reason).inc()

    def post_failed(self, platform: str) -> None:
        """Count one post the outbox gave up on."""
        self.posts_failed.labels(platform).inc()

    def answered(self, seconds: float) -> None:
        """Record how long a reply to a message took."""
        self.answer_seconds.observe(seconds)


def _or_nan(read: Callable[[], int]) -> float:
    """A scrape-time value, or NaN (with a log line) when it cannot be read: the scrape itself still works."""
    try:
        return float(read())
    except Exception as exc:  # noqa: BLE001 - a store outage must not break /metrics
        log.warning("event=metric_unreadable error=%r", exc)
        return math.nan
