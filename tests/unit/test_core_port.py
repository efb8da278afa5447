"""The router's port onto the core stays satisfiable by the runtime's Core (checked by member names)."""

from __future__ import annotations

import dataclasses

from bot.chat.core_port import AdminSettings, CorePort, StoreSummaries
from bot.runtime.core import Core
from bot.settings import Settings
from bot.store import Store


def _members(protocol: type) -> set[str]:
    return {name for name in vars(protocol) if not name.startswith("_")}


def _provided(cls: type) -> set[str]:
    fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    return fields | {name for name in dir(cls) if not name.startswith("_")}


def test_core_has_every_member_the_router_port_names() -> None:
    """Core, its Settings and its Store provide what CorePort and its parts describe."""
    for protocol, cls in ((CorePort, Core), (AdminSettings, Settings), (StoreSummaries, Store)):
        missing = _members(protocol) - _provided(cls)
        assert not missing, f"{cls.__name__} lacks {sorted(missing)} that {protocol.__name__} needs"
