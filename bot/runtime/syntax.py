"""Parsing the runtime's chat commands into plain values (pure, so it is tested on its own).

Each parser raises `SyntaxProblem` with one sentence a person can act on; the router shows it
with the command's usage line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.settings import STORY_ID, is_time_zone


class SyntaxProblem(Exception):
    """A command's arguments could not be understood; the message says what to fix."""


@dataclass(frozen=True)
class SubscribeRequest:
    """What `subscribe STORY [live|daily HH:MM [TZ] [chart]] [only:a,b] [except:x,y]` asked for."""

    story: str
    mode: str
    daily_at: str | None
    timezone: str
    only: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()
    chart: bool = False  # a daily digest carries the story's timeline chart


_FILTER = re.compile(r"\b(only|except):", re.IGNORECASE)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

MAX_FILTER_TERMS = 20  # words in one `only:` or `except:` list
MAX_STORY_TERMS = 50  # terms (and, separately, exclusions) of a story tracked from chat
MAX_TERM_CHARS = 100  # characters in one term or filter word
MAX_ARGS_CHARS = 2000  # characters after `subscribe` or `track`


def _terms(value: str, what: str = "the list", limit: int = MAX_STORY_TERMS) -> tuple[str, ...]:
    terms = tuple(" ".join(t.strip().strip('"').split()) for t in value.split(",") if t.strip().strip('"'))
    if len(terms) > limit:
        raise SyntaxProblem(f"{what} has {len(terms)} entries; at most {limit} are allowed.")
    long = next((t for t in terms if len(t) > MAX_TERM_CHARS), None)
    if long is not None:
        raise SyntaxProblem(f"'{long[:30]}...' in {what} is longer than {MAX_TERM_CHARS} characters.")
    return terms


def _check_length(args_text: str, command: str) -> str:
    text = args_text.strip()
    if len(text) > MAX_ARGS_CHARS:
        raise SyntaxProblem(f"That '{command}' is {len(text):,} characters long; at most {MAX_ARGS_CHARS:,} "
                            "are allowed.")
    return text


def parse_subscribe(args_text: str, default_tz: str) -> SubscribeRequest:
    """Parse the text after `subscribe`; the zone defaults to the configured one. A last word
    `chart` (daily only) asks for the story's timeline chart with each digest.

    `only:` and `except:` take at most `MAX_FILTER_TERMS` words of at most `MAX_TERM_CHARS`
    characters each; the whole text at most `MAX_ARGS_CHARS` characters.
    """
    parts = _FILTER.split(_check_length(args_text, "subscribe"))
    head = parts[0].split()
    only: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()
    for name, value in zip(parts[1::2], parts[2::2], strict=False):
        if name.lower() == "only":
            only = _terms(value, "only:", MAX_FILTER_TERMS)
        else:
            except_ = _terms(value, "except:", MAX_FILTER_TERMS)
    if not head:
        raise SyntaxProblem("Say which story to subscribe to.")
    story = head[0].lower()
    rest = [w.lower() if i == 0 else w for i, w in enumerate(head[1:])]
    chart = bool(rest) and rest[-1].lower() == "chart"
    if chart:
        rest = rest[:-1]
    if not rest or rest[0] == "live":
        if chart:
            raise SyntaxProblem("A chart comes with a daily digest; say e.g. 'daily 07:00 chart'.")
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
    return SubscribeRequest(story, "daily", daily_at, tz, only, except_, chart)


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


_TITLE = re.compile(r'"([^"]+)"|\'([^\']+)\'|“([^”]+)”')
_TERMS = re.compile(r"terms:", re.IGNORECASE)
_EXCLUDE = re.compile(r"(?<!\S)exclude:", re.IGNORECASE)


def parse_track(args_text: str) -> TrackRequest:
    """Parse the text after `track` in one linear pass (no backtracking regex over the whole text).

    At most `MAX_STORY_TERMS` terms and exclusions, `MAX_ARGS_CHARS` characters in all.
    """
    usage = "I need a story id, a quoted title and 'terms:' followed by comma-separated terms."
    head = _check_length(args_text, "track").split(None, 1)
    if len(head) < 2:
        raise SyntaxProblem(usage)
    story, rest = head[0].lower(), head[1]
    title_match = _TITLE.match(rest)
    if not title_match:
        raise SyntaxProblem(usage)
    title = next(g for g in title_match.groups() if g)
    rest = rest[title_match.end():]
    if not rest[:1].isspace() or not _TERMS.match(rest.lstrip()):
        raise SyntaxProblem(usage)
    rest = rest.lstrip()[len("terms:"):]
    exclude_at = _EXCLUDE.search(rest)
    terms_text, exclude_text = (rest[:exclude_at.start()], rest[exclude_at.end():]) if exclude_at else (rest, "")
    if not STORY_ID.match(story):
        raise SyntaxProblem(f"'{story[:60]}' is not a story id; use lower-case letters, digits and dashes "
                            "(e.g. 'border-talks').")
    terms = _terms(terms_text, "terms:")
    if not terms:
        raise SyntaxProblem("Give at least one term after 'terms:'.")
    return TrackRequest(story, title.strip(), terms, _terms(exclude_text, "exclude:"))


MUTE_DEFAULT = timedelta(hours=1)
MUTE_MAX = timedelta(days=7)
_DURATION = re.compile(r"^(\d{1,6})\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)$", re.IGNORECASE)
_UNIT = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


def parse_duration(value: str | None, default: timedelta = MUTE_DEFAULT, limit: timedelta = MUTE_MAX) -> timedelta:
    """`30m`, `2h`, `1d` (also `90 minutes`, `2 hours`) as a duration; None gives `default`; at most `limit`."""
    if value is None or not value.strip():
        return default
    match = _DURATION.match(value.strip())
    if not match:
        raise SyntaxProblem(f"'{value[:40]}' is not a duration; use minutes, hours or days such as 30m, 2h or 1d.")
    amount = int(match.group(1)) * _UNIT[match.group(2)[0].lower()]
    if amount <= timedelta(0):
        raise SyntaxProblem("A mute must last at least a minute.")
    if amount > limit:
        raise SyntaxProblem(f"A mute can last at most {limit.days} days; say e.g. '{limit.days}d'.")
    return amount


def describe_duration(amount: timedelta) -> str:
    """A duration as people say it: `2 hours`, `30 minutes`, `1 day 3 hours`."""
    minutes = int(amount.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in ((days, "day"), (hours, "hour"), (mins, "minute"))
             if n]
    return " ".join(parts) or "less than a minute"


@dataclass(frozen=True)
class UnsubscribeRequest:
    """What `unsubscribe STORY [live|daily]` asked for (mode None: every mode)."""

    story: str
    mode: str | None


def parse_unsubscribe(args: list[str]) -> UnsubscribeRequest:
    """Parse the words after `unsubscribe`: a story and optionally `live` or `daily`."""
    if not args:
        raise SyntaxProblem("Say which story to unsubscribe from.")
    if len(args) > 2 or (len(args) == 2 and args[1].lower() not in ("live", "daily")):
        raise SyntaxProblem("Say a story and, to stop only one kind of post, 'live' or 'daily'.")
    return UnsubscribeRequest(args[0].lower(), args[1].lower() if len(args) == 2 else None)


def text_after(text: str, words: int) -> str:
    """The raw text after the first `words` words (keeps quotes and commas that splitting loses)."""
    rest = text.strip()
    for _ in range(words):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest
