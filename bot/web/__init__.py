"""The bot's HTTP side: one aiohttp application serving /healthz and /metrics (other modules add routes)."""
