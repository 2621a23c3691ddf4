"""Is the gateway ready: its own store and every service it routes to answer.

The checks are handed in by the wiring (a Mongo ping, one health call per service), so the
route only asks and renders; each check returns None when fine, else a short reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

Check = Callable[[], Awaitable[str | None]]


class Readiness:
    """Named checks, run together."""

    def __init__(self, checks: Mapping[str, Check]) -> None:
        self._checks = dict(checks)

    @property
    def names(self) -> list[str]:
        """What is checked, sorted."""
        return sorted(self._checks)

    async def failures(self) -> dict[str, str]:
        """The checks that failed, with their reasons (empty when ready)."""
        names = list(self._checks)
        reasons = await asyncio.gather(*(self._checks[n]() for n in names))
        return {name: r for name, r in zip(names, reasons, strict=True) if r}
