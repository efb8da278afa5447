"""Subscriptions as a desk uses them, through the console: live and daily together, unsubscribe by
kind, untrack ending subscriptions, track computing updates, and mute/unmute holding live posts."""

from __future__ import annotations

from pathlib import Path

from bot.runtime.app import Runtime
from bot.store.repo import now_utc
from tests.support.runtime_kit import ConsoleChannel, drop_seed, make_core, wait_for


async def test_live_and_daily_coexist_and_each_change_is_said(runtime: Runtime, channel: ConsoleChannel) -> None:
    await channel.say(runtime, "subscribe hostage-talks")
    reply = await channel.say(runtime, "subscribe hostage-talks daily 07:00")
    assert "daily at 07:00 UTC" in reply and "Kept: hostage-talks: live" in reply
    reply = await channel.say(runtime, "subscribe hostage-talks daily 08:30 Europe/London")
    assert "Changed: hostage-talks: daily 07:00 UTC -> hostage-talks: daily 08:30 Europe/London" in reply
    subs = await channel.say(runtime, "subscriptions")
    assert "hostage-talks: live" in subs and "hostage-talks: daily 08:30 Europe/London" in subs
    daily = [s for s in runtime.repo.subscriptions("console") if s.mode == "daily"]
    assert runtime.scheduler.get_job(f"digest:{daily[0].id}") is not None
    reply = await channel.say(runtime, "unsubscribe hostage-talks daily")
    assert "Removed: hostage-talks: daily 08:30 Europe/London" in reply and "Still here: hostage-talks: live" in reply
    reply = await channel.say(runtime, "unsubscribe hostage-talks daily")
    assert "not subscribed to 'hostage-talks' (daily)" in reply and "It has: hostage-talks: live" in reply
    reply = await channel.say(runtime, "unsubscribe hostage-talks")
    assert "Removed: hostage-talks: live" in reply and "Nothing more of this story" in reply
    assert runtime.repo.subscriptions("console") == []


async def test_track_computes_updates_and_untrack_ends_subscriptions(
        runtime: Runtime, channel: ConsoleChannel, env: dict[str, str]) -> None:
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    for name in ("001.txt", "004.txt"):
        drop_seed(seeds, name)
    await runtime.scan_seeds()
    reply = await channel.say(runtime, 'track cairo-talks "Cairo talks" terms: Cairo, Qatar, hostages')
    assert "already match it, with" in reply and " 0 update(s)" not in reply
    reply = await channel.say(runtime, "subscribe cairo-talks")
    assert "Latest updates:" in reply and "No updates on this story yet" not in reply
    await channel.say(runtime, "subscribe cairo-talks daily 06:00")
    reply = await channel.say(runtime, "untrack cairo-talks")
    assert "Ended 2 subscription(s)" in reply and "cairo-talks: live" in reply and "cairo-talks: daily 06:00" in reply
    assert runtime.repo.subscriptions(story="cairo-talks") == []
    assert not [j for j in runtime.scheduler.get_jobs() if j.id.startswith("digest:")]


async def test_mute_holds_live_posts_until_unmute_and_survives_a_restart(
        env: dict[str, str], channel: ConsoleChannel) -> None:
    core = make_core(env, seeds_rescan_seconds=0.2)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=0.2)
    await rt.start(start_adapters=False)
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    try:
        await channel.say(rt, "subscribe hostage-talks")
        reply = await channel.say(rt, "mute hostage-talks 2h")
        assert "Muted hostage-talks here for 2 hours" in reply
        assert "muted until" in await channel.say(rt, "subscriptions")
        assert "not a duration" in await channel.say(rt, "mute hostage-talks soon")
        assert "at most 7 days" in await channel.say(rt, "mute hostage-talks 8d")
        drop_seed(seeds, "001.txt")
        await rt.scan_seeds()
        drop_seed(seeds, "004.txt")
        await rt.scan_seeds()
        before = channel.text
        assert not await wait_for(lambda: "Qatar proposes" in channel.text[len(before):], timeout=1.5)
        held = [r for r in rt.repo.rows(status="pending") if r.kind == "fold"]
        assert len(held) == 1 and "held while muted" in held[0].post.heading
        assert held[0].next_attempt_at > now_utc()
    finally:
        await rt.stop()
        core.close()
    # a restart keeps the mute and the held post
    core = make_core(env, seeds_rescan_seconds=0.2)
    rt = Runtime(core, [channel.adapter], feed_tick_seconds=0.2)
    await rt.start(start_adapters=False)
    try:
        assert rt.repo.muted_until("console", "console", "hostage-talks") is not None
        reply = await channel.say(rt, "unmute hostage-talks")
        assert "Unmuted hostage-talks" in reply and "1 held post(s)" in reply
        rt.worker.wake()
        assert await wait_for(lambda: "Israeli delegation returns from Cairo" in channel.text, timeout=10)
        assert "Qatar proposes six-week war pause" in channel.text  # folded, not dropped
        assert "not muted" in await channel.say(rt, "unmute hostage-talks")
    finally:
        await rt.stop()
        core.close()
