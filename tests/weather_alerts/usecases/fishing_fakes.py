"""In-memory stand-ins of the stores the fishing-ground use cases read and write.

They keep the contract the real repositories keep (an insert of a taken id is refused, reads
leave out what is not in force), so each use-case test plays exactly one situation.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_weather_alerts.domain.alert_chain import Chain
from lumbung_weather_alerts.domain.conditions import ReceivedObservation
from lumbung_weather_alerts.domain.fishing_grounds import ForecastBody
from lumbung_weather_alerts.domain.forecast_record import Forecast, ForecastStatus
from lumbung_weather_alerts.domain.zones import Zone


class Forecasts:
    """The forecasts collection: documents by id and the events inserted with them."""

    def __init__(self) -> None:
        self.docs: dict[str, Forecast] = {}
        self.events: list[Envelope[Any]] = []
        self.race: Forecast | None = None
        """A document a concurrent writer inserts just before our next insert."""

    async def get(self, forecast_id: str) -> Forecast | None:
        doc = self.docs.get(forecast_id)
        return None if doc is None else copy.deepcopy(doc)

    async def insert(self, forecast: Forecast, event: Envelope[Any]) -> bool:
        if self.race is not None:
            self.docs[self.race["_id"]], self.race = self.race, None
        if forecast["_id"] in self.docs:
            return False
        self.docs[forecast["_id"]] = copy.deepcopy(forecast)
        self.events.append(event)
        return True

    async def mark_superseded(self, ids: list[str], by: str, now: datetime) -> int:
        changed = 0
        for forecast_id in ids:
            doc = self.docs.get(forecast_id)
            if doc is not None and doc["status"] == ForecastStatus.ACTIVE.value:
                doc.update(status=ForecastStatus.SUPERSEDED.value, superseded_by=by, updated_at=now)
                changed += 1
        return changed

    async def live(
        self, now: datetime, after_id: str | None = None, limit: int = 500
    ) -> list[Forecast]:
        found = [
            d
            for _, d in sorted(self.docs.items())
            if d["status"] == "active"
            and d["valid_until"] > now
            and (after_id is None or d["_id"] > after_id)
        ]
        return copy.deepcopy(found[:limit])

    async def live_in_zone(self, zone_id: str, now: datetime) -> list[Forecast]:
        return [d for d in await self.live(now) if zone_id in d["zone_ids"]]

    async def received_since(
        self, since: datetime, regency_prefix: str | None, limit: int = 100
    ) -> list[Forecast]:
        found = [
            d
            for d in self.docs.values()
            if d["received_at"] >= since
            and (regency_prefix is None or regency_prefix in d["regency_path"])
        ]
        return sorted(found, key=lambda d: d["received_at"])[:limit]

    async def delete_expired(self, now: datetime) -> int:
        gone = [i for i, d in self.docs.items() if d["valid_until"] <= now]
        for forecast_id in gone:
            del self.docs[forecast_id]
        return len(gone)


class Zones:
    """The live zones."""

    def __init__(self, zones: Sequence[Zone]) -> None:
        self.zones = list(zones)

    async def list(self, regency_prefix: str | None = None) -> list[Zone]:
        return list(self.zones)


class Alerts:
    """Each zone's open alert chain."""

    def __init__(self, chains: dict[str, Chain] | None = None) -> None:
        self.chains = chains or {}

    async def open_for_zone(self, zone_id: str) -> Chain | None:
        return self.chains.get(zone_id)


class Observations:
    """Each zone's received observations."""

    def __init__(self, by_zone: dict[str, list[ReceivedObservation]] | None = None) -> None:
        self.by_zone = by_zone or {}
        self.asked: list[tuple[str, datetime, timedelta]] = []

    async def covering(
        self, zone_id: str, start: datetime, horizon: timedelta
    ) -> list[ReceivedObservation]:
        self.asked.append((zone_id, start, horizon))
        return list(self.by_zone.get(zone_id, []))


def forecast_body(now: datetime, **changes: Any) -> ForecastBody:
    """A forecast valid from now for two days with one ground off Kepulauan Seribu."""
    values: dict[str, Any] = {
        "id": "zppi-uji-1",
        "source": "BRIN/KKP ZPPI",
        "issued_at": now,
        "valid_from": now,
        "valid_until": now + timedelta(days=2),
        "species_group": "pelagis_kecil",
        "grounds": [{"kind": "point", "lat": -5.8, "lon": 106.5}],
    }
    values.update(changes)
    return ForecastBody.model_validate(values)
