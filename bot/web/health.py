"""What /healthz reports: one check per part the bot needs, and the reasons it is unhealthy.

The runtime gathers the checks (bot/runtime/health.py); this module only says how they read as
JSON, so a load balancer or a compose healthcheck gets a 200 or a 503 with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    """One part of the bot: whether it works, and a short phrase saying what was seen."""

    ok: bool
    detail: str


@dataclass(frozen=True)
class Health:
    """The bot's state as /healthz reports it."""

    role: str
    store: Check
    scheduler: Check
    adapters: dict[str, Check] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Healthy only when the store, the scheduler and every adapter are."""
        return self.store.ok and self.scheduler.ok and all(c.ok for c in self.adapters.values())

    def reasons(self) -> list[str]:
        """One phrase per failing part, e.g. 'store: unreachable (...)'; empty when healthy."""
        parts = [("store", self.store), ("scheduler", self.scheduler)]
        parts += [(f"adapter {name}", check) for name, check in sorted(self.adapters.items())]
        return [f"{name}: {check.detail}" for name, check in parts if not check.ok]

    def as_json(self) -> dict[str, Any]:
        """The JSON body of /healthz."""
        return {
            "status": "ok" if self.ok else "unhealthy",
            "role": self.role,
            "store": {"ok": self.store.ok, "detail": self.store.detail},
            "scheduler": {"ok": self.scheduler.ok, "detail": self.scheduler.detail},
            "adapters": {name: {"connected": check.ok, "detail": check.detail}
                         for name, check in sorted(self.adapters.items())},
            "reasons": self.reasons(),
        }
