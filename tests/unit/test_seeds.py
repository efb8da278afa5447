from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ingest.seeds import SeedError, parse_article_text, parse_seed, read_seed


def test_headers_give_url_outlet_date_and_title() -> None:
    raw = parse_article_text(
        "# source: https://www.example.org/talks\n# date: 2024-02-14\n# title: Talks move to Cairo\n"
        "# text: rewritten\n\nNegotiators met in Cairo on Tuesday.\n", "a.txt")
    assert raw.url == "https://www.example.org/talks"
    assert raw.source == "example.org"
    assert raw.published == datetime(2024, 2, 14, tzinfo=UTC)
    assert raw.title == "Talks move to Cairo"
    assert raw.text == "Negotiators met in Cairo on Tuesday."


def test_file_without_headers_takes_first_line_as_title() -> None:
    raw = parse_article_text("Mediators meet again\n\nQatar and Egypt hosted the talks.\n", "plain.txt")
    assert raw.title == "Mediators meet again"
    assert raw.text == "Qatar and Egypt hosted the talks."
    assert raw.url == "seed:plain.txt"
    assert raw.published is None


def test_placeholder_title_is_replaced_by_the_first_sentence() -> None:
    raw = parse_article_text("# source: project seed document (notes)\n# title: [no headline]\n\n"
                             "Talks resumed in Paris. More later.", "seed.txt")
    assert raw.title == "Talks resumed in Paris."
    assert raw.source == "project seed document"


def test_empty_article_is_refused_with_its_name() -> None:
    with pytest.raises(SeedError, match="empty.txt: has no article text"):
        parse_article_text("# title: nothing\n\n   \n", "empty.txt")


def test_shipped_seed_parses_with_its_date(tmp_path: Path) -> None:
    seed = Path(__file__).resolve().parents[2] / "seeds" / "000_seed.txt"
    [raw] = parse_seed(read_seed(seed), "000_seed.txt")
    assert raw.published == datetime(2024, 2, 11, tzinfo=UTC)
    assert "Qatar and Egypt" in raw.text


def test_seed_text_and_headers_lose_terminal_control_sequences() -> None:
    raw = ("# title: Talks\x1b[2J resume\x07\n# source: Desk\x1b]0;x\x07 wire\n\n"
           "Mediators met\x1b]8;;https://evil.example/\x1b\\ in Cairo\x1b]8;;\x1b\\ on Monday.\r\nMore.\x00")
    article = parse_article_text(raw, "hostile.txt")
    assert (article.title, article.source) == ("Talks resume", "Desk wire")
    assert article.text == "Mediators met in Cairo on Monday.\nMore."


def test_oversized_seed_title_and_text_are_clipped_with_a_note() -> None:
    article = parse_article_text("# title: " + "long " * 1_000 + "\n\n" + "Talks went on.\n" * 10_000, "big.txt")
    assert len(article.title) <= 300 and article.title.endswith("…")
    assert "[Clipped: the original text was 149,999 characters" in article.text
