"""Secrets never shown: URL credentials, query secrets and platform tokens are masked, the rest kept."""

from __future__ import annotations

import logging

import pytest

from bot.redact import RedactingFormatter, redact_text, redact_url


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://news:hunter2@db.example:5432/news", "postgresql://news:***@db.example:5432/news"),
    ("postgresql://news:pa@ss@db.example/news", "postgresql://news:***@db.example/news"),
    ("postgresql://news@db.example/news?sslmode=require&sslpassword=hunter2",
     "postgresql://***@db.example/news?sslmode=require&sslpassword=***"),
    ("postgresql://db.example/news?password=hunter2", "postgresql://db.example/news?password=***"),
    ("https://bob:hunter2@feeds.example.org/rss.xml?token=abc&edition=uk",
     "https://bob:***@feeds.example.org/rss.xml?token=***&edition=uk"),
    ("https://feeds.example.org/rss?key=AIzaSy123&api_key=zz", "https://feeds.example.org/rss?key=***&api_key=***"),
    ("https://ghp_secret@example.org/feed", "https://***@example.org/feed"),
    ("https://medium.com/feed/@someone", "https://medium.com/feed/@someone"),
    ("https://example.org:8080/users/@someone", "https://example.org:8080/users/@someone"),
    ("sqlite:///data/newsdesk.db", "sqlite:///data/newsdesk.db"),
])
def test_redact_url_masks_credentials_and_secret_parameters_only(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_text_masks_every_url_pair_and_token_in_a_sentence() -> None:
    text = ("cannot open postgresql://u:s3cret@h/db: failed; dsn host=h password=s3cret2, "
            "slack xoxb-1234-abcdefgh and matrix syt_abcdefghij_1234 key=outbox:1.")
    shown = redact_text(text)
    for secret in ("s3cret", "s3cret2", "xoxb-1234", "syt_abcdefghij"):
        assert secret not in shown
    assert "postgresql://u:***@h/db: failed" in shown and "key=outbox:1." in shown


def test_redacting_formatter_masks_messages_and_tracebacks() -> None:
    try:
        raise RuntimeError("connect to https://u:tracebacksecret@example.org/x failed")
    except RuntimeError as exc:
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "url=%s", ("https://a:logsecret@h/?token=t1",),
                                   (type(exc), exc, exc.__traceback__))
    shown = RedactingFormatter("%(message)s").format(record)
    assert "logsecret" not in shown and "tracebacksecret" not in shown and "token=t1" not in shown
    assert "Traceback" in shown  # the formatter keeps what it is given, masked
