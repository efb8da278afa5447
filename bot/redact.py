"""Secrets out of anything shown or logged: URL credentials, query secrets, platform tokens.

`redact_url` keeps what an operator needs to recognise a URL (scheme, user name, host, path,
harmless query parameters) and replaces passwords and secret parameters with `***`;
`redact_text` does the same for every URL and `key=value` secret inside free text (error
messages, log lines). Both are pure and linear in the length of their input.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
_SECRET_KEYS = (r"password|passwd|pwd|sslpassword|sslkey|secret|client_secret|token|access_token|"
                r"refresh_token|id_token|api_key|apikey|api-key|auth|authorization|sig|signature|"
                r"credential|credentials")
_PAIR = r"(?i)(?<![\w-])((?:{keys})\s*=\s*)('[^']*'|\"[^\"]*\"|[^&\s'\"<>#;,]+)"
# key=value pairs whose value is a secret, in free text (log lines use key=value, so not `key=` itself)
_SECRET_PAIR = re.compile(_PAIR.format(keys=_SECRET_KEYS))
# ... and in a URL's query string, where `key=` and `session=` are API keys and session ids too
_QUERY_PAIR = re.compile(_PAIR.format(keys=_SECRET_KEYS + "|key|session|sessionid|sid"))
# tokens with a recognisable shape: Slack (xoxb-, xoxp-, xapp-...), Matrix (syt_...)
_TOKEN = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]{6,}|\bsyt_[A-Za-z0-9_]{6,}")
_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}://)([^\s<>\"'`]+)")


def _mask_pair(match: re.Match[str]) -> str:
    value = match.group(2)
    kept = value.rstrip(".,;:!?)]}")  # punctuation ending the sentence stays
    return match.group(1) + MASK + (value[len(kept):] if kept else "")


def _authority_end(rest: str) -> int:
    """Where the credentials of `rest` (a URL after `scheme://`) end: the index of their '@', or -1."""
    stop = len(rest)
    for mark in "?#":
        at = rest.find(mark)
        if at != -1:
            stop = min(stop, at)
    at = rest.rfind("@", 0, stop)
    if at <= 0:
        return -1
    userinfo = rest[:at]
    slash = userinfo.find("/")
    if slash == -1:
        return at  # user@host or user:pass@host
    colon = userinfo.find(":")
    if colon == -1 or colon > slash:
        return -1  # an '@' in the path, e.g. https://example.org/feed/@user
    if userinfo[colon + 1:slash].isdigit():
        return -1  # host:port/path/@user
    return at  # user:pa/ss@host: a password holding '/'


def userinfo(url: str) -> str:
    """The `user:password` part of a URL as written (before the host), or ''."""
    match = _URL.match(url)
    if not match:
        return ""
    rest = url[len(match.group(1)):]
    at = _authority_end(rest)
    return rest[:at] if at != -1 else ""


def redact_url(url: str) -> str:
    """`url` with its password (or whole user info when there is no user name) and secret parameters masked."""
    match = _URL.match(url)
    if not match:
        return _QUERY_PAIR.sub(_mask_pair, url)
    scheme, rest = match.group(1), url[len(match.group(1)):]
    at = _authority_end(rest)
    if at != -1:
        user, has_password, _ = rest[:at].partition(":")
        shown = f"{user}:{MASK}" if has_password and user else MASK
        rest = f"{shown}@{rest[at + 1:]}"
    return scheme + _TOKEN.sub(MASK, _QUERY_PAIR.sub(_mask_pair, rest))


def _redact_match(match: re.Match[str]) -> str:
    url = match.group(0)
    core = url.rstrip(".,;:!?)]}")  # sentence punctuation after a URL is not part of it
    return redact_url(core) + url[len(core):]


def redact_text(text: str) -> str:
    """`text` with every URL redacted and every `password=...`-style secret and platform token masked."""
    text = _URL.sub(_redact_match, text)
    text = _SECRET_PAIR.sub(_mask_pair, text)
    return _TOKEN.sub(MASK, text)


class RedactingFormatter(logging.Formatter):
    """A log formatter that redacts the whole formatted record, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        """The record formatted as usual, then passed through `redact_text`."""
        return redact_text(super().format(record))
