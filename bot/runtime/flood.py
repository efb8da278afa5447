"""Flood control for live posts: at most N posts per story per channel in a sliding window.

Pure: given when the recent posts of a channel and story were written, decide whether the next
update goes out now or is folded into one combined post sent when the window has room again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def fold_until(recent: Sequence[datetime], now: datetime, limit: int, window_seconds: int) -> datetime | None:
    """None to post now; otherwise the time the combined (folded) post should go out.

    `recent` are the write times of the live and folded posts already made for this channel and
    story (any order). A folded post counts as one post, so a burst costs at most `limit + 1` posts.
    """
    window = timedelta(seconds=window_seconds)
    inside = sorted(t for t in recent if now - t < window)
    if len(inside) < limit:
        return None
    # the window has room again once the oldest post that keeps it full slides out
    return inside[len(inside) - limit] + window
