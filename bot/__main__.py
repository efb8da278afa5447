"""`python -m bot` runs the newsdesk-bot command line."""

from bot.cli import main

raise SystemExit(main())
