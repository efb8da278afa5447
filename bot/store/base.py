"""What every part of `Store` builds on: the engine it reads and writes through."""

from __future__ import annotations

from sqlalchemy.engine import Engine


class StoreBase:
    """The engine shared by the parts of `Store` (stories, articles, search, updates, sources)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()
