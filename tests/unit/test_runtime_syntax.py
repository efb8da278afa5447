"""Parsing the runtime's chat commands."""

from __future__ import annotations

import time

import pytest

from bot.runtime.opml import export_opml, parse_opml
from bot.runtime.syntax import SyntaxProblem, parse_subscribe, parse_track, text_after


def test_subscribe_defaults_to_live_in_the_configured_zone() -> None:
    req = parse_subscribe("hostage-talks", "Europe/Paris")
    assert (req.story, req.mode, req.daily_at, req.timezone) == ("hostage-talks", "live", None, "Europe/Paris")


def test_subscribe_daily_with_zone_and_filters() -> None:
    req = parse_subscribe("Rafah-Offensive daily 7:05 America/New_York only:Cairo, Doha except: football",
                          "UTC")
    assert (req.story, req.mode, req.daily_at, req.timezone) == ("rafah-offensive", "daily", "07:05",
                                                                  "America/New_York")
    assert req.only == ("Cairo", "Doha") and req.except_ == ("football",)


def test_subscribe_live_with_only_terms() -> None:
    req = parse_subscribe("rafah-offensive live only:Cairo,Doha", "UTC")
    assert req.mode == "live" and req.only == ("Cairo", "Doha")


@pytest.mark.parametrize(("text", "problem"), [
    ("", "Say which story"),
    ("x daily 25:00", "not a time of day"),
    ("x daily", "Say when"),
    ("x daily 08:00 Mars/Olympus", "not an IANA time zone"),
    ("x weekly", "not a delivery mode"),
    ("x live now", "didn't understand"),
])
def test_subscribe_mistakes_get_one_sentence(text: str, problem: str) -> None:
    with pytest.raises(SyntaxProblem, match=problem):
        parse_subscribe(text, "UTC")


def test_track_reads_title_terms_and_excludes() -> None:
    req = parse_track('border-talks "Border talks" terms: crossing, Kerem Shalom, border* exclude: football, FIFA')
    assert req.story == "border-talks" and req.title == "Border talks"
    assert req.terms == ("crossing", "Kerem Shalom", "border*") and req.exclude == ("football", "FIFA")


@pytest.mark.parametrize("text", ['x terms: a', '"No id" terms: a', 'Bad_Id "T" terms: a', 'x "T" terms: '])
def test_track_mistakes_are_refused(text: str) -> None:
    with pytest.raises(SyntaxProblem):
        parse_track(text)


def test_text_after_keeps_quotes_and_commas() -> None:
    assert text_after('track  x "A b" terms: c, d', 1) == 'x "A b" terms: c, d'
    assert text_after("import opml", 2) == ""


def test_opml_export_then_import_keeps_urls_titles_and_stories() -> None:
    feeds: list[dict[str, object]] = [
        {"url": "http://127.0.0.1/a.xml", "title": "A & B", "stories": ["hostage-talks", "rafah-offensive"]},
             {"url": "http://127.0.0.1/c.xml", "title": "", "stories": []}]
    parsed = parse_opml(export_opml(feeds))
    assert parsed == [("http://127.0.0.1/a.xml", "A & B", ["hostage-talks", "rafah-offensive"]),
                      ("http://127.0.0.1/c.xml", "http://127.0.0.1/c.xml", [])]


def test_opml_with_entities_is_refused() -> None:
    with pytest.raises(ValueError, match="DOCTYPE"):
        parse_opml('<!DOCTYPE x [<!ENTITY a "b">]><opml><body/></opml>')


def test_track_with_a_long_run_of_whitespace_is_answered_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(SyntaxProblem, match="at most 2,000 are allowed"):
        parse_track('x "T" terms: a' + " " * 20_000 + "b")
    req = parse_track('x "T" terms: a' + " " * 1_900 + "b, c")
    assert req.terms == ("a b", "c")
    assert time.perf_counter() - started < 0.2


def test_only_and_except_lists_are_limited_and_say_the_limit() -> None:
    words = ",".join(f"w{i}" for i in range(21))
    for text in (f"x only:{words}", f"x except:{words}"):
        with pytest.raises(SyntaxProblem, match="has 21 entries; at most 20 are allowed"):
            parse_subscribe(text, "UTC")
    with pytest.raises(SyntaxProblem, match="longer than 100 characters"):
        parse_subscribe("x only:" + "a" * 101, "UTC")


def test_opml_with_more_feeds_than_the_limit_is_refused_saying_the_limit() -> None:
    outlines = "".join(f'<outline xmlUrl="https://x.example/{i}.xml"/>' for i in range(10_000))
    with pytest.raises(ValueError, match="lists 10,000 feeds; at most 500 can be imported at once"):
        parse_opml(f'<opml version="2.0"><body>{outlines}</body></opml>')
