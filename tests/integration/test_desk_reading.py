"""`updates`, `brief` and `search` in chat, through the console adapter and the shared router."""

from __future__ import annotations

from pathlib import Path

from bot.runtime.app import Runtime
from tests.support.runtime_kit import ConsoleChannel, drop_seed, drop_today, make_core


async def test_updates_brief_and_search_answer_in_chat(env: dict[str, str]) -> None:
    channel = ConsoleChannel()
    core = make_core(env)
    rt = Runtime(core, [channel.adapter])
    seeds = Path(env["NEWSDESK_SEEDS_DIR"])
    for name in ("001.txt", "002.txt", "004.txt"):
        drop_seed(seeds, name)  # the February coverage, a backfill
    drop_today(seeds, "008.txt")  # today's news
    await rt.start(start_adapters=False)
    try:
        await rt.first_scan.wait()
        out = await channel.say(rt, "updates hostage-talks")
        assert out.startswith("Digest since") and "\n    Hostage-release talks\n" in out  # threaded
        assert "(newsmax.com, " in out and "(allisrael.com" not in out  # only what was published in the window
        older = await channel.say(rt, "updates hostage-talks since 1500d")
        assert "(allisrael.com, 14 Feb" in older or "(news-usa.today, 30 Jan" in older
        assert "Nothing new on rafah-offensive" in await channel.say(rt, "updates rafah-offensive since 2h")
        assert "Usage: updates STORY [since 24h]" in await channel.say(rt, "updates hostage-talks since soon")

        brief = await channel.say(rt, "brief hostage-talks")
        assert brief.startswith("Brief: Hostage-release talks")
        assert "Key numbers:" in brief and "People and bodies involved:" in brief and "Last 5 developments:" in brief
        assert "<https://" in brief
        assert "I don't track a story called 'nope'" in await channel.say(rt, "brief nope")

        found = await channel.say(rt, "search Hamdan in hostage-talks")
        assert found.startswith("Coverage matching 'Hamdan' in hostage-talks, newest first")
        assert "(theyeshivaworld.com, 3 Feb)" in found and "<https://" in found
        assert "Nothing stored matches" in await channel.say(rt, "search zeppelin")

        helped = await channel.say(rt, "help")
        for usage in ("updates STORY [since 24h]", "brief STORY", "search WORDS [in STORY]"):
            assert usage in helped
    finally:
        await rt.stop()
        core.close()
