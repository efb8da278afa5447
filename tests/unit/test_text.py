from bot.text import split_sentences


def test_abbreviations_do_not_end_sentences() -> None:
    text = "U.S. officials met Maj. Gen. Smith on Feb. 3 in Cairo. Talks went on."
    assert split_sentences(text) == ["U.S. officials met Maj. Gen. Smith on Feb. 3 in Cairo.", "Talks went on."]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert split_sentences('He said "it is close." Then he left.') == ['He said "it is close."', "Then he left."]


def test_unpunctuated_line_is_its_own_sentence() -> None:
    assert split_sentences("A subhead without a stop\nThe body starts here.") == [
        "A subhead without a stop", "The body starts here."]
