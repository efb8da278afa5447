"""Synthetic feeds for load and timing tests (made here, no outside data)."""

from __future__ import annotations


def big_rss(items: int) -> bytes:
    """An RSS 2.0 document with ``items`` items of a few paragraphs each."""
    paragraph = "<p>Mediators from Qatar and Egypt met negotiators in Cairo on Sunday to discuss a truce.</p>"
    body = "".join(
        f"<item><title>Item {i}</title><link>https://wire.example/{i}</link><guid>g-{i}</guid>"
        f"<pubDate>Sat, 30 Mar 2024 09:00:00 +0000</pubDate>"
        f"<description><![CDATA[{paragraph * 4}]]></description></item>"
        for i in range(items)
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big</title>'
            f"<link>https://wire.example/</link>{body}</channel></rss>").encode()
