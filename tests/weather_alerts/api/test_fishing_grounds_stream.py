"""The alert stream's fishing-ground frames: a new forecast for the regency, and after an alert
change in a zone with grounds in force, which vessel classes may no longer sail there."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from lumbung_shared.clock import utc_now
from lumbung_weather_alerts.api.stream_grounds import do_not_sail_change, forecast_changes
from lumbung_weather_alerts.domain.alert_chain import new_chain
from lumbung_weather_alerts.domain.lifecycle import Issue, decide
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.zones import SEED_ZONES, ZONES_BY_ID
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts

from tests.weather_alerts.usecases.fishing_fakes import Forecasts, Zones, forecast_body

NOW = utc_now()
SERIBU = ZONES_BY_ID["perairan-kepulauan-seribu"]


def data_of(frame: bytes) -> tuple[str, str, dict[str, Any]]:
    """`id:`, `event:` and the JSON `data:` of one SSE frame."""
    lines = dict(line.split(": ", 1) for line in frame.decode().strip().splitlines())
    return lines["id"], lines["event"], json.loads(lines["data"])


def storm_alert() -> dict[str, Any]:
    observation = Observation(
        zone_id=SERIBU.id,
        valid_from=NOW - timedelta(hours=1),
        valid_to=NOW + timedelta(hours=12),
        significant_wave_m=2.8,
        max_wave_m=3.5,
        wind_speed_knots=8,
        wind_direction_deg=90,
        source="uji",
    )
    decision = decide(None, observation, NOW)
    assert isinstance(decision, Issue)
    return new_chain("lumbung-uji", SERIBU, decision, "uji", NOW)


async def reader_with_grounds() -> ReadForecasts:
    store = Forecasts()
    body = forecast_body(
        NOW,
        grounds=[
            {"kind": "point", "lat": -5.8, "lon": 106.5},  # Kepulauan Seribu
            {"kind": "point", "lat": -8.45, "lon": 114.5},  # Selat Bali
            {"kind": "point", "lat": -5.5, "lon": 106.6},  # Kepulauan Seribu
        ],
    )
    publish = PublishForecast(Zones(SEED_ZONES), store)  # type: ignore[arg-type]
    await publish.publish(body, NOW, scope=RegionScope.everywhere(), posted_by="uji")
    return ReadForecasts(store)  # type: ignore[arg-type]


class TestForecastFrames:
    async def test_a_forecast_received_is_sent_to_its_regencies_only(self) -> None:
        reader = await reader_with_grounds()
        (change,) = await forecast_changes(reader, NOW - timedelta(seconds=1), "31.01")
        event_id, name, data = data_of(change[2])
        assert (name, data["id"]) == ("fishing_ground.forecast_published", "zppi-uji-1")
        assert int(event_id) == int(NOW.timestamp() * 1000)
        assert await forecast_changes(reader, NOW - timedelta(seconds=1), "63.08") == []


class TestDoNotSailFrames:
    async def test_an_alert_names_the_barred_classes_and_the_grounds_in_its_zone(self) -> None:
        reader, alert = await reader_with_grounds(), storm_alert()
        risks = alert["messages"][-1]["risks"]
        change = await do_not_sail_change(reader, alert, NOW, "lumbung-uji-1", risks)
        assert change is not None
        moment, key, frame = change
        assert (moment, key) == (NOW, "lumbung-uji-1:do-not-sail")
        _, name, data = data_of(frame)
        assert name == "fishing_ground.do_not_sail"
        assert data == {
            "zone_id": SERIBU.id,
            "alert_id": "lumbung-uji",
            "vessels": ["fishing_boat", "barge", "ferry"],
            "grounds": [{"forecast_id": "zppi-uji-1", "ground_indexes": [0, 2]}],
        }

    async def test_an_ended_alert_lifts_every_class(self) -> None:
        reader, alert = await reader_with_grounds(), storm_alert()
        change = await do_not_sail_change(reader, alert, NOW, "lumbung-uji:expired", None)
        assert change is not None
        assert data_of(change[2])[2]["vessels"] == []

    async def test_no_frame_where_no_ground_is_in_force(self) -> None:
        empty = ReadForecasts(Forecasts())  # type: ignore[arg-type]
        alert = storm_alert()
        risks = alert["messages"][-1]["risks"]
        assert await do_not_sail_change(empty, alert, NOW, "lumbung-uji-1", risks) is None
