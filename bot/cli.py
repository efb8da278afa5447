"""The `newsdesk-bot` command line: the edge where errors become one sentence for a person.

The parser is in `bot.cli_parser`; each command lives in a `bot/cli_*.py` module by concern, and
nothing but `python -m bot` (and the `newsdesk-bot` script) imports this module.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from bot import cli_ask, cli_ingest, cli_lists, cli_reading, cli_run, cli_updates
from bot.cli_logging import log_to_file, log_to_stderr
from bot.cli_parser import build_parser
from bot.redact import redact_text
from bot.runtime.core import build_core
from bot.runtime.leadership import WorkerOptionsError
from bot.settings import ConfigError, load_settings
from bot.store import StoreError
from bot.store.db import single_run_lock
from bot.understand.language.model import ModelMissing

log = logging.getLogger("bot")
logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _unexpected(exc: Exception, verbose: bool) -> int:
    """One redacted sentence for an error nobody foresaw; the traceback only with --verbose."""
    if verbose:
        log.error("event=unexpected_error", exc_info=exc)
    detail = redact_text(str(exc).splitlines()[0] if str(exc) else "")[:300]
    print(f"newsdesk-bot: unexpected error ({type(exc).__name__}{': ' + detail if detail else ''}); "
          "run with --verbose for the details.", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CLI command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    log_to_stderr(args.verbose, args.command)
    if not args.command:
        build_parser().print_help()
        return 0
    try:
        settings = load_settings()
        if args.command in ("run", "chat") and sys.stdin.isatty():
            log_to_file(settings.data_dir, logging.DEBUG if args.verbose else logging.INFO)  # not over the prompt
        log.debug("event=settings config_dir=%s seeds_dir=%s data_dir=%s feeds=%d stories=%d", settings.config_dir,
                  settings.seeds_dir, settings.data_dir, len(settings.feeds), len(settings.stories))
        core = build_core(settings)
    except (ConfigError, StoreError) as exc:
        print(f"newsdesk-bot: {redact_text(str(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the edge: one sentence, details only with -v
        return _unexpected(exc, args.verbose)
    try:
        if args.command == "ingest":
            return cli_ingest.ingest(core, args.paths)
        if args.command == "stories":
            return cli_lists.stories(core)
        if args.command == "sources":
            return cli_lists.sources(core)
        if args.command == "ask":
            return cli_ask.ask(core, args.question, args.story, args.json)
        if args.command == "digest":
            return cli_updates.digest(core, args.story, args.since)
        if args.command == "updates":
            return cli_updates.updates(core, args.story, args.since, args.json)
        if args.command == "brief":
            return cli_reading.brief(core, args.story.lower())
        if args.command == "timeline":
            return cli_reading.timeline(core, args.story.lower(), args.since, args.out)
        if args.command == "search":
            return cli_reading.search(core, args.words, args.story.lower() if args.story else None)
        if args.command == "chat":
            core.pipeline.ingest_paths([settings.seeds_dir]) if settings.seeds_dir.exists() else None
            return asyncio.run(cli_run.chat(core))
        if args.command == "run":
            with single_run_lock(settings.database_url):  # SQLite: one run at a time
                return asyncio.run(cli_run.run(core, args.forever))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the reader went away; say nothing more
        return 0
    except (ConfigError, StoreError, ModelMissing, WorkerOptionsError) as exc:
        print(f"newsdesk-bot: {redact_text(str(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the edge: one sentence, details only with -v
        return _unexpected(exc, args.verbose)
    finally:
        core.close()


if __name__ == "__main__":
    raise SystemExit(main())
