"""The digest: what is new on each story since a time, as one platform-neutral post tree.

The parent post has one line per story (how many new facts, from how many sources); each story
gets a reply with its most salient updates, each cited. A quiet period yields no post at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.domain import Post, Story, Update
from bot.store.repo import Store


def update_line(update: Update) -> str:
    """One update as a line of a post (a changed fact says what it was before)."""
    if update.kind == "changed" and update.previous is not None:
        prev = update.previous
        return f"{update.sentence} (changed; earlier {prev.citation.source or 'a source'} said: {prev.sentence})"
    return update.sentence


def build_digest(store: Store, stories: Sequence[Story], since: datetime, story: str | None = None, top: int = 5,
                 keep: Callable[[Update], bool] | None = None) -> Post | None:
    """A digest of updates found since `since` (one story or all), or None when nothing is new.

    `keep` narrows which updates count (a subscription's only/except terms); `top` caps the
    updates shown per story, most salient first, shown in the order they were found.
    """
    chosen = [s for s in stories if story is None or s.id == story]
    heads: list[str] = []
    replies: list[Post] = []
    for s in chosen:
        found = [u for u in store.list_updates(story=s.id, since=since)
                 if (keep is None or keep(u))]
        if not found:
            continue
        sources = {u.citation.source or u.citation.url for u in found}
        heads.append(f"{s.title}: {len(found)} new fact(s) from {len(sources)} source(s)")
        best = sorted(found, key=lambda u: -u.salience)[:top]
        best.sort(key=lambda u: u.id or 0)
        lines = [f"[{i}] {update_line(u)}" for i, u in enumerate(best, 1)]
        more = len(found) - len(best)
        if more > 0:
            lines.append(f"... and {more} more; ask me about {s.id} for details.")
        sources_cited = {u.citation.url: u.citation for u in best}  # one citation per article
        replies.append(Post(s.title, lines, list(sources_cited.values())))
    if not replies:
        return None
    heading = f"Digest since {since.strftime('%Y-%m-%d %H:%M UTC')}"
    return Post(heading, heads, [], replies)
