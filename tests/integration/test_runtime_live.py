"""Live delivery end to end: console channel, real scheduler, real SQLite store, seeds and a feed on 127.0.0.1."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.runtime.app import Runtime
from bot.store.repo import now_utc
from tests.support.runtime_kit import ConsoleChannel, controlled_feed, drop_seed, make_core, wait_for


def headings(text: str) -> list[str]:
    """Non-indented lines (top-level posts)."""
    return [line for line in text.splitlines() if line and not line.startswith(" ")]


async def test_seed_dropped_into_watched_folder_is_posted_live_in_a_thread_of_the_day(
        runtime: Runtime, channel: ConsoleChannel, env: dict[str, str]) -> None:
    reply = await channel.say(runtime, "subscribe hostage-talks")
    assert "Subscribed to Hostage-release talks" in reply
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    drop_seed(seeds, "001.txt")
    assert await wait_for(lambda: "Qatar proposes six-week war pause" in channel.text, timeout=15)
    day = now_utc().date().isoformat()
    out = channel.text
    assert f"Hostage-release talks: live updates, {day}" in headings(out)
    # the article's post is a reply in that thread: indented under the parent
    assert re.search(r"^    news-usa\.today: Qatar proposes six-week war pause", out, re.MULTILINE)
    drop_seed(seeds, "004.txt")
    assert await wait_for(lambda: "Israeli delegation returns from Cairo" in channel.text, timeout=15)
    out = channel.text
    assert re.search(r"^    allisrael\.com: Israeli delegation returns from Cairo", out, re.MULTILINE)
    # still one parent post for the story today
    assert headings(out).count(f"Hostage-release talks: live updates, {day}") == 1
    # the changed figure says what it was before
    assert "35 to 40" in out and "earlier news-usa.today said" in out
    # nothing about the other story reaches this channel
    await runtime.scan_seeds()
    drop_seed(seeds, "003.txt")
    await runtime.scan_seeds()
    assert await wait_for(lambda: runtime.worker.pending_now() == 0)
    assert "Netanyahu To ABC" not in channel.text


async def test_only_terms_narrow_what_reaches_the_channel(
        runtime: Runtime, channel: ConsoleChannel, env: dict[str, str]) -> None:
    await channel.say(runtime, "subscribe hostage-talks live only:Burns")
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    drop_seed(seeds, "001.txt")
    drop_seed(seeds, "004.txt")
    await runtime.scan_seeds()
    assert await runtime.drain(10)
    out = channel.text
    assert "William Burns" in out  # 004 mentions Burns
    assert "Qatar proposes six-week war pause" not in out  # 001 does not


def _items_seen(runtime: Runtime, url: str) -> int:
    return next(int(row["items_seen"] or 0) for row in runtime.core.store.feed_rows() if row["url"] == url)


async def test_feed_on_loopback_changing_brings_new_posts_and_a_revision_edits_the_earlier_post(
        runtime: Runtime, channel: ConsoleChannel) -> None:
    async with controlled_feed() as feed:
        feed.items = ["001.txt"]
        await channel.say(runtime, "subscribe hostage-talks")
        reply = await channel.say(runtime, f"add feed {feed.url} hostage-talks")  # fetched and ingested at once
        assert "Added feed" in reply
        assert await wait_for(lambda: "Qatar proposes six-week war pause" in channel.text, timeout=15)
        # the feed changes: a new item appears
        feed.items = ["001.txt", "002.txt"]
        runtime.core.store.save_feed_state(feed.url, next_poll=now_utc() - timedelta(seconds=1))
        assert await wait_for(lambda: "Hamas official says" in channel.text, timeout=15)
        # that poll is over (its outcome saved) before the next is asked for
        assert await wait_for(lambda: _items_seen(runtime, feed.url) == 2, timeout=15)
        posts_before = len(headings(channel.text))
        # the first article is revised with a new fact: the earlier post is edited, not posted again
        feed.items = [("001.txt", "Qatar's prime minister said a reply from Hamas was expected within 48 hours."),
                      "002.txt"]
        runtime.core.store.save_feed_state(feed.url, next_poll=now_utc() - timedelta(seconds=1))
        assert await wait_for(lambda: "(edited " in channel.text, timeout=15)
        out = channel.text
        edited = out[out.index("(edited "):]
        assert "within 48 hours" in edited
        assert re.search(r"^    \(edited p\d+\) [^\n]*Qatar proposes six-week war pause", out, re.MULTILINE)
        assert len(headings(out)) == posts_before


async def test_a_burst_is_folded_into_one_combined_post_never_dropped(
        env: dict[str, str], channel: ConsoleChannel) -> None:
    # one explicit scan ingests the whole burst (the periodic rescan is pushed out of the way)
    # the window is measured on a clock the test moves, so a slow machine cannot end it mid-burst
    core = make_core(env, seeds_rescan_seconds=3600, live_posts_per_window=2, live_window_seconds=8)
    skew = [timedelta(0)]
    rt = Runtime(core, [channel.adapter], clock=lambda: now_utc() + skew[0], feed_tick_seconds=3600)
    await rt.start(start_adapters=False)
    await rt.first_scan.wait()
    try:
        await channel.say(rt, "subscribe hostage-talks")
        seeds = Path(env["NEWSDESK_SEEDS_DIR"])
        for name in ("001.txt", "002.txt", "004.txt", "005.txt", "007.txt"):
            drop_seed(seeds, name)
        await rt.scan_seeds()
        titles = {u.citation.title for u in core.store.list_updates(story="hostage-talks")}
        assert len(titles) >= 4
        await rt.drain(10)  # the allowed live posts are out before 'status', so its reply is only its own
        status = await channel.say(rt, "status")
        assert "waiting: fold" in status
        skew[0] = timedelta(seconds=9)  # the window has passed: the combined post is due
        rt.worker.wake()
        assert await wait_for(lambda: "More on Hostage-release talks" in channel.text, timeout=30)
        assert await rt.drain(5)
        out = channel.text.replace(status, "")
        replies = re.findall(r"^    \S.*$", out, re.MULTILINE)
        assert len([r for r in replies if not r.strip().startswith("More on")]) == 2  # the window's allowance
        assert len([r for r in replies if r.strip().startswith("More on")]) == 1  # the rest, combined
        # every article of the burst reached the channel, the rest inside the combined post
        folded = out[out.index("More on Hostage-release talks"):]
        for title in titles:
            assert title in out
        assert sum(title in folded for title in titles) == len(titles) - 2
    finally:
        await rt.stop()
        core.close()
