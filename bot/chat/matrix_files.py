"""Files in and out of Matrix: attached files people send, and pictures the bot posts.

In: an `m.file` event is remembered as the last file of its (room, sender) for FILE_MEMORY_MS (by
the events' server timestamps); that person's next addressed messages in the room carry it as an
`Attachment`. The file is downloaded only when a command reads it, from the homeserver's
authenticated media API (the bot's token in the Authorization header), 1 MB at most, within
`request_timeout`. Encrypted files (`file` instead of `url`) are not readable by this bot.

Out: a post's picture is uploaded to the homeserver's media repository; its mxc:// URI then goes
into an `m.image` event (see `render_matrix.image_content`).
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from nio import UploadResponse

from bot.chat.attachments import MAX_ATTACHMENT_BYTES, decode_text, looks_textual, read_capped, too_big
from bot.chat.matrix_errors import NETWORK_ERRORS, delivery_error
from bot.chat.matrix_session import MatrixSession
from bot.chat.port import TransientDeliveryError
from bot.domain import Attachment, AttachmentError, Image

log = logging.getLogger("bot.chat.matrix")  # the adapter's one logger, whichever module logs

FILE_MEMORY_MS = 10 * 60 * 1000  # how long a person's last uploaded file is attached to their commands
_MAX_REMEMBERED_FILES = 500
_MXC = re.compile(r"^mxc://([A-Za-z0-9.:\[\]-]+)/([A-Za-z0-9_-]+)$")


def parse_mxc(url: str) -> tuple[str, str] | None:
    """(server name, media id) of an `mxc://` URI, or None when it is not one we can download."""
    match = _MXC.match(url or "")
    return (match.group(1), match.group(2)) if match else None


def file_caption(content: dict[str, Any]) -> str | None:
    """The caption of an m.file / m.image event, or None (spec: `body` is a caption when `filename`
    is present and differs from it)."""
    filename, body = content.get("filename"), content.get("body")
    if isinstance(filename, str) and filename and isinstance(body, str) and body.strip() and body != filename:
        return body
    return None


def file_still_attached(file_ms: int, message_ms: int) -> bool:
    """Whether a file sent at `file_ms` goes with a message sent at `message_ms` (server times, ms):
    at most FILE_MEMORY_MS earlier. Unknown times (0) count as recent."""
    if not file_ms or not message_ms:
        return True
    return 0 <= message_ms - file_ms <= FILE_MEMORY_MS


@dataclass(frozen=True)
class _FileRef:
    """A file someone sent in a room: where it is and what it claims to be."""

    name: str
    mxc: str
    mimetype: str
    size: int | None
    sent_ms: int


class MatrixFiles:
    """The last file each person sent in each room, and the media repository in both directions."""

    def __init__(self, session: MatrixSession) -> None:
        self._session = session
        self._files: OrderedDict[tuple[str, str], _FileRef] = OrderedDict()  # (room, sender) -> last file

    def remember(self, room_id: str, sender: str, content: dict[str, Any], sent_ms: int) -> None:
        """Keep an unencrypted m.file as the sender's last file in this room."""
        url = content.get("url")
        if not isinstance(url, str):
            return  # an encrypted file (`file` instead of `url`): not readable by this bot
        info: dict[str, Any] = content["info"] if isinstance(content.get("info"), dict) else {}
        name = str(content.get("filename") or content.get("body") or "file")
        size = info.get("size") if isinstance(info.get("size"), int) else None
        key = (room_id, sender)
        self._files[key] = _FileRef(name, url, str(info.get("mimetype") or ""), size, sent_ms)
        self._files.move_to_end(key)
        while len(self._files) > _MAX_REMEMBERED_FILES:
            self._files.popitem(last=False)
        log.info("matrix.file_seen room=%s sender=%s name=%s size=%s", room_id, sender, name, size)

    def attached(self, room_id: str, sender: str, sent_ms: int) -> tuple[Attachment, ...]:
        """The sender's last file in this room, if sent within FILE_MEMORY_MS before `sent_ms`."""
        ref = self._files.get((room_id, sender))
        if ref is None or not file_still_attached(ref.sent_ms, sent_ms):
            return ()
        problem = None
        if not looks_textual(ref.name, ref.mimetype):
            problem = f"The attached file {ref.name} is not a text file ({ref.mimetype or 'unknown type'})."
        elif parse_mxc(ref.mxc) is None:
            problem = f"The attached file {ref.name} has no address I can download it from."
        else:
            problem = too_big(ref.name, ref.size)
        if problem:
            return (Attachment(ref.name, ref.mimetype, ref.size, error=problem),)
        fetch = functools.partial(self._download, ref.mxc, ref.name)
        return (Attachment(ref.name, ref.mimetype, ref.size, fetch=fetch),)

    async def _download(self, mxc: str, name: str) -> str:
        """Fetch a file's text from the homeserver's authenticated media API (1 MB, request_timeout).

        Falls back to the legacy `/_matrix/media/v3/download` only when the server does not know
        the authenticated endpoint (homeservers older than Matrix 1.11).
        """
        parsed = parse_mxc(mxc)
        client = self._session.client_or_fail()
        if parsed is None:
            raise AttachmentError(f"The attached file {name} has no address I can download it from.")
        server, media_id = (quote(part, safe="") for part in parsed)
        base = self._session.config.homeserver.rstrip("/")
        paths = [f"/_matrix/client/v1/media/download/{server}/{media_id}",
                 f"/_matrix/media/v3/download/{server}/{media_id}"]
        headers = {"Authorization": f"Bearer {client.access_token}"}
        timeout = aiohttp.ClientTimeout(total=self._session.config.request_timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                for path in paths:
                    async with session.get(base + path, headers=headers, allow_redirects=False) as resp:
                        legacy_next = resp.status in (404, 405) and path.startswith("/_matrix/client/v1/")
                        if legacy_next and "M_UNRECOGNIZED" in (await resp.text(errors="replace"))[:1000]:
                            continue  # an older homeserver: try the legacy endpoint
                        if resp.status != 200:
                            log.warning("matrix.file_failed name=%s status=%d", name, resp.status)
                            raise AttachmentError(
                                f"The homeserver answered HTTP {resp.status} when I fetched {name}.")
                        data = await read_capped(resp, name, MAX_ATTACHMENT_BYTES)
                        log.info("matrix.file_fetched name=%s bytes=%d api=%s", name, len(data), path.split("/")[2])
                        return decode_text(data, name)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("matrix.file_failed name=%s error=%s", name, type(exc).__name__)
            raise AttachmentError(f"I could not download {name} from the homeserver ({type(exc).__name__}).") from exc
        raise AttachmentError(f"The homeserver does not serve {name} through its media API.")

    async def upload(self, image: Image) -> str:
        """Upload a picture to the homeserver's media repository; returns its mxc:// URI."""
        client = self._session.client_or_fail()
        try:
            resp, _ = await client.upload(io.BytesIO(image.data), content_type=image.mimetype, filename=image.name,
                                          filesize=len(image.data))
        except NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"upload {image.name}: {exc!r}") from exc
        if isinstance(resp, UploadResponse):
            log.info("matrix.uploaded name=%s bytes=%d uri=%s", image.name, len(image.data), resp.content_uri)
            return str(resp.content_uri)
        raise delivery_error(resp, f"upload {image.name}")
