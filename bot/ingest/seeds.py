"""Seed files: articles as .txt/.md with optional `# key: value` headers, and feed snapshots.

A seed article looks like the files in the eval set:

    # source: https://example.org/story
    # date: 2024-02-11
    # title: Talks resume in Cairo

    Body text...

Headers other than source/date/title are ignored. Without headers the first line is the title.
Without a `# date:` header the article is stored as undated (never with the file's time). A saved
web page (.html/.htm, or any file that starts like one) has its article extracted, or is refused.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import trafilatura

from bot.domain import RawArticle
from bot.ingest.errors import FeedError
from bot.ingest.feeds import parse_feed
from bot.ingest.fulltext import extract_main_text
from bot.ingest.links import strip_tracking
from bot.text import MAX_TEXT_CHARS, MAX_TITLE_CHARS, clip_text, clip_title, content_hash, strip_controls

ARTICLE_SUFFIXES = {".txt", ".md"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
HTML_SUFFIXES = {".html", ".htm"}  # a saved web page: its article is extracted (trafilatura), or it is refused
SEED_SUFFIXES = ARTICLE_SUFFIXES | FEED_SUFFIXES | HTML_SUFFIXES
_HTML_START = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                         re.IGNORECASE | re.DOTALL)
MAX_SEED_BYTES = 20 * 1024 * 1024
MIN_PAGE_CHARS = 150  # less text than this extracted from a web page is page furniture, not an article
log = logging.getLogger("bot.ingest.seeds")
_HEADER = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s*(.*)$")


class SeedError(Exception):
    """A seed file cannot be read as an article or a feed; the message says why."""


@dataclass(frozen=True)
class SeedFile:
    """A file found in the seeds folder, with the hash of its bytes."""

    path: Path
    content_hash: str
    data: bytes


def find_seed_files(paths: list[Path]) -> list[Path]:
    """Seed files under the given files and folders, in a stable order (hidden files and READMEs skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                entries = sorted(path.rglob("*"))
            except OSError as exc:
                raise SeedError(f"{_shown(path)}: cannot be listed ({exc.strerror or exc}).") from exc
            found.extend(p for p in entries if _is_seed(p, path) and _has_utf8_name(p))
        elif path.is_file():
            found.append(path)
        else:
            raise SeedError(f"{_shown(path)}: no such file or folder.")
    return found


def _shown(path: Path) -> str:
    return str(path).encode("utf-8", errors="backslashreplace").decode("utf-8")


def _has_utf8_name(path: Path) -> bool:
    """Whether the path can be stored and shown; a name that is not UTF-8 is skipped with one log line."""
    try:
        str(path.resolve()).encode("utf-8")
    except (UnicodeEncodeError, OSError, RuntimeError):
        log.warning("event=seed_skipped path=%s reason=%s", _shown(path),
                    "its name is not UTF-8 or it cannot be resolved; rename it to read it")
        return False
    return True


def _is_seed(path: Path, folder: Path) -> bool:
    return (path.is_file() and path.suffix.lower() in SEED_SUFFIXES and not path.name.upper().startswith("README")
            and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def read_seed(path: Path) -> SeedFile:
    """Read a seed file's bytes (refusing huge ones) and hash them."""
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(f"{path}: {size} bytes is over the {MAX_SEED_BYTES} byte limit for seed files.")
        data = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"{path}: cannot be read ({exc.strerror}).") from exc
    return SeedFile(path, content_hash(data.decode("utf-8", errors="replace")), data)


def _parse_date(value: str) -> datetime | None:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def outlet_of(url: str) -> str:
    """A readable outlet name from a URL's host (www. dropped)."""
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")


def parse_article_text(text: str, name: str) -> RawArticle:
    """A seed article from its text; `name` identifies it when it has no source URL."""
    headers: dict[str, str] = {}
    lines = strip_controls(text).split("\n")
    index = 0
    while index < len(lines):
        match = _HEADER.match(lines[index])
        if not match:
            break
        headers.setdefault(match.group(1).lower(), match.group(2).strip())
        index += 1
    body_lines = lines[index:]
    title = headers.get("title", "").strip()
    if not headers:
        while body_lines and not body_lines[0].strip():
            body_lines.pop(0)
        if body_lines and len(body_lines[0]) < 200 and len(body_lines) > 1:
            title = body_lines.pop(0).lstrip("# ").strip()
    body = "\n".join(body_lines).strip()
    if not body:
        raise SeedError(f"{name}: has no article text.")
    if not title or (title.startswith("[") and title.endswith("]")):
        first = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]
        title = first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "..."
    source_header = headers.get("source", "").strip()
    if re.match(r"^https?://\S+$", source_header):
        url, outlet = strip_tracking(source_header), outlet_of(source_header)
    else:
        url = f"seed:{name}"
        outlet = re.sub(r"\s*\(.*$", "", source_header) or "seed file"
    published = _parse_date(headers["date"]) if "date" in headers else None
    if published is None:  # never the file's time: an undated file must not pass for the newest news
        log.info("event=seed_undated name=%s", name)
    if len(title) > MAX_TITLE_CHARS or len(body) > MAX_TEXT_CHARS:
        log.info("event=seed_clipped name=%s title_chars=%d text_chars=%d", name, len(title), len(body))
    return RawArticle(url=url, title=clip_title(title), text=clip_text(body), source=clip_title(outlet, 100),
                      published=published, origin=name)


def parse_html_page(data: bytes, name: str) -> RawArticle:
    """The article in a saved web page: its main text (trafilatura, as for full text) and its title,
    link, outlet and date from the page's metadata; a page with no article is refused."""
    page = data.decode("utf-8", errors="replace")
    text = extract_main_text(page)
    if not text or len(text) < MIN_PAGE_CHARS:  # a menu or a cookie notice is not an article
        raise SeedError(f"{name}: no article text was found in this HTML page (only navigation or markup); "
                        "save the article as a .txt file instead.")
    try:
        meta = trafilatura.extract_metadata(page)
    except Exception:  # hostile markup: the text is enough
        meta = None
    link = str(getattr(meta, "url", "") or "")
    url = strip_tracking(link) if re.match(r"^https?://\S+$", link) else f"seed:{name}"
    title = str(getattr(meta, "title", "") or "") or re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0][:90]
    outlet = str(getattr(meta, "sitename", "") or "") or (outlet_of(url) if url.startswith("http") else "seed file")
    published = _parse_date(str(getattr(meta, "date", "") or "")) if getattr(meta, "date", None) else None
    return RawArticle(url=url, title=clip_title(strip_controls(title)), text=clip_text(text),
                      source=clip_title(strip_controls(outlet), 100), published=published, origin=name)


def undated_files(paths: list[Path], known_hash: Callable[[str], str | None]) -> list[str]:
    """Article files among `paths` (not feed snapshots) that have no date and will be read now
    (their bytes differ from `known_hash(path)`): they are stored as undated, and `ingest` says so."""
    names = []
    try:
        files = find_seed_files(paths)
    except SeedError:
        return []
    for path in files:
        if path.suffix.lower() in FEED_SUFFIXES:
            continue
        try:
            seed = read_seed(path)
            if known_hash(str(path.resolve())) == seed.content_hash:
                continue
            if any(raw.published is None for raw in parse_seed(seed, path.name)):
                names.append(path.name)
        except SeedError:
            continue
    return names


def parse_seed(seed: SeedFile, name: str) -> list[RawArticle]:
    """The articles in one seed file: one for an article file, every item for a feed snapshot."""
    suffix = seed.path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        try:
            parsed = parse_feed(seed.data, f"file://{seed.path.resolve()}")
        except FeedError as exc:
            raise SeedError(f"{name}: {exc}") from exc
        return [RawArticle(url=i.url, title=i.title, text=i.text, source=i.source, published=i.published,
                           origin=name, guid=i.guid, summary=i.summary) for i in parsed.items]
    if suffix in HTML_SUFFIXES or _HTML_START.match(seed.data[:4096]):
        return [replace(parse_html_page(seed.data, seed.path.name), origin=name)]
    try:
        text = seed.data.decode("utf-8")
    except UnicodeDecodeError:
        text = seed.data.decode("cp1252", errors="replace")
    return [replace(parse_article_text(text, seed.path.name), origin=name)]
