"""URL safety for everything the bot fetches: which URLs and addresses it may connect to.

A feed or an article link is data from outside, so a hostile one could point the bot at its own
machine or network (``http://127.0.0.1:5432``, ``http://169.254.169.254/``). The rules here refuse
such URLs before any connection is made:

* only ``http`` and ``https``;
* no loopback, private, link-local, multicast, reserved or otherwise non-public address, whether
  written in the URL or returned by DNS;
* unless the host name or the address is listed in the policy's ``allow`` (hosts or CIDRs, e.g.
  from ``NEWSDESK_FETCH_ALLOW="127.0.0.1,feeds.internal,10.1.0.0/16"``).

`GuardedResolver` does the DNS lookup for the HTTP client and refuses blocked answers, so the
client connects only to an address that was checked (a second, different DNS answer cannot slip
past: there is no second lookup).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult

from bot.ingest.errors import BlockedURL
from bot.netallow import ALLOW_ENV, parse_allow  # the allow-list's syntax, shared with settings
from bot.redact import redact_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_USER_AGENT = "newsdesk-bot/0.1 (+https://github.com/newsdesk-bot; feed reader)"
_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+))*\.?", re.IGNORECASE)


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for every fetch: what may be reached, how long it may take, how much it may send.

    ``deadline`` bounds one whole fetch (all redirect hops and the body), so a server that drips a
    byte a second is cut off even though no single read times out.
    """

    allow: tuple[str, ...] = ()
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    deadline: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    max_connections: int = 100
    user_agent: str = DEFAULT_USER_AGENT

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> FetchPolicy:
        """A policy whose allow-list comes from ``NEWSDESK_FETCH_ALLOW`` (comma-separated)."""
        env = os.environ if environ is None else environ
        return cls(allow=parse_allow(env.get(ALLOW_ENV, "")), **overrides)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Allow:
    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]


@lru_cache(maxsize=64)
def _compile_allow(allow: tuple[str, ...]) -> _Allow:
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for entry in allow:
        entry = entry.strip().lower().rstrip(".").strip("[]")
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry)
    return _Allow(frozenset(hosts), tuple(networks))


def blocked_reason(address: IPAddress) -> str | None:
    """Why an address may not be fetched from ("loopback", "private", ...), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return blocked_reason(mapped)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("non-public", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def address_allowed(address: IPAddress, allow: tuple[str, ...]) -> bool:
    """True when an address lies in one of the allow-list's addresses or networks."""
    return any(address in net for net in _compile_allow(allow).networks)


def host_allowed(host: str, allow: tuple[str, ...]) -> bool:
    """True when a host name (or literal address) is listed in the allow-list."""
    return host.lower().rstrip(".").strip("[]") in _compile_allow(allow).hosts


@dataclass(frozen=True)
class Target:
    """A URL that passed the static checks: its host and whether DNS answers need checking."""

    url: str
    host: str
    port: int
    address: IPAddress | None  # set when the URL names an address rather than a host name


def check_url(url: str, policy: FetchPolicy) -> Target:
    """Check a URL before connecting: scheme, host, and (for a literal address) its range.

    Raises `BlockedURL` with one sentence saying why. A host name is checked later, by
    `GuardedResolver`, against the addresses DNS returns for it.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURL(url, f"Refused to fetch {redact_url(url)!r}: it is not a valid URL ({exc}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "no scheme"
        raise BlockedURL(url, f"Refused to fetch {redact_url(url)!r}: only http and https URLs are fetched, "
                              f"not {shown}.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BlockedURL(url, f"Refused to fetch {redact_url(url)!r}: the URL has no host.")
    if port is None:
        port = 443 if scheme == "https" else 80
    try:
        address: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
        if _NUMERIC_HOST.fullmatch(host):
            raise BlockedURL(
                url, f"Refused to fetch {redact_url(url)!r}: {host} is a non-canonical numeric address."
            ) from None
    if address is not None and not host_allowed(host, policy.allow):
        reason = blocked_reason(address)
        if reason and not address_allowed(address, policy.allow):
            raise BlockedURL(
                url,
                f"Refused to fetch {redact_url(url)!r}: {host} is a {reason} address and is not in {ALLOW_ENV}.",
            )
    return Target(url=url, host=host, port=port, address=address)


class GuardedResolver(AbstractResolver):
    """DNS for the HTTP client that refuses host names resolving to blocked addresses.

    The client connects only to the addresses returned here, so the address checked is the
    address used. ``inner`` does the actual lookup (aiohttp's threaded getaddrinfo by default);
    tests pass a fixed table.
    """

    def __init__(self, policy: FetchPolicy, inner: AbstractResolver) -> None:
        self._policy = policy
        self._inner = inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` and refuse the lookup if any answer is a blocked address."""
        answers = await self._inner.resolve(host, port, family)
        if host_allowed(host, self._policy.allow):
            return answers
        for answer in answers:
            address = ipaddress.ip_address(answer["host"].split("%", 1)[0])
            reason = blocked_reason(address)
            if reason and not address_allowed(address, self._policy.allow):
                raise BlockedURL(
                    host,
                    f"Refused to connect to {host}: it resolves to {address}, a {reason} address "
                    f"not in {ALLOW_ENV}.",
                )
        return answers

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()
