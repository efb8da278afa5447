import time

from bot.text import split_sentences, strip_controls


def test_abbreviations_do_not_end_sentences() -> None:
    text = "U.S. officials met Maj. Gen. Smith on Feb. 3 in Cairo. Talks went on."
    assert split_sentences(text) == ["U.S. officials met Maj. Gen. Smith on Feb. 3 in Cairo.", "Talks went on."]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert split_sentences('He said "it is close." Then he left.') == ['He said "it is close."', "Then he left."]


def test_unpunctuated_line_is_its_own_sentence() -> None:
    assert split_sentences("A subhead without a stop\nThe body starts here.") == [
        "A subhead without a stop", "The body starts here."]


def test_strip_controls_removes_escape_sequences_with_their_payload_and_keeps_tabs_and_newlines() -> None:
    hostile = ("Talks\x1b[2J\x1b[H resume\x07 in \x1b]8;;https://evil.example/\x1b\\Cairo\x1b]8;;\x1b\\"
               "\x1b]0;pwned\x07\x9b31m!\x00\x7f\x85\r\nnext\tline\rover")
    assert strip_controls(hostile) == "Talks resume in Cairo!\nnext\tline\nover"


def test_strip_controls_is_linear_on_unterminated_sequences() -> None:
    started = time.perf_counter()
    for hostile in ("\x1b]" + "a" * 500_000, "\x1b[" + "0" * 500_000, "\x1b" * 500_000, "\x1bP" + "x" * 500_000):
        strip_controls(hostile)
    assert time.perf_counter() - started < 1.0
