"""Turning updates, digests and feed trouble into outbox rows (nothing here talks to a platform).

Live updates are read from the store past a persisted cursor, so an update found just before a
crash is still delivered after it; every row has an idempotency key, so doing the same work twice
writes nothing new. The outbox worker sends the rows.

Several workers on one PostgreSQL each write live posts after their own ingest: reading the
cursor, writing the rows and moving the cursor happen under one cluster-wide lock
(`SessionLock`), and outbox keys are unique with INSERT ... ON CONFLICT DO NOTHING, so a post is
written once whichever worker found its update. Articles are stored and judged under another
cluster-wide lock, so update ids become visible in id order and the cursor never skips one.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.chart.post import DEFAULT_WINDOW, timeline_chart
from bot.chart.process import ChartError
from bot.domain import Post, Story, Update
from bot.redact import redact_url
from bot.runtime.core import Core
from bot.runtime.flood import fold_until
from bot.store.cluster import DELIVERY_LOCK, SessionLock
from bot.store.repo import now_utc
from bot.store.runtime_repo import NewPost, OutboxRow, RuntimeRepo, Subscription
from bot.understand.digest import build_digest, update_line

log = logging.getLogger("bot.runtime.delivery")

CURSOR = "updates_cursor"
CRASH_KNOB = "NEWSDESK_TEST_CRASH_AFTER_WRITE"


def passes(update: Update, only: Sequence[str], except_: Sequence[str]) -> bool:
    """Whether an update gets through a subscription's only/except terms (case-insensitive words)."""
    haystack = " ".join((update.sentence, update.citation.title, update.citation.source)).lower()
    if only and not any(term.lower() in haystack for term in only):
        return False
    return not any(term.lower() in haystack for term in except_)


def live_post(story: Story, updates: Sequence[Update], top: int = 5) -> Post:
    """The live post for the updates one article brought to a story: its most salient facts, cited once."""
    first = updates[0].citation
    best = sorted(updates, key=lambda u: -u.salience)[:top]
    lines = [update_line(u) for u in sorted(best, key=lambda u: u.id or 0)]
    if len(updates) > len(best):
        lines.append(f"... and {len(updates) - len(best)} more new fact(s) in this article.")
    return Post(f"{first.source or 'New'}: {first.title}", lines, [first])


@dataclass
class Delivery:
    """Writes posts to the outbox for subscribed channels."""

    core: Core
    repo: RuntimeRepo
    clock: Callable[[], datetime] = now_utc
    crash_after_write: bool = field(default=False)

    def __post_init__(self) -> None:
        self.crash_after_write = self.core.settings.environ.get(CRASH_KNOB, "") == "1"
        # one writer at a time: a seeds scan and a feed poll finishing together must not both
        # read the cursor or a channel's flood window before the other has written; with several
        # workers, `_cluster` extends that to every process on the store
        self._lock = threading.RLock()
        self._cluster = SessionLock(self.repo.engine, DELIVERY_LOCK)

    def close(self) -> None:
        """Give back the cluster lock's connection."""
        self._cluster.close()

    # ---- live ----------------------------------------------------------------------------
    def init_cursor(self) -> None:
        """On a store's first run, start live delivery after the updates already there."""
        if self.repo.get_state(CURSOR) is None:
            known = self.core.store.list_updates()
            self.repo.init_state(CURSOR, str(max((u.id or 0 for u in known), default=0)))

    def dispatch_updates(self) -> int:
        """Write live posts for updates found since the cursor; returns how many rows were written."""
        with self._lock, self._cluster.held():
            return self._dispatch_updates()

    def _dispatch_updates(self) -> int:
        cursor = int(self.repo.get_state(CURSOR) or 0)
        fresh = self.core.store.list_updates(after_id=cursor)
        if not fresh:
            return 0
        stories = {s.id: s for s in self.core.store.list_stories()}
        written = 0
        for sub in self.repo.subscriptions(enabled_only=True):
            if sub.mode != "live" or sub.story not in stories:
                continue
            mine = [u for u in fresh if u.story == sub.story and passes(u, sub.only, sub.except_)]
            groups: dict[str, list[Update]] = {}
            for u in mine:
                groups.setdefault(u.citation.url, []).append(u)
            for url, group in groups.items():
                written += self._deliver_group(sub, stories[sub.story], url, group)
        self.repo.set_state(CURSOR, str(max(u.id or 0 for u in fresh)))
        if written and self.crash_after_write:
            log.warning("event=test_crash_after_write rows=%d", written)
            os.kill(os.getpid(), signal.SIGKILL)
        return written

    def _deliver_group(self, sub: Subscription, story: Story, url: str, group: list[Update]) -> int:
        now = self.clock()
        base = f"{sub.platform}:{sub.channel}:{sub.story}"
        key = f"live:{base}:{min(u.id or 0 for u in group)}"
        if self.repo.row(key):
            return 0
        group_key = f"{sub.story}:{url}"
        earlier = self.repo.latest_in_group(sub.platform, sub.channel, group_key)
        if earlier is not None and now - earlier.created_at < timedelta(days=1):
            return self._revise(sub, key, earlier, group)
        post = live_post(story, group, self.core.settings.digest_top_updates)
        recent = self.repo.recent(sub.platform, sub.channel, sub.story, ("live", "fold"),
                                  now - timedelta(seconds=self.core.settings.live_window_seconds))
        fold_at = fold_until([r.created_at for r in recent], now, self.core.settings.live_posts_per_window,
                             self.core.settings.live_window_seconds)
        muted = self.repo.muted_until(sub.platform, sub.channel, sub.story, now)
        parent = self._thread_parent(sub, story, now)
        if muted is not None:  # held, folded with whatever else comes, and sent when the mute ends
            return self._hold(sub, story, key, post, group_key, parent, max(fold_at or muted, muted))
        if fold_at is None:
            added = self.repo.enqueue([parent, NewPost(key, sub.platform, sub.channel, post, "live", sub.story,
                                                       parent_key=parent.key, group_key=group_key,
                                                       subscription_id=sub.id)])
            log.info("event=live_queued key=%s updates=%d", key, len(group))
            return len(added)
        open_fold = next((r for r in reversed(recent) if r.kind == "fold" and r.status == "pending"), None)
        marker = NewPost(key, sub.platform, sub.channel, post, "folded", sub.story, group_key=group_key)
        if open_fold is not None and self.repo.fold_into(open_fold.id, _folded(open_fold.post, post), marker):
            log.info("event=live_folded key=%s into=%s updates=%d", key, open_fold.key, len(group))
            return 1
        fold = Post(f"More on {story.title} (several updates at once)", [post.heading, *post.lines],
                    list(post.citations))
        added = self.repo.enqueue([parent, NewPost(key, sub.platform, sub.channel, fold, "fold", sub.story,
                                                   parent_key=parent.key, subscription_id=sub.id,
                                                   not_before=fold_at)])
        log.info("event=live_fold_opened key=%s send_at=%s", key, fold_at.isoformat())
        return len(added)

    def _hold(self, sub: Subscription, story: Story, key: str, post: Post, group_key: str, parent: NewPost,
              until: datetime) -> int:
        """A live post for a muted story: folded into the post held for the mute's end (never dropped)."""
        held = self.repo.open_fold(sub.platform, sub.channel, sub.story)
        marker = NewPost(key, sub.platform, sub.channel, post, "folded", sub.story, group_key=group_key)
        if held is not None and self.repo.fold_into(held.id, _folded(held.post, post), marker):
            if held.next_attempt_at < until:
                self.repo.postpone(held.id, until, "muted")
            log.info("event=live_held key=%s into=%s until=%s", key, held.key, until.isoformat())
            return 1
        parent.not_before = until
        fold = Post(f"More on {story.title} (held while muted)", [post.heading, *post.lines], list(post.citations))
        added = self.repo.enqueue([parent, NewPost(key, sub.platform, sub.channel, fold, "fold", sub.story,
                                                   parent_key=parent.key, subscription_id=sub.id, not_before=until)])
        log.info("event=live_held key=%s until=%s", key, until.isoformat())
        return len(added)

    def _revise(self, sub: Subscription, key: str, earlier: OutboxRow, group: list[Update]) -> int:
        """Updates from a revised article: edit the earlier post instead of posting again."""
        combined = Post(earlier.post.heading, [*earlier.post.lines, "Revised:", *(update_line(u) for u in group)],
                        list(earlier.post.citations))
        marker = NewPost(key, sub.platform, sub.channel, combined, "merged", sub.story, edit_key=earlier.key)
        if earlier.status == "pending" and self.repo.fold_into(earlier.id, combined, marker):
            log.info("event=live_merged key=%s into=%s", key, earlier.key)
            return 1
        self.repo.set_payload(earlier.id, combined)
        added = self.repo.enqueue([NewPost(key, sub.platform, sub.channel, combined, "edit", sub.story,
                                           edit_key=earlier.key, subscription_id=sub.id)])
        log.info("event=live_edit_queued key=%s edits=%s", key, earlier.key)
        return len(added)

    def _thread_parent(self, sub: Subscription, story: Story, now: datetime) -> NewPost:
        zone = ZoneInfo(sub.timezone or self.core.settings.timezone)
        day = now.astimezone(zone).date().isoformat()
        lines = ["New facts on this story today are posted in this thread; ask questions here."]
        page = self.core.settings.web_pages.story_url(story.id)
        if page:
            lines.append(f"Full timeline: {page}")
        return NewPost(f"thread:{sub.platform}:{sub.channel}:{sub.story}:{day}", sub.platform, sub.channel,
                       Post(f"{story.title}: live updates, {day}", lines), "thread", sub.story, subscription_id=sub.id)

    # ---- digests -------------------------------------------------------------------------
    def queue_digest(self, sub_id: int, fire_time: datetime | None = None) -> int:
        """Write a subscription's daily digest (nothing on a quiet day); returns rows written."""
        with self._lock, self._cluster.held():
            return self._queue_digest(sub_id, fire_time)

    def _queue_digest(self, sub_id: int, fire_time: datetime | None) -> int:
        sub = self.repo.subscription(sub_id)
        if sub is None or not sub.enabled or sub.mode != "daily":
            return 0
        now = fire_time or self.clock()
        since = sub.last_digest_at or (now - timedelta(days=1))
        day = now.astimezone(ZoneInfo(sub.timezone)).date().isoformat()
        key = f"digest:{sub.platform}:{sub.channel}:{sub.story}:{day}"
        if self.repo.row(key):
            return 0
        post = build_digest(self.core.store, self.core.store.list_stories(), since, story=sub.story,
                            top=self.core.settings.digest_top_updates,
                            keep=lambda u: passes(u, sub.only, sub.except_),
                            page_url=self.core.settings.web_pages.story_url)
        self.repo.set_state("last_digest", now.isoformat())
        if post is None:
            self.repo.set_last_digest(sub.id, now)
            log.info("event=digest_quiet subscription=%s story=%s", sub.id, sub.story)
            return 0
        rows = [NewPost(key, sub.platform, sub.channel, Post(post.heading, post.lines, post.citations), "digest",
                        sub.story, subscription_id=sub.id)]
        rows += [NewPost(f"{key}:{i}", sub.platform, sub.channel, reply, "digest-reply", sub.story,
                         parent_key=key, subscription_id=sub.id) for i, reply in enumerate(post.replies, 1)]
        if sub.chart:
            chart = self._chart(sub, now)
            if chart is not None:
                rows.append(NewPost(f"{key}:chart", sub.platform, sub.channel, chart, "digest-chart", sub.story,
                                    parent_key=key, subscription_id=sub.id))
        added = self.repo.enqueue(rows)
        self.repo.set_last_digest(sub.id, now)
        log.info("event=digest_queued key=%s rows=%d", key, len(added))
        return len(added)

    def _chart(self, sub: Subscription, now: datetime) -> Post | None:
        """The story's timeline chart of the last 30 days for a digest, or None (a quiet month, or the
        chart could not be drawn: the digest goes out without it, and the log says why)."""
        story = next((s for s in self.core.store.list_stories() if s.id == sub.story), None)
        if story is None:
            return None
        try:
            chart = timeline_chart(self.core.store, story, now - DEFAULT_WINDOW, now, "30 days")
        except ChartError as exc:
            log.warning("event=digest_chart_failed subscription=%s story=%s error=%s", sub.id, sub.story, exc)
            return None
        return chart.post if chart.post.image is not None else None

    # ---- feed health ---------------------------------------------------------------------
    def check_feed_health(self) -> int:
        """Tell subscribed channels once when a feed starts failing and once when it recovers."""
        with self._lock, self._cluster.held():
            return self._check_feed_health()

    def _check_feed_health(self) -> int:
        written = 0
        threshold = self.core.settings.feed_failure_alert_after
        subs = self.repo.subscriptions(enabled_only=True)
        alerts = self.repo.states_under("feed_alert:")  # one query, not one a feed: this runs after every poll tick
        for feed in self.core.store.feed_rows():
            state_key = f"feed_alert:{feed['url']}"
            state = alerts.get(state_key) or "ok:0"
            status, _, seq = state.partition(":")
            name = feed["title"] or redact_url(feed["url"])
            if feed["error_count"] >= threshold and status == "ok":
                seq = str(int(seq or 0) + 1)
                text = (f"Heads-up: the feed {name} has failed {feed['error_count']} polls in a row "
                        f"({feed['last_error'] or 'no reason given'}), so its stories may be missing news.")
                kind = "failing"
            elif feed["error_count"] == 0 and status == "failing":
                text = f"The feed {name} is working again."
                kind = "ok"
            else:
                continue
            story_ids = set(feed["stories"])
            channels = sorted({(s.platform, s.channel) for s in subs if not story_ids or s.story in story_ids})
            added = self.repo.enqueue([NewPost(f"alert:{p}:{c}:{feed['url']}:{seq}:{kind}", p, c, Post(text), "alert")
                                       for p, c in channels])
            self.repo.set_state(state_key, f"{kind}:{seq}")
            log.info("event=feed_%s feed=%s channels=%d", "failing" if kind == "failing" else "recovered",
                     feed["url"], len(added))
            written += len(added)
        return written


def _folded(current: Post, extra: Post) -> Post:
    seen = {c.url for c in current.citations}
    cites = list(current.citations) + [c for c in extra.citations if c.url not in seen]
    return Post(current.heading, [*current.lines, extra.heading, *extra.lines], cites)
