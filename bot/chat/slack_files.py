"""Files people attach to Slack messages (for `import opml`), fetched only when a command reads them.

Text-like files (text/*, XML, OPML, or .opml/.xml/.txt names) of at most 1 MB can be read; the
download sends the bot token, so it goes only to Slack's file host or the configured Web API host,
follows at most a few redirects (each checked the same way), and stops within `request_timeout`.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.chat.attachments import MAX_ATTACHMENT_BYTES, decode_text, looks_textual, read_capped, too_big
from bot.chat.port import DeliveryError
from bot.chat.slack_api import SlackApi
from bot.domain import Attachment, AttachmentError

SLACK_FILE_HOST = "files.slack.com"
_REDIRECTS = 3  # redirects followed when downloading a file (each must stay on an allowed host)


def file_url_allowed(url: str, api_url: str) -> bool:
    """Whether the bot token may be sent to `url` to download a file.

    Only to Slack's file host (https://files.slack.com) or the configured Web API host (the same
    scheme, host and port as SLACK_API_URL: a local emulator in tests). Never anywhere else, so a
    crafted `url_private` cannot make the bot hand its token to an arbitrary server.
    """
    target, api = urlsplit(url), urlsplit(api_url)
    if target.scheme == "https" and target.hostname == SLACK_FILE_HOST and target.port in (None, 443):
        return True
    return bool(target.netloc) and (target.scheme, target.netloc.lower()) == (api.scheme, api.netloc.lower())


def _unreadable(name: str, mimetype: str, size: int | None) -> str | None:
    """Why an attached file will not be read (not text, too big), or None when it may be."""
    if not looks_textual(name, mimetype):
        return f"The attached file {name} is not a text file ({mimetype or 'unknown type'})."
    return too_big(name, size)


class SlackFiles:
    """Turns the files of a Slack event into `Attachment`s that download on demand."""

    def __init__(self, api: SlackApi) -> None:
        self._api = api
        self._config = api.config
        self._log = api.log

    def attachment(self, info: dict[str, Any]) -> Attachment:
        """An attached Slack file, downloaded only when a command reads it (`Attachment.read`).

        Text-like files (text/*, XML, OPML, or .opml/.xml/.txt names) of at most 1 MB get a
        fetcher; anything else carries the sentence explaining why it cannot be read. A file the
        event describes only by id (`file_access: check_file_info`) is looked up with files.info
        when read, and checked then.
        """
        file_id = str(info.get("id") or "")
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        name = str(info.get("name") or info.get("title") or file_id or "file")
        mimetype = str(info.get("mimetype") or "")
        size = info.get("size") if isinstance(info.get("size"), int) else None
        if not url:
            if not file_id:
                return Attachment(name, mimetype, size, error=f"Slack gave no download link for {name}.")
            return Attachment(name, mimetype, size, fetch=functools.partial(self._fetch_by_id, file_id))
        problem = _unreadable(name, mimetype, size)
        if problem:
            return Attachment(name, mimetype, size, error=problem)
        return Attachment(name, mimetype, size, fetch=functools.partial(self._download, url, name))

    async def _fetch_by_id(self, file_id: str) -> str:
        """Ask files.info where a file is (and what it is), then download it."""
        try:
            response = await self._api.call("files.info", self._api.client.files_info(file=file_id))
        except DeliveryError as exc:
            raise AttachmentError(f"Slack would not tell me where the attached file is ({exc}).") from exc
        info = response.get("file") or {}
        name = str(info.get("name") or file_id)
        size = info.get("size") if isinstance(info.get("size"), int) else None
        problem = _unreadable(name, str(info.get("mimetype") or ""), size)
        if problem:
            raise AttachmentError(problem)
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        if not url:
            raise AttachmentError(f"Slack gave no download link for {name}.")
        return await self._download(url, name)

    async def _download(self, url: str, name: str) -> str:
        """GET `url` with the bot token (allowed hosts only, 1 MB, request_timeout) and decode it."""
        headers = {"Authorization": f"Bearer {self._config.bot_token}"}
        timeout = aiohttp.ClientTimeout(total=self._config.request_timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                for _ in range(_REDIRECTS + 1):
                    if not file_url_allowed(url, self._config.api_url):
                        self._log.warning("slack.file_refused name=%s host=%s", name, urlsplit(url).hostname)
                        raise AttachmentError(f"The attached file {name} is not on Slack's file host; "
                                              "I did not fetch it.")
                    async with session.get(url, headers=headers, allow_redirects=False) as resp:
                        if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                            url = urljoin(url, resp.headers["Location"])
                            continue
                        if resp.status != 200:
                            self._log.warning("slack.file_failed name=%s status=%d", name, resp.status)
                            raise AttachmentError(f"Slack answered HTTP {resp.status} when I fetched {name}.")
                        if resp.content_type == "text/html" and not name.lower().endswith((".html", ".htm")):
                            # Slack answers a request it will not authorise with its sign-in page
                            self._log.warning("slack.file_failed name=%s status=login_page", name)
                            raise AttachmentError(f"Slack did not hand over {name} (does the app have files:read?).")
                        data = await read_capped(resp, name, MAX_ATTACHMENT_BYTES)
                        self._log.info("slack.file_fetched name=%s bytes=%d", name, len(data))
                        return decode_text(data, name)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self._log.warning("slack.file_failed name=%s error=%s", name, type(exc).__name__)
            raise AttachmentError(f"I could not download {name} from Slack ({type(exc).__name__}).") from exc
        raise AttachmentError(f"Slack redirected {name} too many times; I gave up.")
