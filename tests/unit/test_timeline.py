"""A story's timeline: its data from a known store (the dev articles), its words, and its PNG.

The data is asserted against what the store holds, counted here independently (developments by
publication day and kind), and against figures a reader can check in the articles (136 hostages
on 11 Feb, 130 on 30 Mar; 14 Feb's report was also carried by a second outlet). The picture is
checked as a file (signature, header, size, decodable), never pixel by pixel.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image as PILImage

from bot.chart.draw import WIDTH_PX, render_timeline_png
from bot.chart.png import NotPng, png_size
from bot.chart.post import timeline_chart
from bot.chart.process import render_chart
from bot.chat.console import ConsoleAdapter
from bot.domain import Post, Story
from bot.runtime.core import Core
from bot.runtime.syntax import SyntaxProblem, parse_subscribe
from bot.store.runtime_repo import post_from_json, post_to_json
from bot.understand.brief import key_numbers
from bot.understand.digest import salient_first, window_updates
from bot.understand.prominence import prominences
from bot.understand.timeline import quiet_sentence, timeline_data
from bot.understand.timeline_types import TimelineData, alt_text, from_json, sparkline, to_json

JAN, APR = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def loaded(eval_core: Core) -> Core:
    return eval_core  # read only


def story(core: Core, story_id: str) -> Story:
    return next(s for s in core.store.list_stories() if s.id == story_id)


@pytest.fixture(scope="module")
def talks(loaded: Core) -> TimelineData:
    return timeline_data(loaded.store, story(loaded, "hostage-talks"), JAN, APR)


def test_every_day_of_the_window_counts_its_developments_by_kind(loaded: Core, talks: TimelineData) -> None:
    assert [d.day for d in talks.days][:2] == [date(2024, 1, 1), date(2024, 1, 2)]
    assert len(talks.days) == 91 and talks.days[-1].day == date(2024, 3, 31)
    expected: Counter[tuple[date, str]] = Counter(
        (u.citation.published.date(), u.kind) for u in loaded.store.list_updates(story="hostage-talks")
        if u.citation.published and JAN <= u.citation.published < APR)
    got = Counter({(d.day, kind): n for d in talks.days for kind, n in (("new", d.new), ("changed", d.changed)) if n})
    assert got == expected and talks.total == sum(expected.values()) > 40
    assert talks.undated == 0 and not talks.quiet
    quiet_days = [d for d in talks.days if d.total == 0]
    assert len(quiet_days) > 80 and all(d.outlets == 0 for d in quiet_days)


def test_outlets_per_day_count_the_copies_other_outlets_carried(talks: TimelineData) -> None:
    by_day = {d.day: d for d in talks.days}
    # 14 Feb: allisrael.com's report and its syndicated copy, merged into one article
    assert by_day[date(2024, 2, 14)].outlets == 2
    assert by_day[date(2024, 3, 30)].outlets == 1  # newsmax.com alone
    assert all(0 < d.outlets <= d.total for d in talks.days if d.total)


def test_a_changed_figure_is_a_step_series_of_its_values_and_outlets(loaded: Core, talks: TimelineData) -> None:
    held = next(s for s in talks.series if s.label == "hostages (hold)")
    assert [(p.value, p.number, p.outlet, p.when.date()) for p in held.points] == [
        ("136", 136.0, "project seed document", date(2024, 2, 11)),
        ("130", 130.0, "newsmax.com", date(2024, 3, 30))]
    # the same history the brief gives as key numbers
    brief = key_numbers(loaded.store, loaded.store.list_updates(story="hostage-talks"))
    assert "hostages (hold): 136 (project seed document, 11 Feb) -> 130 (newsmax.com, 30 Mar)" in brief
    # a window that opens after the first value still starts the step at the value it had then
    march = timeline_data(loaded.store, story(loaded, "hostage-talks"), datetime(2024, 3, 1, tzinfo=UTC), APR)
    assert [(s.label, [p.value for p in s.points]) for s in march.series] == [("hostages (hold)", ["136", "130"])]


def test_the_three_marked_developments_are_the_digests_most_salient(loaded: Core, talks: TimelineData) -> None:
    found = window_updates(loaded.store, "hostage-talks", JAN, APR)
    contexts = loaded.store.update_context(u.id for u in found if u.id is not None)
    ranked = salient_first(found, prominences(loaded.store, found, contexts))[:3]
    assert [s.rank for s in talks.salient] == [1, 2, 3]
    assert [(s.outlet, s.salience) for s in talks.salient] == [(u.citation.source, u.salience) for u in ranked]
    assert all(s.text.startswith(u.sentence.strip()[:60]) for s, u in zip(talks.salient, ranked, strict=True))
    assert any(s.outlet == "newsmax.com" and "130 hostages" in s.text for s in talks.salient)


def test_a_quiet_window_is_quiet_and_says_when_the_story_last_moved(loaded: Core) -> None:
    talks = story(loaded, "hostage-talks")
    data = timeline_data(loaded.store, talks, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 31, tzinfo=UTC))
    assert data.quiet and len(data.days) == 30 and data.series == () and data.salient == ()
    said = quiet_sentence(loaded.store, talks, data, "30 days")
    assert said.startswith("Nothing new on hostage-talks was published in the last 30 days")
    assert "30 Mar 2024" in said and "say 'timeline hostage-talks since 308d'" in said
    empty = Story("border-talks", "Border talks")
    nothing = timeline_data(loaded.store, empty, JAN, APR)
    assert nothing.quiet and "no development on this story is stored yet" in quiet_sentence(
        loaded.store, empty, nothing, "91 days")
    chart = timeline_chart(loaded.store, empty, JAN, APR, "91 days")
    assert chart.png is None and chart.post.image is None and chart.post.lines == []


def test_the_words_say_what_the_chart_shows(talks: TimelineData) -> None:
    words = alt_text(talks)
    new, changed = sum(d.new for d in talks.days), sum(d.changed for d in talks.days)
    assert words.startswith(f"Timeline chart of Hostage-release talks, 1 Jan to 31 Mar 2024: {talks.total} "
                            f"developments ({new} new, {changed} changed)")
    assert "hostages (hold): 136 (project seed document, 11 Feb), then 130 (newsmax.com, 30 Mar)" in words
    assert "Marker 1, 11 Feb, project seed document:" in words and "Marker 3," in words
    line = sparkline(talks)
    bars = line[line.index("|") + 1:line.rindex("|")]
    assert line.startswith("1 Jan |") and f"({talks.total} developments, one mark per 2 days)" in line
    assert len(bars) == 46 and bars.count(" ") == sum(
        1 for i in range(0, 91, 2) if not any(d.total for d in talks.days[i:i + 2]))
    assert from_json(to_json(talks)) == talks


def test_the_chart_is_a_valid_png_1080_px_wide_drawn_by_its_own_process(talks: TimelineData) -> None:
    png = render_chart(talks)
    width, height = png_size(png)
    assert width == WIDTH_PX == 1080 and height > width  # portrait, for a phone
    picture = PILImage.open(io.BytesIO(png))
    assert picture.format == "PNG" and picture.size == (width, height)
    picture.verify()  # the whole file decodes (chunks and checksums)
    assert png.endswith(b"IEND\xaeB`\x82")
    # drawn in-process the same data gives the same picture (what a web page embedding it gets)
    assert png_size(render_timeline_png(talks)) == (width, height)
    # one more changed figure adds a panel: the height grows, the width stays
    more = replace(talks, series=talks.series + talks.series[:1])
    assert png_size(render_timeline_png(more)) [0] == width and png_size(render_timeline_png(more))[1] > height


def test_feed_text_with_dollar_signs_is_drawn_as_text(talks: TimelineData) -> None:
    odd = replace(talks, title="Offer of $2.5 billion and $3 more", salient=tuple(
        replace(s, text="A $5 offer and a $ sign, _under_ ^caret^") for s in talks.salient))
    assert png_size(render_timeline_png(odd))[0] == 1080


def test_png_size_refuses_what_is_not_a_png() -> None:
    for data in (b"", b"GIF89a" + b"\0" * 30, b"\x89PNG\r\n\x1a\n" + b"\0" * 8):
        with pytest.raises(NotPng):
            png_size(data)


def test_a_post_with_its_picture_survives_the_outbox(loaded: Core) -> None:
    chart = timeline_chart(loaded.store, story(loaded, "hostage-talks"), JAN, APR, "91 days")
    assert chart.post.image is not None and chart.png is not None
    back = post_from_json(post_to_json(chart.post))
    assert back.image == chart.post.image and back.image.data == chart.png
    assert back.heading == "Hostage-release talks: timeline, 1 Jan to 31 Mar 2024"
    assert post_from_json(post_to_json(Post("plain"))).image is None


async def test_the_console_saves_the_picture_and_prints_its_path_and_a_sparkline(loaded: Core,
                                                                                  tmp_path: Path) -> None:
    chart = timeline_chart(loaded.store, story(loaded, "hostage-talks"), JAN, APR, "91 days")
    assert chart.post.image is not None
    out = io.StringIO()
    console = ConsoleAdapter(io.StringIO(""), out, prompt=False, image_dir=tmp_path / "charts")
    await console.send("console", chart.post)
    saved = tmp_path / "charts" / "timeline-hostage-talks-2024-03-31.png"
    assert saved.read_bytes() == chart.png
    printed = out.getvalue().splitlines()
    assert f"  chart: {saved} (1080x{chart.post.image.height} PNG)" in printed
    assert any(line.strip().startswith("1 Jan |") for line in printed)


def test_subscribe_daily_may_ask_for_the_chart() -> None:
    req = parse_subscribe("hostage-talks daily 07:00 chart", "UTC")
    assert (req.mode, req.daily_at, req.timezone, req.chart) == ("daily", "07:00", "UTC", True)
    req = parse_subscribe("hostage-talks daily 07:00 Europe/London chart only:Cairo", "UTC")
    assert (req.timezone, req.chart, req.only) == ("Europe/London", True, ("Cairo",))
    assert not parse_subscribe("hostage-talks daily 07:00", "UTC").chart
    with pytest.raises(SyntaxProblem, match="A chart comes with a daily digest"):
        parse_subscribe("hostage-talks live chart", "UTC")
    with pytest.raises(SyntaxProblem, match="A chart comes with a daily digest"):
        parse_subscribe("hostage-talks chart", "UTC")


def test_the_data_may_be_asked_for_by_story_id(loaded: Core, talks: TimelineData) -> None:
    assert timeline_data(loaded.store, "hostage-talks", JAN, APR) == talks
    with pytest.raises(KeyError):
        timeline_data(loaded.store, "border-talks", JAN, APR)
