"""A fixed DNS table for tests: what a (possibly hostile) DNS server would answer, with no server."""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult


class HostsTable(AbstractResolver):
    """Resolves each host name to the address the table gives it."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host=self.table[host], port=port, family=socket.AF_INET,
                              proto=0, flags=0)]

    async def close(self) -> None:
        return None
