"""The story store: articles, sentences and their full-text index, stories, updates, feeds."""

from bot.store.db import StoreError, open_store
from bot.store.repo import Store

__all__ = ["Store", "StoreError", "open_store"]
