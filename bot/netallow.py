"""The fetch allow-list's syntax (``NEWSDESK_FETCH_ALLOW``), shared by settings and the fetch guard.

A neutral module, so that settings can check the variable without importing the ingest layer
and the guard can read it the same way.
"""

from __future__ import annotations

import ipaddress

ALLOW_ENV = "NEWSDESK_FETCH_ALLOW"


def parse_allow(text: str) -> tuple[str, ...]:
    """Split a comma-separated allow-list into normalised entries, checking each one.

    Entries are host names (matched case-insensitively), IP addresses or CIDR networks.
    Raises ValueError, naming the variable and the entry, for a malformed CIDR.
    """
    entries: list[str] = []
    for raw in text.split(","):
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        if "/" in entry:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"{ALLOW_ENV}: {raw.strip()!r} is not a valid CIDR (not a valid network: {exc}).") from exc
        entries.append(entry)
    return tuple(entries)
