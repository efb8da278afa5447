"""How the Matrix adapter reads a homeserver's refusals, and the transaction ids that make a send land once.

A refused request becomes one of the port's delivery errors (rate limited, worth retrying, or not),
so the outbox decides what happens next; nio itself is told never to retry (see `MatrixSession`).
"""

from __future__ import annotations

import hashlib

import aiohttp
from nio import ErrorResponse

from bot.chat.port import (
    ContentRefused,
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    TransientDeliveryError,
)

# failures to reach the homeserver at all (nio lets them through instead of answering)
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)
_PERMANENT_CODES = {
    "M_FORBIDDEN",
    "M_NOT_FOUND",
    "M_UNKNOWN_TOKEN",
    "M_MISSING_TOKEN",
    "M_BAD_JSON",
    "M_NOT_JSON",
    "M_TOO_LARGE",
    "M_UNKNOWN",
    "M_GUEST_ACCESS_FORBIDDEN",
    "M_INVALID_PARAM",
}
# refusals of one event's content, not of the room: the post fails, the subscription stays
_CONTENT_CODES = {"M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON"}


class MatrixLoginError(Exception):
    """The homeserver refused the configured credentials."""


def transaction_id(key: str) -> str:
    """The Matrix transaction id for an outbox key: the same key always gives the same id.

    The homeserver answers a repeated PUT /send/.../{txnId} from the same device with the event it
    created the first time (Synapse remembers them for 24 hours, across its restarts), so a retry
    after a crash between "sent" and "marked sent" cannot post twice. Hashed so any key is URL-safe.
    """
    return "newsdesk." + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def digest(text: str) -> str:
    """A short digest of a message body, so the same answer to the same message is one transaction."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def error_detail(resp: ErrorResponse) -> str:
    """One line for the log: the HTTP status, Matrix error code and message of a refusal."""
    status = resp.transport_response.status if resp.transport_response is not None else "?"
    return f"HTTP {status} {resp.status_code or 'error'}: {resp.message or 'no message'}"


def delivery_error(resp: ErrorResponse, action: str) -> DeliveryError:
    """Classify a homeserver error answer into the port's delivery errors."""
    status = resp.transport_response.status if resp.transport_response is not None else None
    detail = f"{action}: {error_detail(resp)}"
    if resp.status_code == "M_LIMIT_EXCEEDED" or status == 429:
        retry_ms = resp.retry_after_ms or 1000
        return RateLimited(retry_ms / 1000, detail)
    if status is not None and status >= 500:
        return TransientDeliveryError(detail)
    if resp.status_code in _CONTENT_CODES or status == 413:
        return ContentRefused(detail)
    if resp.status_code in _PERMANENT_CODES or (status is not None and 400 <= status < 500):
        return PermanentDeliveryError(detail)
    return TransientDeliveryError(detail)
