"""The story store: articles, sentences and their full-text index, stories, updates, feeds."""

from bot.store.db import StoreBusy, StoreError, open_store
from bot.store.repo import Store

__all__ = ["Store", "StoreBusy", "StoreError", "open_store"]
