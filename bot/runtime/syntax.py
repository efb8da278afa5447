"""Parsing the runtime's chat commands into plain values (pure, so it is tested on its own).

Each parser raises `SyntaxProblem` with one sentence a person can act on; the router shows it
with the command's usage line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.settings import STORY_ID, is_time_zone


class SyntaxProblem(Exception):
    """A command's arguments could not be understood; the message says what to fix."""


@dataclass(frozen=True)
class SubscribeRequest:
    """What `subscribe STORY [live|daily HH:MM [TZ]] [only:a,b] [except:x,y]` asked for."""

    story: str
    mode: str
    daily_at: str | None
    timezone: str
    only: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()


_FILTER = re.compile(r"\b(only|except):", re.IGNORECASE)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _terms(value: str) -> tuple[str, ...]:
    return tuple(t.strip().strip('"') for t in value.split(",") if t.strip().strip('"'))


def parse_subscribe(args_text: str, default_tz: str) -> SubscribeRequest:
    """Parse the text after `subscribe`; the zone defaults to the configured one."""
    parts = _FILTER.split(args_text.strip())
    head = parts[0].split()
    only: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()
    for name, value in zip(parts[1::2], parts[2::2], strict=False):
        if name.lower() == "only":
            only = _terms(value)
        else:
            except_ = _terms(value)
    if not head:
        raise SyntaxProblem("Say which story to subscribe to.")
    story = head[0].lower()
    rest = [w.lower() if i == 0 else w for i, w in enumerate(head[1:])]
    if not rest or rest[0] == "live":
        if len(rest) > 1:
            raise SyntaxProblem(f"I didn't understand '{' '.join(head[2:])}' after 'live'.")
        return SubscribeRequest(story, "live", None, default_tz, only, except_)
    if rest[0] != "daily":
        raise SyntaxProblem(f"'{rest[0]}' is not a delivery mode; use 'live' or 'daily HH:MM [TZ]'.")
    if len(rest) < 2:
        raise SyntaxProblem("Say when the daily digest should come, e.g. 'daily 08:00 Europe/London'.")
    match = _HHMM.match(rest[1])
    if not match:
        raise SyntaxProblem(f"'{rest[1]}' is not a time of day; use 24-hour HH:MM such as 07:30.")
    daily_at = f"{int(match.group(1)):02d}:{match.group(2)}"
    tz = rest[2] if len(rest) > 2 else default_tz
    if len(rest) > 3:
        raise SyntaxProblem(f"I didn't understand '{' '.join(rest[3:])}' after the time zone.")
    check_timezone(tz)
    return SubscribeRequest(story, "daily", daily_at, tz, only, except_)


def check_timezone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or a `SyntaxProblem` saying it is not one."""
    if not is_time_zone(name):
        raise SyntaxProblem(f"'{name[:60]}' is not an IANA time zone (for example Europe/London or "
                            "America/New_York).")
    return ZoneInfo(name)


@dataclass(frozen=True)
class TrackRequest:
    """What `track STORY "Title" terms: a, b [exclude: x, y]` asked for."""

    story: str
    title: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...]


_TRACK = re.compile(r'^\s*(\S+)\s+(?:"([^"]+)"|\'([^\']+)\'|“([^”]+)”)\s+terms:\s*(.+?)'
                    r'(?:\s+exclude:\s*(.+))?\s*$', re.IGNORECASE | re.DOTALL)


def parse_track(args_text: str) -> TrackRequest:
    """Parse the text after `track`."""
    match = _TRACK.match(args_text)
    if not match:
        raise SyntaxProblem("I need a story id, a quoted title and 'terms:' followed by comma-separated terms.")
    story = match.group(1).lower()
    if not STORY_ID.match(story):
        raise SyntaxProblem(f"'{story}' is not a story id; use lower-case letters, digits and dashes "
                            "(e.g. 'border-talks').")
    title = next(g for g in match.group(2, 3, 4) if g)
    terms = _terms(match.group(5))
    if not terms:
        raise SyntaxProblem("Give at least one term after 'terms:'.")
    return TrackRequest(story, title.strip(), terms, _terms(match.group(6) or ""))


def text_after(text: str, words: int) -> str:
    """The raw text after the first `words` words (keeps quotes and commas that splitting loses)."""
    rest = text.strip()
    for _ in range(words):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest
