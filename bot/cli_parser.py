"""The `newsdesk-bot` argument parser: every sub-command with its arguments and help texts.

The reading commands beside `digest` add their own parsers (`bot.cli_reading.add_parsers`);
`bot.cli.main` parses and dispatches.
"""

from __future__ import annotations

import argparse
from importlib import metadata

from bot import cli_reading

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


def version() -> str:
    """The installed package's version, for `--version` ("unknown" when run from a source tree)."""
    try:
        return metadata.version("newsdesk-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser, sub-commands in the order `--help` lists them."""
    parser = argparse.ArgumentParser(
        prog="newsdesk-bot",
        description="Follows news stories from feeds and seed files, posts what is new, answers questions.",
        epilog="Configuration: config/bot.toml, stories.toml, feeds.toml (NEWSDESK_CONFIG_DIR); the store: "
               "NEWSDESK_DATABASE_URL. 'newsdesk-bot COMMAND --help' explains a command's inputs.")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every event, with debug detail, to stderr (and details of errors)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
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
