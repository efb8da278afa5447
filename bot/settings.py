"""One typed settings object: config/*.toml overridden by environment variables.

Secrets (tokens, passwords) come only from the environment and are read by the adapters that
need them. A broken config file raises `ConfigError` with one sentence naming the file, the key
and the problem; the CLI prints that sentence and exits, never a traceback.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import netallow
from bot.domain import Story
from bot.redact import redact_url, userinfo

STORY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_POLL_MINUTES = 10080  # a week: the longest poll interval, per feed or by default


class ConfigError(Exception):
    """The configuration cannot be used; the message is one sentence for the operator."""


@dataclass(frozen=True)
class FeedConfig:
    """A feed to poll, as configured in config/feeds.toml."""

    url: str
    title: str = ""
    stories: tuple[str, ...] = ()
    fulltext: bool = True
    interval_seconds: int = 900


# ---- story pages ([web] in bot.toml): read-only HTML pages per story (bot/web/pages.py) ---------------
PAGES_TOKEN_ENV = "NEWSDESK_PAGES_TOKEN"  # optional secret a reader passes as ?token= or a Bearer header
MIN_PAGES_TOKEN = 16


@dataclass(frozen=True)
class WebPages:
    """Whether story pages are served, the public address links to them use, and their optional token."""

    enabled: bool = False
    public_url: str = ""  # e.g. https://news.example.org/desk (no trailing slash); empty: no links are posted
    token: str = field(default="", repr=False)  # from NEWSDESK_PAGES_TOKEN only; empty: the proxy's auth

    def story_url(self, story_id: str) -> str | None:
        """The public link to a story's page, or None when pages are off or no public address is set."""
        return f"{self.public_url}/stories/{story_id}" if self.enabled and self.public_url else None


def parse_web_pages(table: Any, path: Path, environ: Mapping[str, str]) -> WebPages:
    """The [web] table's page settings (`pages`, `public_url`) and the token from the environment.

    Other keys of [web] belong to the HTTP server and are left to it."""
    web = _expect(table, dict, f"{path}: key 'web'", "a table")
    enabled = _expect(web.get("pages", False), bool, f"{path}: key 'web.pages'", "true or false")
    public = _expect(web.get("public_url", ""), str, f"{path}: key 'web.public_url'", "an https:// URL string")
    public = public.strip().rstrip("/")
    if public and (not re.match(r"^https?://[^\s/?#@]+(/[^\s?#]*)?$", public) or "@" in public):
        raise ConfigError(f"{path}: key 'web.public_url': must be an http(s) address without user, query or "
                          f"fragment, such as 'https://news.example.org/desk', not {redact_url(public)!r}.")
    token = environ.get(PAGES_TOKEN_ENV, "")
    if token and (len(token) < MIN_PAGES_TOKEN or any(ch.isspace() or not ch.isprintable() for ch in token)):
        raise ConfigError(f"{PAGES_TOKEN_ENV}: must be at least {MIN_PAGES_TOKEN} printable characters without "
                          "spaces (or unset, to rely on the reverse proxy's authentication).")
    return WebPages(enabled, public, token)


@dataclass(frozen=True)
class Settings:
    """Everything the bot is configured with (no secrets)."""

    database_url: str
    config_dir: Path
    seeds_dir: Path
    data_dir: Path
    fetch_allow: tuple[str, ...]
    stories: tuple[Story, ...]
    feeds: tuple[FeedConfig, ...]
    admins: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    timezone: str = "UTC"
    seeds_rescan_seconds: float = 5.0
    default_poll_seconds: int = 900
    digest_top_updates: int = 5
    live_posts_per_window: int = 3
    live_window_seconds: int = 600
    feed_failure_alert_after: int = 3
    max_items_per_feed: int = 200
    fulltext_per_poll: int = 50
    fulltext_per_host: int = 10
    web_pages: WebPages = field(default_factory=WebPages)
    http_listen: tuple[str, int] | None = None  # (host, port) of /healthz and /metrics; None: no HTTP server
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: is not UTF-8 text, so it cannot be TOML (is it a binary file?).") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}).") from exc


def is_time_zone(name: str) -> bool:
    """Whether `name` is a zone of the IANA database (a folder of it such as 'America' is not)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _expect(value: Any, kind: type | tuple[type, ...], where: str, what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float, (int, float))):
        raise ConfigError(f"{where}: must be {what}, not {value!r}.")
    return value


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    _expect(value, list, where, "a list of strings")
    for item in value:
        _expect(item, str, where, "a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def parse_stories(data: Mapping[str, Any], path: Path) -> tuple[Story, ...]:
    """Stories from the parsed contents of stories.toml."""
    entries = data.get("story", [])
    _expect(entries, list, f"{path}: key 'story'", "an array of [[story]] tables")
    result: list[Story] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{path}: story #{index + 1}"
        _expect(entry, dict, where, "a table")
        story_id = entry.get("id")
        if not isinstance(story_id, str) or not STORY_ID.match(story_id):
            raise ConfigError(f"{where}: key 'id' must be a lower-case slug such as 'hostage-talks', "
                              f"not {story_id!r}.")
        if story_id in seen:
            raise ConfigError(f"{where}: key 'id' repeats {story_id!r}; each story needs its own id.")
        seen.add(story_id)
        where = f"{path}: story '{story_id}'"
        title = _expect(entry.get("title", story_id), str, f"{where}: key 'title'", "a string")
        terms = _string_list(entry.get("terms", []), f"{where}: key 'terms'")
        entities_raw = _expect(entry.get("entities", {}), dict, f"{where}: key 'entities'",
                               "a table of name = [aliases]")
        entities = {name: _string_list(aliases, f"{where}: key 'entities.{name}'")
                    for name, aliases in entities_raw.items()}
        if not terms and not entities:
            raise ConfigError(f"{where}: needs at least one of 'terms' or 'entities' to match articles.")
        unknown = set(entry) - {"id", "title", "description", "terms", "entities", "exclude"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (expected id, title, description, "
                              "terms, entities, exclude).")
        result.append(Story(
            id=story_id, title=title,
            description=_expect(entry.get("description", ""), str, f"{where}: key 'description'", "a string"),
            terms=terms, entities=entities,
            exclude=_string_list(entry.get("exclude", []), f"{where}: key 'exclude'"),
        ))
    return tuple(result)


def parse_feeds(data: Mapping[str, Any], path: Path, story_ids: set[str], default_interval: int) -> tuple[
        FeedConfig, ...]:
    """Feeds from the parsed contents of feeds.toml."""
    entries = data.get("feed", [])
    _expect(entries, list, f"{path}: key 'feed'", "an array of [[feed]] tables")
    result = []
    for index, entry in enumerate(entries):
        where = f"{path}: feed #{index + 1}"
        _expect(entry, dict, where, "a table")
        url = entry.get("url")
        if not isinstance(url, str) or not re.match(r"^https?://\S+$", url):
            raise ConfigError(f"{where}: key 'url' must be an http(s) URL, not {url!r}.")
        stories = _string_list(entry.get("stories", []), f"{where}: key 'stories'")
        for story in stories:
            if story not in story_ids:
                raise ConfigError(f"{where}: key 'stories' names {story!r}, which is not a story in stories.toml.")
        interval = _expect(entry.get("interval_minutes", default_interval / 60), (int, float),
                           f"{where}: key 'interval_minutes'", "a number of minutes")
        if not math.isfinite(interval) or not 1 <= interval <= MAX_POLL_MINUTES:
            raise ConfigError(f"{where}: key 'interval_minutes' must be a number from 1 to {MAX_POLL_MINUTES}, "
                              f"not {interval!r}.")
        result.append(FeedConfig(
            url=url, title=_expect(entry.get("title", ""), str, f"{where}: key 'title'", "a string"),
            stories=stories, fulltext=_expect(entry.get("fulltext", True), bool, f"{where}: key 'fulltext'",
                                              "true or false"),
            interval_seconds=int(interval * 60)))
    return tuple(result)


def parse_allow(value: str) -> tuple[str, ...]:
    """Hosts and CIDRs from NEWSDESK_FETCH_ALLOW (comma-separated), as the fetch guard reads them."""
    try:
        return netallow.parse_allow(value)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


HTTP_LISTEN_ENV = "NEWSDESK_HTTP_LISTEN"


def parse_listen(value: str, source: str) -> tuple[str, int] | None:
    """(host, port) from 'HOST:PORT' ('[::1]:8080' for IPv6); None for an empty value (no HTTP server).

    Port 0 asks the system for any free port (tests use it); `source` names where the value came from.
    """
    text = value.strip()
    if not text:
        return None
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([A-Za-z0-9.-]+):(\d{1,5})", text)
    port = int((match.group(2) or match.group(4)) if match else -1)
    if match is None or port > 65535:
        raise ConfigError(f"{source}: {value!r} is not HOST:PORT (for example 127.0.0.1:8080 or 0.0.0.0:8080).")
    return (match.group(1) or match.group(3)), port


def load_settings(environ: Mapping[str, str] | None = None, root: Path | None = None) -> Settings:
    """Read config/*.toml and the environment into one validated Settings object."""
    env = dict(os.environ if environ is None else environ)
    base = root or Path.cwd()
    config_dir = Path(env.get("NEWSDESK_CONFIG_DIR") or base / "config")
    if "NEWSDESK_CONFIG_DIR" in env and not config_dir.is_dir():
        raise ConfigError(f"NEWSDESK_CONFIG_DIR: {config_dir} is not a folder.")
    bot_path, stories_path, feeds_path = (config_dir / n for n in ("bot.toml", "stories.toml", "feeds.toml"))
    bot_cfg = _read_toml(bot_path)
    data_dir = Path(env.get("NEWSDESK_DATA_DIR") or base / "data")
    database_url = env.get("NEWSDESK_DATABASE_URL") or _expect(
        bot_cfg.get("database_url", f"sqlite:///{data_dir / 'newsdesk.db'}"), str,
        f"{bot_path}: key 'database_url'", "a database URL string")
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", database_url):
        source = "NEWSDESK_DATABASE_URL" if env.get("NEWSDESK_DATABASE_URL") else f"{bot_path}: key 'database_url'"
        raise ConfigError(f"{source}: {redact_url(database_url)!r} is not a sqlite:/// or postgresql:// URL.")
    password = userinfo(database_url).partition(":")[2]
    if any(mark in password for mark in "@/?#"):
        source = "NEWSDESK_DATABASE_URL" if env.get("NEWSDESK_DATABASE_URL") else f"{bot_path}: key 'database_url'"
        raise ConfigError(f"{source}: the password in {redact_url(database_url)!r} holds one of @ / ? #; "
                          "percent-encode it (@ is %40, / is %2F, ? is %3F, # is %23).")
    seeds_cfg = _expect(bot_cfg.get("seeds_dir", ""), str, f"{bot_path}: key 'seeds_dir'", "a folder path string")
    seeds_dir = Path(env.get("NEWSDESK_SEEDS_DIR") or seeds_cfg or base / "seeds")

    timezone = _expect(bot_cfg.get("timezone", "UTC"), str, f"{bot_path}: key 'timezone'", "an IANA zone name")
    if not is_time_zone(timezone):
        raise ConfigError(f"{bot_path}: key 'timezone': {timezone!r} is not an IANA time zone "
                          "(for example Europe/London or America/New_York).")
    admins_raw = _expect(bot_cfg.get("admins", {}), dict, f"{bot_path}: key 'admins'",
                         "a table of platform = [user ids]")
    admins = {platform: _string_list(ids, f"{bot_path}: key 'admins.{platform}'")
              for platform, ids in admins_raw.items()}
    polling = _expect(bot_cfg.get("polling", {}), dict, f"{bot_path}: key 'polling'", "a table")
    delivery = _expect(bot_cfg.get("delivery", {}), dict, f"{bot_path}: key 'delivery'", "a table")

    def number(table: Mapping[str, Any], key: str, default: float, section: str, maximum: float) -> float:
        value = _expect(table.get(key, default), (int, float), f"{bot_path}: key '{section}.{key}'", "a number")
        if not math.isfinite(value) or not 0 < value <= maximum:
            raise ConfigError(f"{bot_path}: key '{section}.{key}' must be greater than 0 and at most "
                              f"{maximum:g}, not {value!r}.")
        return float(value)

    if env.get(HTTP_LISTEN_ENV) is not None:
        http_listen = parse_listen(env[HTTP_LISTEN_ENV], HTTP_LISTEN_ENV)
    else:
        http_listen = parse_listen(_expect(bot_cfg.get("http_listen", ""), str, f"{bot_path}: key 'http_listen'",
                                           "a HOST:PORT string"), f"{bot_path}: key 'http_listen'")
    default_poll = int(number(polling, "interval_minutes", 15, "polling", MAX_POLL_MINUTES) * 60)
    stories = parse_stories(_read_toml(stories_path), stories_path)
    feeds = parse_feeds(_read_toml(feeds_path), feeds_path, {s.id for s in stories}, default_poll)
    return Settings(
        database_url=database_url, config_dir=config_dir, seeds_dir=seeds_dir, data_dir=data_dir,
        fetch_allow=parse_allow(env.get(netallow.ALLOW_ENV, "")), stories=stories, feeds=feeds,
        admins=admins, timezone=timezone,
        seeds_rescan_seconds=number(polling, "seeds_rescan_seconds", 5, "polling", 86400),
        default_poll_seconds=default_poll,
        digest_top_updates=int(number(delivery, "digest_top_updates", 5, "delivery", 50)),
        live_posts_per_window=int(number(delivery, "live_posts_per_window", 3, "delivery", 1000)),
        live_window_seconds=int(number(delivery, "live_window_minutes", 10, "delivery", 1440) * 60),
        feed_failure_alert_after=int(number(polling, "failure_alert_after", 3, "polling", 1000)),
        max_items_per_feed=int(number(polling, "max_items_per_feed", 200, "polling", 100_000)),
        fulltext_per_poll=int(number(polling, "fulltext_per_poll", 50, "polling", 100_000)),
        fulltext_per_host=int(number(polling, "fulltext_per_host", 10, "polling", 100_000)),
        web_pages=parse_web_pages(bot_cfg.get("web", {}), bot_path, env),
        http_listen=http_listen,
        environ=env,
    )
