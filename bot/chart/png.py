"""Reading a PNG's size from its header (the IHDR chunk), without decoding the picture."""

from __future__ import annotations

import struct

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotPng(ValueError):
    """The bytes are not a PNG file."""


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, read from its IHDR chunk; `NotPng` when it is not one.

    Matrix's `m.image` `info` and the tests need the size of a chart that was drawn elsewhere.
    """
    if len(data) < 24 or data[:8] != SIGNATURE or data[12:16] != b"IHDR":
        raise NotPng("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
