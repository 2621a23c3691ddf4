"""Go/no-go advice for a vessel class in every zone touching a regency, for the next 24 hours.

Public (fishers read it without signing in). The advice weighs every forecast received that
covers the coming day (`domain.conditions`) and judges it for the vessel (`domain.advisories`).
"""

from __future__ import annotations

from datetime import datetime

from lumbung_weather_alerts.domain.advisories import Advisory, advise
from lumbung_weather_alerts.domain.conditions import ADVICE_HORIZON, conditions_ahead
from lumbung_weather_alerts.domain.vessels import VesselClass
from lumbung_weather_alerts.domain.zones import Zone
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.zones import ZoneRepository


class AdviseVessels:
    """Advice per zone from the stored observations."""

    def __init__(self, zones: ZoneRepository, observations: ObservationRepository) -> None:
        self._zones = zones
        self._observations = observations

    async def for_regency(
        self, regency_prefix: str, vessel: VesselClass, now: datetime
    ) -> list[tuple[Zone, Advisory]]:
        """Each live zone touching the regency with its advice for `vessel` from `now`."""
        advice = []
        for zone in await self._zones.list(regency_prefix):
            received = await self._observations.covering(zone.id, now, ADVICE_HORIZON)
            advice.append((zone, advise(zone, conditions_ahead(received, now), vessel)))
        return advice
