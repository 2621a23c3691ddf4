"""Flag catch supply at risk when a sea alert is issued or updated; clear it when one ends.

Every step is a set-like update in the repository, so a redelivered alert or a repeated sweep
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from lumbung_listings.storage.risk import SupplyRiskRepository


class FlagSupplyRisk:
    """Keeps listings' `supply_at_risk` in step with the sea alerts this service heard of."""

    def __init__(self, risk: SupplyRiskRepository) -> None:
        self._risk = risk

    async def alert_active(
        self, alert_id: str, regencies: Sequence[str], expires: datetime, replaces: Sequence[str]
    ) -> None:
        """An alert is issued or updated: flag catch listings of its regencies, now only those."""
        await self._risk.flag(alert_id, regencies, expires, replaces)

    async def alerts_ended(self, alert_ids: Iterable[str]) -> None:
        """Alerts are cancelled: take their ids off every listing."""
        for alert_id in alert_ids:
            await self._risk.clear(alert_id)

    async def sweep_expired(self) -> int:
        """Clear every alert whose `expires` has passed and nobody cancelled; returns how many."""
        return await self._risk.sweep()
