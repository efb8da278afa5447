"""The CLI's `updates [--story ID] [--since AGE] [--json]` and `digest [STORY] [--since AGE]`."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.chat.render_text import render_text
from bot.domain import Update
from bot.runtime.core import Core
from bot.text import strip_controls
from bot.understand.digest import build_digest, correction

MAX_AGE_MINUTES = 100 * 525600  # `--since` reaches back at most 100 years


def parse_age(text: str) -> timedelta:
    """'90m', '24h', '7d' as a duration; raises ValueError with a readable message otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text or "")
    if not match:
        raise ValueError(f"'{text[:40]}' is not an age such as 90m, 24h or 7d")
    amount, unit = int(match.group(1)[:12]), match.group(2)
    minutes = amount * {"m": 1, "h": 60, "d": 1440, "w": 10080}[unit]
    if len(match.group(1)) > 12 or minutes > MAX_AGE_MINUTES:
        raise ValueError(f"'{text[:40]}' is too long ago; the longest age is {MAX_AGE_MINUTES // 525600} years "
                         f"({MAX_AGE_MINUTES // 1440}d)")
    return timedelta(minutes=minutes)


def update_json(update: Update) -> dict[str, Any]:
    """An update in the stable shape of `updates --json`."""
    previous = None
    if update.previous:
        p = update.previous
        previous = {"value": p.value, "sentence": p.sentence, "source": p.citation.source, "url": p.citation.url,
                    "title": p.citation.title,
                    "published": p.citation.published.date().isoformat() if p.citation.published else None}
    c = update.citation
    return {"story": update.story, "kind": update.kind, "sentence": update.sentence, "article_url": c.url,
            "article_title": c.title, "published": c.published.date().isoformat() if c.published else None,
            "source": c.source, "salience": round(update.salience, 3), "previous": previous}


def updates(core: Core, story: str | None, since: str | None, as_json: bool) -> int:
    """Print the updates found (one story's, or found within AGE), as text or JSON lines; 2 on a wrong
    story or age."""
    known = {s.id for s in core.store.list_stories()}
    if story and story not in known:
        print(f"newsdesk-bot: no story '{story}'; tracked stories: {', '.join(sorted(known))}.", file=sys.stderr)
        return 2
    try:
        cutoff = datetime.now(UTC) - parse_age(since) if since else None
    except ValueError as exc:
        print(f"newsdesk-bot: --since: {exc}.", file=sys.stderr)
        return 2
    found = core.store.list_updates(story=story, since=cutoff)
    if as_json:
        for update in found:
            print(json.dumps(update_json(update), ensure_ascii=False))
        return 0
    if not found:
        print("No updates yet.")
    contexts = core.store.update_context(u.id for u in found if u.id is not None)
    current = None
    for update in found:
        if update.story != current:
            current = update.story
            print(f"== {current}")
        date = update.citation.published.date().isoformat() if update.citation.published else "undated"
        print(strip_controls(f"[{update.kind}] {update.sentence}\n    {update.citation.source}, {date} "
                             f"<{update.citation.url}>"))
        if update.previous:
            prev = update.previous.citation
            when = prev.published.date().isoformat() if prev.published else "undated"
            print(strip_controls(f"    was: {update.previous.value} ({prev.source}, {when})"))
        corrected = correction(update, contexts.get(update.id or 0))
        if corrected:
            print(f"    {corrected} (the article was revised)")
    return 0


def digest(core: Core, story: str | None, since: str) -> int:
    """Print the digest of what was published within `since` (one story or all); 2 on a wrong story or age."""
    known = {s.id for s in core.store.list_stories()}
    if story and story not in known:
        print(f"newsdesk-bot: no story '{story}'; tracked stories: {', '.join(sorted(known))}.", file=sys.stderr)
        return 2
    try:
        cutoff = datetime.now(UTC) - parse_age(since)
    except ValueError as exc:
        print(f"newsdesk-bot: --since: {exc}.", file=sys.stderr)
        return 2
    post = build_digest(core.store, core.store.list_stories(), cutoff, story, top=core.settings.digest_top_updates)
    print(render_text(post) if post else f"Nothing new in the last {since}.")
    return 0
