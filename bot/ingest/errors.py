"""Exceptions raised by feed fetching and parsing; each carries one clear sentence for people.

`FetchError` and `FeedError` are the two roots: a caller that polls feeds catches those two and
records ``str(exc)`` as the feed's last error.
"""

from __future__ import annotations


class UrlError(Exception):
    """Something went wrong with one URL; ``str(exc)`` is one sentence saying why."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(message)
        self.url = url
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with both arguments, so errors survive a process-pool boundary."""
        return (type(self), (self.url, self.message))


class FetchError(UrlError):
    """A URL could not be fetched."""


class BlockedURL(FetchError):
    """The URL (or an address it resolves or redirects to) may not be fetched; nothing was sent."""


class TooLarge(FetchError):
    """The response body exceeded the policy's ``max_bytes``; reading stopped there."""


class FetchTimeout(FetchError):
    """Connecting, a read, or the whole fetch took longer than the policy allows."""


class TooManyRedirects(FetchError):
    """The URL redirected more times than the policy's ``max_redirects``."""


class ConnectionFailed(FetchError):
    """The server could not be reached, or the connection broke mid-response."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx/5xx or an unexpected 1xx/3xx)."""

    def __init__(self, url: str, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(url, message)
        self.status = status
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with all arguments."""
        return (type(self), (self.url, self.status, self.message, self.retry_after))


class FeedError(UrlError):
    """A fetched document could not be read as a feed."""


class NotAFeed(FeedError):
    """The document is something else (typically an HTML web page), not RSS, Atom or RDF."""


class MalformedFeed(FeedError):
    """The document is broken XML and no complete item could be recovered from it."""


class UnsafeFeed(MalformedFeed):
    """The document declares XML entities (the billion-laughs pattern) and is refused unread."""
