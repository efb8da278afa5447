"""URL guard: which URLs and addresses the bot refuses to fetch, decided without any network."""

from __future__ import annotations

import ipaddress

import pytest

from bot.ingest.errors import BlockedURL
from bot.ingest.guard import FetchPolicy, GuardedResolver, blocked_reason, check_url, parse_allow
from tests.support.dns_table import HostsTable


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
    ],
)
def test_non_public_addresses_are_classified_as_blocked(address: str, reason: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_not_blocked(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.com/feed.xml", "only http and https"),
        ("gopher://127.0.0.1:25/", "only http and https"),
        ("http:///nohost", "no host"),
        ("http://127.0.0.1:8080/feed", "loopback"),
        ("http://[::1]/feed", "loopback"),
        ("http://10.0.0.1/feed.xml", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://2130706433/", "non-canonical"),
        ("http://127.1/", "non-canonical"),
        ("http://0x7f.0.0.1/", "non-canonical"),
        ("http://example.com:99999/", "not a valid URL"),
    ],
)
def test_unsafe_urls_are_refused_with_one_sentence(url: str, words: str) -> None:
    with pytest.raises(BlockedURL) as caught:
        check_url(url, FetchPolicy())
    message = str(caught.value)
    assert words in message
    assert message.startswith("Refused to fetch") and message.endswith(".")


def test_allowed_address_or_network_lets_a_private_url_through() -> None:
    assert check_url("http://127.0.0.1:8080/feed", FetchPolicy(allow=("127.0.0.1",))).port == 8080
    assert check_url("http://10.1.2.3/feed", FetchPolicy(allow=("10.1.0.0/16",))).host == "10.1.2.3"
    with pytest.raises(BlockedURL):
        check_url("http://10.2.0.1/feed", FetchPolicy(allow=("10.1.0.0/16",)))


def test_public_host_names_pass_the_static_check() -> None:
    target = check_url("https://Feeds.Example.com/rss", FetchPolicy())
    assert (target.host, target.port, target.address) == ("feeds.example.com", 443, None)


def test_allow_list_is_parsed_from_comma_separated_text() -> None:
    parsed = parse_allow(" 127.0.0.1, Feeds.Internal. ,10.0.0.0/8,,")
    assert parsed == ("127.0.0.1", "feeds.internal", "10.0.0.0/8")
    with pytest.raises(ValueError, match="not a valid network"):
        parse_allow("10.0.0.0/99")
    policy = FetchPolicy.from_env({"NEWSDESK_FETCH_ALLOW": "127.0.0.1"}, deadline=5.0)
    assert policy.allow == ("127.0.0.1",) and policy.deadline == 5.0


async def test_resolver_refuses_a_name_that_resolves_to_a_private_address() -> None:
    table = HostsTable({"rebind.test": "192.168.0.10", "ok.test": "93.184.215.14"})
    resolver = GuardedResolver(FetchPolicy(), table)
    with pytest.raises(BlockedURL, match="resolves to 192.168.0.10, a private address"):
        await resolver.resolve("rebind.test", 80)
    assert [r["host"] for r in await resolver.resolve("ok.test", 80)] == ["93.184.215.14"]


async def test_resolver_lets_an_allowed_host_name_resolve_anywhere() -> None:
    resolver = GuardedResolver(FetchPolicy(allow=("feeds.internal",)), HostsTable({"feeds.internal": "10.9.9.9"}))
    assert [r["host"] for r in await resolver.resolve("feeds.internal", 80)] == ["10.9.9.9"]
