"""The bot's HTTP side: one aiohttp application serving /healthz and /metrics, and the read-only story pages."""
