"""How `sources` reads in chat and at the command line: feeds by title and URL, the watched seeds
folder's files one by one, and files ingested once from elsewhere grouped on one line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.redact import redact_text, redact_url
from bot.store.repo import SourceHealth


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def _under(path: str, folder: Path | None) -> bool:
    if folder is None:
        return True
    try:
        Path(path).resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def source_label(h: SourceHealth, seeds_dir: Path | None = None) -> str:
    """A feed as `Title (URL)` (secrets masked), a watched seed file by its path inside the seeds folder."""
    if h.kind == "feed":
        url = redact_url(h.url or h.name)
        return f"{h.name} ({url})" if h.url and h.name != h.url else url
    if seeds_dir is not None:
        try:
            return str(Path(h.name).resolve().relative_to(seeds_dir.resolve()))
        except (ValueError, OSError):
            return h.name
    return h.name


def source_lines(health: Sequence[SourceHealth], seeds_dir: Path | None) -> list[str]:
    """One line per feed and per file of the watched seeds folder; files ingested once from elsewhere
    (`ingest FILE`) are one line, with any that failed named."""
    lines, once = [], []
    for h in health:
        if h.kind == "seed" and not _under(h.name, seeds_dir):
            once.append(h)
            continue
        problem = f", {h.error_count} error(s) in a row: {redact_text(h.last_error or '')}" if h.error_count else ""
        kind = "feed" if h.kind == "feed" else "seeds folder"
        lines.append(f"[{kind}] {source_label(h, seeds_dir)}: {h.status}, {h.items} item(s), "
                     f"last read {_when(h.last_read)}{problem}")
    if once:
        newest = max((h.last_read for h in once if h.last_read), default=None)
        failed = [h for h in once if h.error_count]
        lines.append(f"[ingested once] {len(once)} file(s) read with 'ingest', not watched: "
                     f"{sum(h.items for h in once)} article(s), last {_when(newest)}"
                     + (f"; {len(failed)} failed" if failed else ""))
        lines += [f"  failed: {h.name}: {redact_text(h.last_error or '')}" for h in failed[:5]]
    return lines
