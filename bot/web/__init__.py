"""Read-only web pages for editors: a page per story, served by the bot's HTTP server."""
