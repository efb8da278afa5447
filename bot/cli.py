"""The `newsdesk-bot` command line: the edge where errors become one sentence for a person."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from bot import cli_reading
from bot.chat.console import ConsoleAdapter
from bot.chat.language_gate import UNREADABLE_REPLY, unreadable
from bot.chat.render_text import render_text
from bot.chat.router import MAX_QUESTION_CHARS, answer_post, too_long_question
from bot.chat.sources_view import source_lines
from bot.domain import Answer, IncomingMessage, Update
from bot.ingest.pipeline import IngestReport
from bot.ingest.seeds import undated_files
from bot.redact import RedactingFormatter, redact_text
from bot.runtime.app import AdapterStartError, Runtime
from bot.runtime.core import Core, build_core
from bot.runtime.feeds import ingest_feed_urls
from bot.runtime.leadership import WorkerOptions, WorkerOptionsError
from bot.runtime.ports import configured_ports
from bot.runtime.welcome import welcome_line
from bot.settings import ConfigError, load_settings
from bot.store import StoreError
from bot.store.cluster import is_shared
from bot.store.db import single_run_lock
from bot.store.runtime_repo import RuntimeRepo
from bot.text import strip_controls
from bot.understand.digest import build_digest, correction
from bot.understand.language.model import ModelMissing

log = logging.getLogger("bot")
MAX_AGE_MINUTES = 100 * 525600  # `--since` reaches back at most 100 years
logging.getLogger("apscheduler").setLevel(logging.WARNING)


INGEST_HELP = """Each PATH is a file or a folder (read recursively); each URL a feed fetched once.

Article files (.txt, .md) may start with header lines, then a blank line, then the text:

    # source: https://example.org/world/talks-resume   (the article's link; or an outlet's name)
    # date: 2024-02-11                                 (YYYY-MM-DD, or an ISO time)
    # title: Talks resume in Cairo

    Negotiators met in Cairo on Sunday...

Without '# title:' the first line is the title. Without '# date:' the article is stored as
undated (never as the newest news) and the report says so. Saved web pages (.html, .htm) give
the article extracted from the page, or are refused. Feed snapshots (.xml, .rss, .atom) give
every item. Files whose bytes are unchanged since the last ingest are skipped."""


def _version() -> str:
    try:
        return metadata.version("newsdesk-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk-bot",
        description="Follows news stories from feeds and seed files, posts what is new, answers questions.",
        epilog="Configuration: config/bot.toml, stories.toml, feeds.toml (NEWSDESK_CONFIG_DIR); the store: "
               "NEWSDESK_DATABASE_URL. 'newsdesk-bot COMMAND --help' explains a command's inputs.")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every event, with debug detail, to stderr (and details of errors)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("ingest", help="read articles from files, folders or feed URLs into the store",
                       description="Read articles into the store.", epilog=INGEST_HELP, formatter_class=raw)
    p.add_argument("paths", nargs="+", metavar="PATH|URL", help="article files, web pages, feed snapshots, "
                   "folders of them, or http(s) feed URLs")
    sub.add_parser("stories", help="list tracked stories with article counts and last update",
                   description="Each tracked story (config/stories.toml, or tracked from chat) with its article "
                               "count, update count and newest article.")
    sub.add_parser("sources", help="list feeds and seed files with their health",
                   description="Each feed (by title and URL) and each file of the watched seeds folder with how "
                               "its last read went; files read once with 'ingest' are summed up on one line.")
    p = sub.add_parser("ask", help="answer a question from the store, with the sentences and sources behind it",
                       description="Answer an English question from the stored articles: the short answer, the "
                                   "sentences that support it and their sources, or 'I don't know'.",
                       epilog="Example: newsdesk-bot ask --story hostage-talks \"who are the mediators?\"")
    p.add_argument("question", nargs="+", help="the question (at most 500 characters), or - to read one question "
                   "per line from stdin")
    p.add_argument("--story", metavar="ID", help="only answer from this story (see 'stories')")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p = sub.add_parser("updates", help="what is new or changed on each story, in the order it was found",
                       description="The updates found on each story: new facts, and changed ones with the "
                                   "earlier value.")
    p.add_argument("--story", metavar="ID", help="only this story")
    p.add_argument("--since", metavar="AGE", help="only updates found within AGE: minutes, hours, days or weeks "
                   "such as 90m, 24h, 7d, 2w")
    p.add_argument("--json", action="store_true", help="one JSON object per update")
    p = sub.add_parser("digest", help="what is new: one line per story, then each story's top updates, cited",
                       description="The digest a desk reads in the morning, printed now: per story its headline "
                                   "line, then its top developments, by the articles' publication time.")
    p.add_argument("story", nargs="?", metavar="STORY", help="only this story")
    p.add_argument("--since", metavar="AGE", default="24h",
                   help="updates from articles published within AGE (default 24h; e.g. 7d)")
    cli_reading.add_parsers(sub)
    sub.add_parser("chat", help="chat with the bot on this terminal (reads commands from standard input)",
                   description="The console chat: type a command ('help' lists them) or a question per line; "
                               "Ctrl-D ends. Piped input is echoed before each answer. It does not poll feeds or "
                               "post live updates ('run' does). In a terminal the log goes to "
                               "DATA_DIR/newsdesk.log and only warnings show.")
    p = sub.add_parser("run", help="run the bot: seeds, feeds, schedules and every configured chat platform",
                       description="Run the bot: rescan the seeds folder, poll feeds, send live posts and daily "
                                   "digests, and chat on Slack (SLACK_BOT_TOKEN), Matrix (MATRIX_HOMESERVER...) "
                                   "or, with neither, this console. In a terminal the log goes to "
                                   "DATA_DIR/newsdesk.log and only warnings show; otherwise one line per event "
                                   "goes to stderr.")
    p.add_argument("--forever", action="store_true",
                   help="with the console adapter, keep running after end of input (until SIGTERM)")
    return parser


def _progress_printer(enabled: bool):  # type: ignore[no-untyped-def]
    def show(done: int, total: int) -> None:
        if enabled and total >= 20:
            width = 30
            filled = int(width * done / total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
    return show


def _ingest(core: Core, targets: Sequence[str]) -> int:
    report = IngestReport()
    paths = [Path(t) for t in targets if not t.startswith(("http://", "https://"))]
    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    undated = undated_files(paths, core.store.seed_file_hash) if paths else []
    if paths:
        report.merge(core.pipeline.ingest_paths(paths, _progress_printer(sys.stderr.isatty())))
    if urls:
        report.merge(asyncio.run(ingest_feed_urls(core, urls)))
    print(f"Ingested: {report.summary()}.")
    if undated:
        shown = ", ".join(undated[:5]) + (f" and {len(undated) - 5} more" if len(undated) > 5 else "")
        print(f"  undated: {shown} ha{'s' if len(undated) == 1 else 've'} no '# date:' header, so "
              f"{'it is' if len(undated) == 1 else 'they are'} stored as undated (never as the newest news).")
    for failure in report.failures:
        print(f"  problem: {redact_text(failure)}", file=sys.stderr)
    return 1 if report.failures and not (report.added or report.merged or report.unchanged or report.revised) else 0


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


def _updates(core: Core, story: str | None, since: str | None, as_json: bool) -> int:
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


def answer_json(answer: Answer) -> dict[str, Any]:
    """An answer in the stable shape of `ask --json`."""
    return {
        "question": answer.question, "answer": answer.answer, "text": answer.text, "story": answer.story,
        "as_of": answer.as_of.date().isoformat() if answer.as_of else None,
        "citations": [{"title": c.title, "url": c.url, "source": c.source,
                       "published": c.published.date().isoformat() if c.published else None,
                       "sentence": c.sentence} for c in answer.citations],
    }


def _ask(core: Core, words: list[str], story: str | None, as_json: bool) -> int:
    known = {s.id for s in core.store.list_stories()}
    if story and story not in known:
        print(f"newsdesk-bot: no story '{story}'; tracked stories: {', '.join(sorted(known))}.", file=sys.stderr)
        return 2
    questions = [line.strip() for line in sys.stdin] if words == ["-"] else [" ".join(words)]
    refused = 0
    for question in questions:
        if not question:
            continue
        refusal = too_long_question(question) or (UNREADABLE_REPLY if unreadable(question) else None)
        if refusal:  # said instead of an answer, in the shape the caller reads
            refused += 1
            shown = question if len(question) <= MAX_QUESTION_CHARS else question[:MAX_QUESTION_CHARS] + "…"
            if as_json:
                print(json.dumps({"question": shown, "answer": None, "text": refusal,
                                  "story": story, "as_of": None, "citations": []}, ensure_ascii=False), flush=True)
            else:
                print(refusal, flush=True)
            continue
        answer = core.ask(question, story)
        if as_json:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer_post(answer)) + ("\n" if len(questions) > 1 else ""), flush=True)
    return 2 if refused and words != ["-"] else 0


def _digest(core: Core, story: str | None, since: str) -> int:
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


def _stories(core: Core) -> int:
    summaries = core.store.story_summaries()
    for s in summaries:
        last = s.last_article.date().isoformat() if s.last_article else "-"
        print(strip_controls(f"{s.story.id:<20} {s.articles:>5} article(s) {s.updates:>5} update(s)  last {last}  "
                             f"{s.story.title} [{s.story.defined_in}]"))
    if not summaries:
        print("No stories are tracked; define them in config/stories.toml.")
    return 0


def _sources(core: Core) -> int:
    rows = core.store.source_health()
    for line in source_lines(rows, core.settings.seeds_dir):
        print(strip_controls(line))
    if not rows:
        print("No sources yet: add feeds to config/feeds.toml or files to seeds/.")
    return 0


async def _chat(core: Core) -> int:
    """Chat on this terminal: commands and questions, no scheduler (subscriptions are saved for `run`)."""
    console = ConsoleAdapter(image_dir=core.settings.data_dir / "charts")
    runtime = Runtime(core, [console])
    await runtime.scan_seeds()  # answer from what seeds/ holds now
    print(strip_controls(welcome_line(core)), flush=True)

    async def on_message(message: IncomingMessage) -> None:
        await runtime.handle(console, message)

    await console.start(on_message)
    return 0


async def _run(core: Core, forever: bool) -> int:
    """Run everything until SIGTERM/SIGINT; a console-only run ends at end of input once posts are out."""
    holder: list[Runtime] = []

    async def room_replaced(old: str, new: str) -> None:
        if holder:
            await holder[0].room_replaced(old, new)

    options = WorkerOptions.from_environ(core.settings.environ)
    shared = RuntimeRepo(core.store.engine) if is_shared(core.store.engine) else None
    ports = configured_ports(core.settings, on_room_replaced=room_replaced, shared_state=shared)
    runtime = Runtime(core, ports, options=options)
    holder.append(runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if any(isinstance(p, ConsoleAdapter) for p in ports):
        await runtime.scan_seeds()  # so the first line tells what seeds/ holds now, not before its scan
        print(strip_controls(welcome_line(core)), flush=True)
    try:
        await runtime.start()
    except AdapterStartError as exc:
        print(f"newsdesk-bot: cannot start {redact_text(str(exc))}", file=sys.stderr)
        return 2
    waits = [asyncio.create_task(stop.wait()), asyncio.create_task(runtime.failed.wait())]
    console = next((p for p in ports if isinstance(p, ConsoleAdapter)), None)
    if console is not None and not forever:
        waits.append(asyncio.create_task(console.finished.wait()))
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set() and not runtime.failed.is_set():
        log.info("event=console_input_ended action=drain")
        if not await runtime.drain(timeout=60):
            log.warning("event=drain_timeout")
    for task in waits:
        task.cancel()
    await runtime.stop()
    if runtime.failed.is_set():
        print(f"newsdesk-bot: stopped: {redact_text(runtime.failure)}.", file=sys.stderr)
        return 1
    return 0


LOG_FORMAT = "ts=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"
LOG_FILE = "newsdesk.log"


def _log_to_file(data_dir: Path, level: int) -> None:
    """Interactive use: every event to DATA_DIR/newsdesk.log, only warnings and errors to the terminal."""
    root = logging.getLogger()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(data_dir / LOG_FILE, encoding="utf-8")
    except OSError as exc:
        log.warning("event=log_file_unavailable path=%s error=%r", data_dir / LOG_FILE, exc)
        return
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    handler.setLevel(level)
    for existing in root.handlers:
        existing.setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


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
    args = _parser().parse_args(argv)
    level = logging.INFO if args.verbose or args.command == "run" else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr, format=LOG_FORMAT)
    if args.verbose:  # the bot's own debug detail; other libraries stay at INFO
        logging.getLogger("bot").setLevel(logging.DEBUG)
    for handler in logging.getLogger().handlers:  # nothing logged may show a secret
        handler.setFormatter(RedactingFormatter(handler.formatter._fmt if handler.formatter else None))
    if not args.command:
        _parser().print_help()
        return 0
    try:
        settings = load_settings()
        if args.command in ("run", "chat") and sys.stdin.isatty():
            _log_to_file(settings.data_dir, logging.DEBUG if args.verbose else logging.INFO)  # not over the prompt
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
            return _ingest(core, args.paths)
        if args.command == "stories":
            return _stories(core)
        if args.command == "sources":
            return _sources(core)
        if args.command == "ask":
            return _ask(core, args.question, args.story, args.json)
        if args.command == "digest":
            return _digest(core, args.story, args.since)
        if args.command == "updates":
            return _updates(core, args.story, args.since, args.json)
        if args.command == "brief":
            return cli_reading.brief(core, args.story.lower())
        if args.command == "timeline":
            return cli_reading.timeline(core, args.story.lower(), args.since, args.out)
        if args.command == "search":
            return cli_reading.search(core, args.words, args.story.lower() if args.story else None)
        if args.command == "chat":
            core.pipeline.ingest_paths([settings.seeds_dir]) if settings.seeds_dir.exists() else None
            return asyncio.run(_chat(core))
        if args.command == "run":
            with single_run_lock(settings.database_url):  # SQLite: one run at a time
                return asyncio.run(_run(core, args.forever))
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
