"""The race between deleting a zone and issuing its alert, closed from both sides.

Zone and alert are two documents, so the use cases check again after their own write: a delete
that finds an alert opened meanwhile puts the zone back and refuses; an issue that finds its
zone deleted meanwhile closes the alert at once. Stores are in memory here, and each test
plays one interleaving exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lumbung_shared.errors import ConflictError
from lumbung_shared.events import Envelope
from lumbung_weather_alerts.domain.alert_chain import AlertStatus, Chain, ChainChange, new_chain
from lumbung_weather_alerts.domain.lifecycle import Issue, decide
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.waves import WaveCategory
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID, Zone
from lumbung_weather_alerts.usecases.manage_zones import ManageZones
from lumbung_weather_alerts.usecases.report_observation import AlertPolicy, ReportObservation

ZONE = ZONES_BY_ID["perairan-kepulauan-seribu"]
NOW = datetime.now(UTC).replace(microsecond=0)


def storm() -> Observation:
    return Observation(
        zone_id=ZONE.id,
        valid_from=NOW - timedelta(hours=1),
        valid_to=NOW + timedelta(hours=12),
        significant_wave_m=3.0,
        max_wave_m=3.9,
        wind_speed_knots=12.0,
        wind_direction_deg=90.0,
        source="uji",
    )


def an_open_chain() -> Chain:
    decision = decide(None, storm(), NOW)
    assert isinstance(decision, Issue)
    return new_chain("lumbung-uji", ZONE, decision, "peringatan.lumbung.id", NOW)


class Zones:
    """Zones in memory; `live` answers the successive liveness checks of one zone."""

    def __init__(self, live: list[bool]) -> None:
        self._live = live
        self.deleted_version: int | None = None
        self.restored: list[tuple[str, int]] = []

    def _next_live(self) -> bool:
        return self._live.pop(0) if len(self._live) > 1 else self._live[0]

    async def get(self, zone_id: str) -> Zone:
        assert zone_id == ZONE.id
        return ZONE

    async def find(self, zone_id: str) -> Zone | None:
        return ZONE if self._next_live() else None

    async def delete(self, zone_id: str) -> int:
        self.deleted_version = 4
        return 4

    async def restore(self, zone_id: str, version: int) -> None:
        self.restored.append((zone_id, version))


class Alerts:
    """Alert chains in memory; `open_answers` are the successive answers of `open_for_zone`."""

    def __init__(self, open_answers: list[Chain | None]) -> None:
        self._open = open_answers
        self.written: list[tuple[Chain, str]] = []

    async def open_for_zone(self, zone_id: str) -> Chain | None:
        return self._open.pop(0) if len(self._open) > 1 else self._open[0]

    async def insert(self, chain: Chain, event: Envelope[Any]) -> None:
        self.written.append((chain, event.type))

    async def save(self, before: Chain, change: ChainChange, event: Envelope[Any]) -> None:
        self.written.append((change.after, event.type))


class Observations:
    async def record(self, observation: Observation, now: datetime) -> tuple[str, bool]:
        return "obs-1", True


def reporting(zones: Zones, alerts: Alerts) -> ReportObservation:
    policy = AlertPolicy("peringatan.lumbung.id", WaveCategory.TINGGI, 50)
    return ReportObservation(zones, Observations(), alerts, policy)  # type: ignore[arg-type]


class TestDeleteSideOfTheRace:
    async def test_an_alert_in_force_refuses_the_delete_before_anything_is_written(self) -> None:
        zones, alerts = Zones([True]), Alerts([an_open_chain()])
        with pytest.raises(ConflictError) as refused:
            await ManageZones(zones, alerts).delete(ZONE.id)  # type: ignore[arg-type]
        assert refused.value.code == "zone-has-active-alert"
        assert refused.value.extra["alert_ids"] == ["lumbung-uji"]
        assert zones.deleted_version is None

    async def test_an_alert_opened_while_deleting_puts_the_zone_back_and_refuses(self) -> None:
        zones, alerts = Zones([True]), Alerts([None, an_open_chain()])
        with pytest.raises(ConflictError) as refused:
            await ManageZones(zones, alerts).delete(ZONE.id)  # type: ignore[arg-type]
        assert refused.value.code == "zone-has-active-alert"
        assert zones.restored == [(ZONE.id, 4)]

    async def test_a_lapsed_alert_is_closed_and_the_zone_deleted(self) -> None:
        lapsed = {**an_open_chain(), "expires": NOW - timedelta(minutes=1)}
        zones, alerts = Zones([True]), Alerts([lapsed, None])
        await ManageZones(zones, alerts).delete(ZONE.id)  # type: ignore[arg-type]
        assert [(c["status"], kind) for c, kind in alerts.written] == [
            (AlertStatus.EXPIRED.value, "sea_alert.cancelled")
        ]
        assert zones.deleted_version == 4
        assert zones.restored == []


class TestIssueSideOfTheRace:
    async def test_an_alert_issued_for_a_zone_deleted_meanwhile_is_closed_at_once(self) -> None:
        zones, alerts = Zones([True, False]), Alerts([None])
        result = await reporting(zones, alerts).apply(storm(), NOW, scope=RegionScope.everywhere())
        assert [(c["status"], kind) for c, kind in alerts.written] == [
            (AlertStatus.ACTIVE.value, "sea_alert.issued"),
            (AlertStatus.EXPIRED.value, "sea_alert.cancelled"),
        ]
        assert result.alert is not None
        assert result.alert["status"] == AlertStatus.EXPIRED.value

    async def test_an_alert_for_a_zone_still_there_stays_in_force(self) -> None:
        zones, alerts = Zones([True]), Alerts([None])
        result = await reporting(zones, alerts).apply(storm(), NOW, scope=RegionScope.everywhere())
        assert [kind for _, kind in alerts.written] == ["sea_alert.issued"]
        assert result.outcome == "issued"
        assert result.alert is not None
        assert result.alert["status"] == AlertStatus.ACTIVE.value
