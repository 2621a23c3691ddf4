"""Publishing a fishing-ground forecast: one insert with its event, idempotent by id, scoped to
the agency's regions, superseding what it names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_shared.events.fishing_grounds import FishingGroundForecastPublished
from lumbung_shared.identity import Identity, Role
from lumbung_weather_alerts.domain.forecast_record import (
    ForecastExpiredError,
    ForecastIdConflictError,
)
from lumbung_weather_alerts.domain.ground_zones import GroundOutsideZonesError
from lumbung_weather_alerts.domain.scope import RegionOutOfScopeError, RegionScope
from lumbung_weather_alerts.domain.zones import SEED_ZONES
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast

from tests.weather_alerts.usecases.fishing_fakes import Forecasts, Zones, forecast_body

NOW = datetime(2026, 3, 1, tzinfo=UTC)
EVERYWHERE = RegionScope.everywhere()
SERIBU_AGENCY = RegionScope.of(Identity(subject="dkp-dki", role=Role.AGENCY, regions=["31.01"]))
BALI_AGENCY = RegionScope.of(Identity(subject="dkp-bali", role=Role.AGENCY, regions=["51"]))


@pytest.fixture
def forecasts() -> Forecasts:
    return Forecasts()


@pytest.fixture
def publish(forecasts: Forecasts) -> PublishForecast:
    return PublishForecast(Zones(SEED_ZONES), forecasts)  # type: ignore[arg-type]


class TestANewForecast:
    async def test_is_stored_with_its_event_in_one_write(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        published = await publish.publish(
            forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="admin-1"
        )
        assert published.created
        stored = forecasts.docs["zppi-uji-1"]
        assert stored["grounds"] == [
            {"kind": "point", "lat": -5.8, "lon": 106.5, "zone_id": "perairan-kepulauan-seribu"}
        ]
        assert stored["regency_codes"] == ["31.01", "31.75", "36.03"]
        assert stored["status"] == "active"
        (event,) = forecasts.events
        assert isinstance(event.payload, FishingGroundForecastPublished)
        assert event.key == "zppi-uji-1"
        assert event.payload.zone_ids == ["perairan-kepulauan-seribu"]
        assert event.payload.regency_codes == ["31.01", "31.75", "36.03"]
        assert (event.payload.ground_count, event.payload.species_group) == (1, "pelagis_kecil")

    async def test_a_ground_in_no_zone_stores_nothing(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        lost = forecast_body(NOW, grounds=[{"kind": "point", "lat": -20.0, "lon": 90.0}])
        with pytest.raises(GroundOutsideZonesError):
            await publish.publish(lost, NOW, scope=EVERYWHERE, posted_by="admin-1")
        assert forecasts.docs == {}
        assert forecasts.events == []

    async def test_an_ended_window_is_refused(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        old = forecast_body(NOW - timedelta(days=3))
        with pytest.raises(ForecastExpiredError):
            await publish.publish(old, NOW, scope=EVERYWHERE, posted_by="admin-1")
        assert forecasts.docs == {}


class TestIdempotency:
    async def test_the_same_forecast_again_answers_the_stored_one_and_sends_nothing(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        first = await publish.publish(forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="a")
        again = await publish.publish(
            forecast_body(NOW), NOW + timedelta(minutes=5), scope=EVERYWHERE, posted_by="a"
        )
        assert not again.created
        assert again.forecast["received_at"] == first.forecast["received_at"]
        assert len(forecasts.events) == 1

    async def test_the_same_id_with_other_content_is_a_conflict(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        await publish.publish(forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="a")
        moved = forecast_body(NOW, grounds=[{"kind": "point", "lat": -5.7, "lon": 106.5}])
        with pytest.raises(ForecastIdConflictError) as exc:
            await publish.publish(moved, NOW, scope=EVERYWHERE, posted_by="a")
        assert exc.value.status == 409
        assert forecasts.docs["zppi-uji-1"]["grounds"][0]["lat"] == -5.8

    async def test_a_concurrent_post_of_the_same_forecast_is_one_forecast(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        other = Forecasts()
        await PublishForecast(Zones(SEED_ZONES), other).publish(  # type: ignore[arg-type]
            forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="b"
        )
        forecasts.race = other.docs["zppi-uji-1"]
        published = await publish.publish(forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="a")
        assert not published.created
        assert published.forecast["posted_by"] == "b"
        assert forecasts.events == []


class TestScope:
    async def test_an_agency_publishes_for_zones_touching_its_regions(
        self, publish: PublishForecast
    ) -> None:
        published = await publish.publish(
            forecast_body(NOW), NOW, scope=SERIBU_AGENCY, posted_by="dkp-dki"
        )
        assert published.created

    async def test_not_for_zones_elsewhere(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        with pytest.raises(RegionOutOfScopeError) as exc:
            await publish.publish(forecast_body(NOW), NOW, scope=BALI_AGENCY, posted_by="dkp-bali")
        assert exc.value.status == 403
        assert exc.value.extra["zone_ids"] == ["perairan-kepulauan-seribu"]
        assert forecasts.docs == {}

    async def test_every_zone_of_the_forecast_must_touch_them(
        self, publish: PublishForecast
    ) -> None:
        both = forecast_body(
            NOW,
            grounds=[
                {"kind": "point", "lat": -8.45, "lon": 114.5},  # Selat Bali
                {"kind": "point", "lat": -5.8, "lon": 106.5},  # Kepulauan Seribu
            ],
        )
        with pytest.raises(RegionOutOfScopeError) as exc:
            await publish.publish(both, NOW, scope=BALI_AGENCY, posted_by="dkp-bali")
        assert exc.value.extra["zone_ids"] == ["perairan-kepulauan-seribu"]

    async def test_a_replay_is_scoped_too(self, publish: PublishForecast) -> None:
        await publish.publish(forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="admin")
        with pytest.raises(RegionOutOfScopeError):
            await publish.publish(forecast_body(NOW), NOW, scope=BALI_AGENCY, posted_by="dkp-bali")


class TestSupersedes:
    async def test_a_newer_forecast_marks_the_older_superseded(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        await publish.publish(forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="a")
        newer = forecast_body(NOW, id="zppi-uji-2", supersedes=["zppi-uji-1", "never-seen"])
        await publish.publish(newer, NOW, scope=EVERYWHERE, posted_by="a")
        old = forecasts.docs["zppi-uji-1"]
        assert (old["status"], old["superseded_by"]) == ("superseded", "zppi-uji-2")
        assert [f["_id"] for f in await forecasts.live(NOW)] == ["zppi-uji-2"]
        assert forecasts.events[-1].payload.supersedes == ["zppi-uji-1", "never-seen"]

    async def test_a_replay_finishes_marking_what_a_crash_left_active(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        await publish.publish(forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="a")
        newer = forecast_body(NOW, id="zppi-uji-2", supersedes=["zppi-uji-1"])
        await publish.publish(newer, NOW, scope=EVERYWHERE, posted_by="a")
        forecasts.docs["zppi-uji-1"].update(status="active", superseded_by=None)  # the crash
        again = await publish.publish(newer, NOW, scope=EVERYWHERE, posted_by="a")
        assert not again.created
        assert forecasts.docs["zppi-uji-1"]["status"] == "superseded"

    async def test_an_agency_cannot_supersede_another_regions_forecast(
        self, publish: PublishForecast, forecasts: Forecasts
    ) -> None:
        await publish.publish(forecast_body(NOW), NOW, scope=EVERYWHERE, posted_by="a")
        bali = forecast_body(
            NOW,
            id="zppi-bali-1",
            grounds=[{"kind": "point", "lat": -8.45, "lon": 114.5}],
            supersedes=["zppi-uji-1"],
        )
        with pytest.raises(RegionOutOfScopeError):
            await publish.publish(bali, NOW, scope=BALI_AGENCY, posted_by="dkp-bali")
        assert forecasts.docs["zppi-uji-1"]["status"] == "active"
        assert "zppi-bali-1" not in forecasts.docs
