"""The WordNet reader (update detection's synonyms; the answerer no longer uses it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.understand.wordnet import WordNet, default_wordnet


def test_wordnet_reader_finds_synonyms_in_a_tiny_database(tmp_path: Path) -> None:
    # A two-synset database in WordNet's own file format, offsets computed as the real files do.
    noun_line = "00000001 18 n 02 chief 0 head 0 000 | a person who is in charge  \n"
    (tmp_path / "data.noun").write_text(noun_line)
    (tmp_path / "index.noun").write_text(
        "  1 licence header line\nchief n 1 0 1 0 00000000  \nhead n 1 0 1 0 00000000  \n"
    )
    for pos in ("verb", "adj"):
        (tmp_path / f"data.{pos}").write_text("")
        (tmp_path / f"index.{pos}").write_text("")
    wn = WordNet(tmp_path)
    assert wn.synonyms("head") == frozenset({"chief"})
    assert wn.synonyms("chief") == frozenset({"head"})
    assert wn.synonyms("unknown") == frozenset()


def test_missing_wordnet_means_no_synonyms_rather_than_an_error(tmp_path: Path) -> None:
    assert WordNet(tmp_path / "nowhere").synonyms("head") == frozenset()


@pytest.mark.skipif(not default_wordnet().available, reason="WordNet data files not installed")
def test_installed_wordnet_links_release_and_free() -> None:
    assert "free" in default_wordnet().synonyms("release")


def test_wordnet_reader_climbs_hypernyms_in_a_tiny_database(tmp_path: Path) -> None:
    # missile -> weapon -> instrument, in WordNet's data format with real byte offsets
    lines = [
        ("instrument", None),
        ("weapon", 0),
        ("missile", 1),
    ]
    data, offsets = "", []
    for word, parent in lines:
        offsets.append(len(data.encode()))
        ptr = f"001 @ {offsets[parent]:08d} n 0000" if parent is not None else "000"
        data += f"{offsets[-1]:08d} 06 n 01 {word} 0 {ptr} | gloss  \n"
    (tmp_path / "data.noun").write_text(data)
    index = sorted(f"{w} n 1 1 @ 1 0 {offsets[i]:08d}  " for i, (w, _) in enumerate(lines))
    (tmp_path / "index.noun").write_text("\n".join(index) + "\n")
    for pos in ("verb", "adj", "adv"):
        (tmp_path / f"data.{pos}").write_text("")
        (tmp_path / f"index.{pos}").write_text("")
    wn = WordNet(tmp_path)
    assert wn.hypernyms("missile") == frozenset({"weapon", "instrument"})
    assert wn.hypernyms("instrument") == frozenset()
    assert wn.senses("weapon") == frozenset({f"n{offsets[1]:08d}"})
