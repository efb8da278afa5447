"""WordNet synonyms (the answerer's thesaurus): read from WordNet's own index format; absent files
mean no synonyms. Update detection no longer uses it: it matches lemmas from the stored annotation
(see test_updates_facts.py for reworded sentences matched by lemma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.understand.wordnet import DEFAULT_DIR, load_wordnet

# Lines in WordNet 3.0's index format, sorted as the real files are:
# lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offsets...
INDEX = {
    "index.verb": [
        "  1 This software and database is being provided to you, the LICENSEE, by Princeton University",
        "begin v 2 1 @ 2 2 00345000 00347000",
        "break_out v 2 2 @ $ 2 2 00345508 00346958",
        "end v 1 1 @ 1 1 00352826",
        "erupt v 3 2 @ ~ 3 3 00345508 00307785 02760622",
        "start v 2 1 @ 2 2 00345000 00346000",
    ],
    "index.noun": ["armistice n 1 1 @ 1 1 01236296", "truce n 1 1 @ 1 1 01236296"],
    "index.adj": [],
    "index.adv": [],
}


def write_wordnet(folder: Path) -> Path:
    for name, lines in INDEX.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_words_sharing_a_frequent_sense_are_synonyms_and_antonyms_are_not(tmp_path: Path) -> None:
    thesaurus = load_wordnet(write_wordnet(tmp_path))
    assert thesaurus.same_sense("erupt", "break out")
    assert thesaurus.same_sense("truce", "armistice")
    assert thesaurus.same_sense("start", "begin")
    assert not thesaurus.same_sense("start", "end")
    assert not thesaurus.same_sense("erupt", "unknownword")


def test_missing_wordnet_files_give_an_empty_thesaurus(tmp_path: Path) -> None:
    thesaurus = load_wordnet(tmp_path / "absent")
    assert not thesaurus
    assert not thesaurus.same_sense("start", "begin")


@pytest.mark.skipif(not (DEFAULT_DIR / "index.verb").is_file(), reason="Debian's wordnet-base is not installed")
def test_installed_wordnet_knows_common_news_paraphrases() -> None:
    thesaurus = load_wordnet()
    assert thesaurus.same_sense("begin", "start")
    assert thesaurus.same_sense("release", "free")
    assert not thesaurus.same_sense("reject", "accept")
