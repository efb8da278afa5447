"""What every adapter needs to read an attached file: is it text we can use, a capped download, decoding.

Pure helpers plus one aiohttp reader. The adapters decide where to download from (Slack's file
host, the Matrix homeserver's media repository); these functions only bound and decode.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import aiohttp

from bot.domain import AttachmentError

MAX_ATTACHMENT_BYTES = 1_000_000  # the most an attachment may hold (an OPML of thousands of feeds fits)
TEXT_SUFFIXES = frozenset({".opml", ".xml", ".txt"})
TEXT_MIMETYPES = frozenset({
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/opml+xml",
    "text/x-opml",
    "text/x-opml+xml",
})


def looks_textual(name: str, mimetype: str) -> bool:
    """Whether a file is one the bot may read as text: text/*, XML or OPML types, or a .opml/.xml/.txt name."""
    kind = (mimetype or "").split(";", 1)[0].strip().lower()
    if kind.startswith("text/") or kind in TEXT_MIMETYPES or kind.endswith("+xml"):
        return True
    return PurePosixPath((name or "").lower()).suffix in TEXT_SUFFIXES


def too_big(name: str, size: int | None, limit: int = MAX_ATTACHMENT_BYTES) -> str | None:
    """The sentence refusing a file whose declared size is over `limit`, or None when it may be read."""
    if size is not None and size > limit:
        return f"The attached file {name} is {size:,} bytes; I read files of up to {limit:,} bytes."
    return None


def decode_text(data: bytes, name: str) -> str:
    """The file's text (UTF-8, with or without a byte-order mark, or UTF-16 with one).

    Raises `AttachmentError` for bytes that are not text, so a person hears one clear sentence.
    """
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise AttachmentError(f"The attached file {name} is not UTF-8 text.") from None
    if "\x00" in text:
        raise AttachmentError(f"The attached file {name} is not a text file.")
    return text


async def read_capped(response: aiohttp.ClientResponse, name: str, limit: int = MAX_ATTACHMENT_BYTES) -> bytes:
    """The body of `response`, read in chunks; raises `AttachmentError` once it passes `limit` bytes.

    Checked while reading (not only against Content-Length), so a server that lies about the size
    or streams forever cannot fill memory.
    """
    declared = response.content_length
    if declared is not None and declared > limit:
        raise AttachmentError(too_big(name, declared, limit) or "")
    data = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        data.extend(chunk)
        if len(data) > limit:
            raise AttachmentError(f"The attached file {name} is over {limit:,} bytes; I read files up to that size.")
    return bytes(data)
