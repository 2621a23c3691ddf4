"""The trip planner over the stores: grounds in range ranked by great-circle distance, do not
sail last and never dropped, each zone's sea read once, prices asked once per species group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_shared.fisheries import SpeciesGroup
from lumbung_weather_alerts.domain.alert_chain import new_chain
from lumbung_weather_alerts.domain.catch_prices import PriceFigure
from lumbung_weather_alerts.domain.conditions import ReceivedObservation
from lumbung_weather_alerts.domain.lifecycle import Issue, decide
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.trip_plan import DEFAULT_FUEL_PROFILES, parse_origin
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.domain.zones import SEED_ZONES, ZONES_BY_ID
from lumbung_weather_alerts.usecases.plan_trip import PlanTrip, TripRequest
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast

from tests.weather_alerts.usecases.fishing_fakes import (
    Alerts,
    Forecasts,
    Observations,
    Zones,
    forecast_body,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SERIBU = "perairan-kepulauan-seribu"
SUNDA = "selat-sunda-bagian-utara"


class Prices:
    """`CatchPrices` answering a fixed figure, recording what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[SpeciesGroup, str | None]] = []

    async def median(self, group: SpeciesGroup, regency_code: str | None) -> PriceFigure | None:
        self.asked.append((group, regency_code))
        return PriceFigure(median_per_kg=34_000, listings=3, scope="regency")


def sea(zone_id: str, wave_m: float) -> Observation:
    return Observation(
        zone_id=zone_id,
        valid_from=NOW - timedelta(hours=1),
        valid_to=NOW + timedelta(days=3),
        significant_wave_m=wave_m,
        max_wave_m=wave_m,
        wind_speed_knots=5,
        wind_direction_deg=90,
        source="BMKG uji",
    )


def request(origin: str = "pps-nizam-zachman", **changes: object) -> TripRequest:
    values: dict[str, object] = {
        "origin": parse_origin(origin),
        "vessel": VesselClass.FISHING_BOAT,
        "range_nm": 100.0,
        "limit": 20,
        "fuel": DEFAULT_FUEL_PROFILES[VesselClass.FISHING_BOAT],
        "fuel_price_per_litre": 6800,
    }
    values.update(changes)
    return TripRequest(**values)  # type: ignore[arg-type]


@pytest.fixture
async def forecasts() -> Forecasts:
    """Three grounds off Kepulauan Seribu (near Muara Baru), one in the Sunda Strait, one off
    Bali (far out of range)."""
    store = Forecasts()
    publish = PublishForecast(Zones(SEED_ZONES), store)  # type: ignore[arg-type]
    everywhere = RegionScope.everywhere()
    for body in (
        forecast_body(
            NOW,
            id="seribu",
            grounds=[
                {"kind": "point", "lat": -5.5, "lon": 106.6},
                {"kind": "point", "lat": -5.8, "lon": 106.5},
            ],
        ),
        forecast_body(NOW, id="seribu-demersal", species_group="demersal"),
        forecast_body(
            NOW,
            id="sunda",
            species_group=None,
            grounds=[{"kind": "point", "lat": -5.9, "lon": 105.9}],
        ),
        forecast_body(NOW, id="bali", grounds=[{"kind": "point", "lat": -8.45, "lon": 114.5}]),
    ):
        await publish.publish(body, NOW, scope=everywhere, posted_by="uji")
    return store


def planner(
    forecasts: Forecasts, alerts: Alerts | None = None, observations: Observations | None = None
) -> tuple[PlanTrip, Prices, Observations]:
    prices, seen = Prices(), observations or Observations()
    plan = PlanTrip(forecasts, alerts or Alerts(), seen, prices)  # type: ignore[arg-type]
    return plan, prices, seen


class TestRanking:
    async def test_grounds_in_range_nearest_first_with_their_figures(
        self, forecasts: Forecasts
    ) -> None:
        """From Muara Baru: (-5.8, 106.5) 25.87 nm at 315.05°, hand-computed in
        tests/weather_alerts/domain/test_fishing_grounds_geo.py; (-5.5, 106.6) 38.35 nm;
        (-5.9, 105.9) in the Sunda Strait 55.48 nm. Off Bali is 479 nm away: out of range."""
        plan, _, _ = planner(forecasts)
        result = await plan.plan(request(), NOW)
        ranked = [(g.forecast["_id"], g.ground.index) for g in result.grounds]
        assert ranked == [("seribu", 1), ("seribu-demersal", 0), ("seribu", 0), ("sunda", 0)]
        assert result.in_range == 4
        first = result.grounds[0]
        assert first.distance_nm == pytest.approx(25.87, abs=0.005)
        assert first.bearing_deg == pytest.approx(315.05, abs=0.02)
        assert (first.fuel.litres, first.fuel.rupiah) == (44.3, 301_570)
        assert first.zone["id"] == SERIBU
        assert [round(g.distance_nm, 2) for g in result.grounds[2:]] == [38.35, 55.48]

    async def test_the_range_and_the_limit_bound_the_answer(self, forecasts: Forecasts) -> None:
        plan, _, _ = planner(forecasts)
        near = await plan.plan(request(range_nm=30.0), NOW)
        assert [g.forecast["_id"] for g in near.grounds] == ["seribu", "seribu-demersal"]
        cut = await plan.plan(request(limit=1), NOW)
        assert (len(cut.grounds), cut.in_range) == (1, 4)

    async def test_do_not_sail_grounds_come_last_and_stay(self, forecasts: Forecasts) -> None:
        """A 2.8 m sea off Kepulauan Seribu: its three grounds are barred for a fishing boat
        and follow the farther Sunda Strait ground, nearest first among themselves."""
        observations = Observations(
            {
                SERIBU: [ReceivedObservation(sea(SERIBU, 2.8), NOW)],
                SUNDA: [ReceivedObservation(sea(SUNDA, 0.3), NOW)],
            }
        )
        plan, _, _ = planner(forecasts, observations=observations)
        result = await plan.plan(request(), NOW)
        assert [(g.forecast["_id"], g.advice.do_not_sail) for g in result.grounds] == [
            ("sunda", False),
            ("seribu", True),
            ("seribu-demersal", True),
            ("seribu", True),
        ]
        assert result.grounds[0].advice.over_window is Risk.SAFE

    async def test_the_same_sea_is_no_bar_to_a_large_ship(self, forecasts: Forecasts) -> None:
        observations = Observations({SERIBU: [ReceivedObservation(sea(SERIBU, 2.8), NOW)]})
        plan, _, _ = planner(forecasts, observations=observations)
        result = await plan.plan(request(vessel=VesselClass.LARGE_SHIP), NOW)
        seribu = [g for g in result.grounds if g.zone["id"] == SERIBU]
        assert [g.advice.do_not_sail for g in seribu] == [False, False, False]

    async def test_an_alert_in_force_bars_its_zone(self, forecasts: Forecasts) -> None:
        decision = decide(None, sea(SERIBU, 3.0), NOW)
        assert isinstance(decision, Issue)
        chain = new_chain("lumbung-uji", ZONES_BY_ID[SERIBU], decision, "uji", NOW)
        plan, _, _ = planner(forecasts, alerts=Alerts({SERIBU: chain}))
        result = await plan.plan(request(), NOW)
        assert [g.zone["id"] for g in result.grounds if g.advice.do_not_sail] == [SERIBU] * 3
        assert result.grounds[-1].advice.reasons[0].id.startswith("Peringatan gelombang tinggi 3")


class TestReads:
    async def test_each_zones_sea_is_read_once(self, forecasts: Forecasts) -> None:
        plan, _, observations = planner(forecasts)
        await plan.plan(request(), NOW)
        assert sorted(zone for zone, _, _ in observations.asked) == [SERIBU, SUNDA]

    async def test_prices_once_per_species_group_for_the_origins_regency(
        self, forecasts: Forecasts
    ) -> None:
        plan, prices, _ = planner(forecasts)
        result = await plan.plan(request(), NOW)
        assert sorted(prices.asked) == [
            (SpeciesGroup.DEMERSAL, "31.75"),
            (SpeciesGroup.PELAGIS_KECIL, "31.75"),
        ]
        by_id = {g.forecast["_id"]: g.price for g in result.grounds}
        assert by_id["sunda"] is None  # no species group: no price to show
        assert by_id["seribu"] == PriceFigure(34_000, 3, "regency")

    async def test_a_position_prices_the_nearest_landing_site(self, forecasts: Forecasts) -> None:
        plan, prices, _ = planner(forecasts)
        await plan.plan(request("-5.75,106.6"), NOW)
        assert {regency for _, regency in prices.asked} == {"31.01"}

    async def test_superseded_and_expired_forecasts_are_left_out(
        self, forecasts: Forecasts
    ) -> None:
        forecasts.docs["seribu"]["status"] = "superseded"
        plan, _, _ = planner(forecasts)
        result = await plan.plan(request(), NOW)
        assert "seribu" not in {g.forecast["_id"] for g in result.grounds}
        later = await plan.plan(request(), NOW + timedelta(days=3))
        assert later.grounds == []
