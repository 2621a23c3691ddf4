"""Is the gateway ready: its own store answers. How are the services behind it: reported only.

Readiness takes a gateway replica out of the load balancer, so it must depend only on what
that replica needs for every request (its accounts store; its settings were checked at start).
A service being down is not a reason: with weather_alerts down, login, listings and orders
still work, and the circuit breaker answers weather_alerts' routes with a fast 503. If an
upstream's health made the gateway unready, one service down would take every replica, and
so the whole API, out of service. Upstream health is therefore reported beside readiness.

The checks are handed in by the wiring (a Mongo ping, one health call per service), so the
route only asks and renders; each check returns None when fine, else a short reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

Check = Callable[[], Awaitable[str | None]]


class UpstreamHealth(StrEnum):
    """How a service behind the gateway answered its health check."""

    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class ReadinessReport:
    """The gateway's own failed checks (ready when none) and every service's health."""

    failures: dict[str, str]
    upstreams: dict[str, UpstreamHealth]

    @property
    def ready(self) -> bool:
        """Whether this replica should receive traffic."""
        return not self.failures


class Readiness:
    """Named checks of the gateway's own dependencies, and of the services it routes to."""

    def __init__(
        self, checks: Mapping[str, Check], upstreams: Mapping[str, Check] | None = None
    ) -> None:
        self._checks = dict(checks)
        self._upstreams = dict(upstreams or {})

    @property
    def names(self) -> list[str]:
        """What readiness depends on, sorted."""
        return sorted(self._checks)

    async def failures(self) -> dict[str, str]:
        """The gateway's own checks that failed, with their reasons (empty when ready)."""
        return await _failed(self._checks)

    async def upstreams(self) -> dict[str, UpstreamHealth]:
        """Each service, up or down, sorted by name."""
        down = await _failed(self._upstreams)
        return {
            name: UpstreamHealth.DOWN if name in down else UpstreamHealth.UP
            for name in sorted(self._upstreams)
        }

    async def report(self) -> ReadinessReport:
        """Both at once, so a slow service adds no time to the gateway's own checks."""
        failures, upstreams = await asyncio.gather(self.failures(), self.upstreams())
        return ReadinessReport(failures, upstreams)


async def _failed(checks: Mapping[str, Check]) -> dict[str, str]:
    names = list(checks)
    reasons = await asyncio.gather(*(checks[n]() for n in names))
    return {name: r for name, r in zip(names, reasons, strict=True) if r}
