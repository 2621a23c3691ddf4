"""Fishing grounds on the real stack, through the gateway: forecasts posted by an agency and
polled from a ZPPI feed (served here on 127.0.0.1) appear in the trip planner ranked by
great-circle distance with hand-computed figures; a 2.8 m sea makes a ground *do not sail* for
a fishing boat (sorted last, never dropped) but not for a large ship; the
`fishing_ground.forecast_published` event reaches Kafka; the alert stream pushes both.

Each test draws its own zones in open ocean south of Sumatra and Java (no seeded zone lies
there), far enough apart that one test's grounds never fall in another's range.

Hand computation (sphere of R = 3440.07 nm, so 1° of a great circle is R·π/180 = 60.0405 nm):

- due south along a meridian the distance is the latitude difference in degrees * 60.0405:
  0.25° = 15.01 nm, 0.4° = 24.02 nm, 0.2° = 12.01 nm, 0.5° = 30.02 nm; the bearing is 180°;
- (-11.0, 95.0) to (-11.5, 95.5): Δφ = -0.5° = -0.0087266 rad, Δλ = +0.5° = 0.0087266 rad,
  φm = -11.25°, cos φm = 0.980785, x = Δλ·cos φm = 0.0085589 rad;
  d = 3440.07 * √(0.0085589² + 0.0087266²) = 3440.07 * 0.0122233 = 42.05 nm;
  θ = atan2(0.0085589, -0.0087266) = 135.56° on the plane, 135.60° on the great circle
  (the meridians converge towards the pole).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.support.clients import bearer
from tests.support.kafka import tap
from tests.support.polling import eventually
from tests.support.stack_env import SERVICE_ENV
from tests.weather_alerts.integration.conftest import agency_headers, observation, unique_regency
from tests.weather_alerts.integration.http_servers import FeedServer
from tests.weather_alerts.integration.test_feeds import read_stream

FEED_URL = SERVICE_ENV["weather_alerts"]["WEATHER_ALERTS_FISHING_GROUND_FEED_URL"]
NM_PER_DEGREE = 60.0405


async def zone(
    stack: Stack, gateway: httpx.AsyncClient, box: tuple[float, float, float, float]
) -> dict[str, Any]:
    """A fresh zone (admin) with the (south, west, north, east) box and a regency of its own."""
    south, west, north, east = box
    zone_id = f"uji-ikan-{uuid4().hex[:8]}"
    body = {
        "id": zone_id,
        "name_id": f"Perairan uji {zone_id}",
        "name_en": f"Test waters {zone_id}",
        "bbox": {"south": south, "west": west, "north": north, "east": east},
        "regency_codes": [unique_regency()],
    }
    response = await gateway.post("/v1/zones", json=body, headers=bearer(stack, "admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def forecast(*points: tuple[float, float], **changes: Any) -> dict[str, Any]:
    """A forecast valid from an hour ago for a day, for any fish, with point grounds."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "id": f"zppi-uji-{uuid4().hex[:10]}",
        "source": "BRIN/KKP ZPPI uji",
        "issued_at": (now - timedelta(hours=1)).isoformat(),
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_until": (now + timedelta(hours=24)).isoformat(),
        "confidence": "high",
        "grounds": [{"kind": "point", "lat": lat, "lon": lon} for lat, lon in points],
    }
    body.update(changes)
    return body


async def plan(
    stack: Stack, gateway: httpx.AsyncClient, origin: str, vessel: str = "fishing_boat"
) -> dict[str, Any]:
    response = await gateway.get(
        "/v1/fishing-grounds",
        params={"from": origin, "vessel": vessel, "range_nm": 60},
        headers=bearer(stack, "fisher"),
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def mine(planned: dict[str, Any], *forecast_ids: str) -> list[dict[str, Any]]:
    """The plan's grounds of these forecasts, in the plan's order."""
    return [g for g in planned["grounds"] if g["forecast_id"] in forecast_ids]


@pytest.fixture
async def zppi_feed() -> AsyncIterator[FeedServer]:
    server = FeedServer(port=urlsplit(FEED_URL).port or 0)
    await server.start()
    yield server
    await server.stop()


class TestPostedAndPolledForecasts:
    async def test_appear_in_the_planner_ranked_by_great_circle_distance(
        self, stack: Stack, gateway: httpx.AsyncClient, zppi_feed: FeedServer
    ) -> None:
        await zone(stack, gateway, (-12.0, 94.5, -10.5, 96.5))
        posted = forecast((-11.5, 95.5), (-11.25, 95.0))
        polled = forecast((-11.4, 95.0))
        async with tap(stack, Topic.FISHING_GROUND_EVENTS) as events:
            created = await gateway.post(
                "/v1/fishing-grounds/forecasts", json=posted, headers=agency_headers(stack)
            )
            assert created.status_code == 201, created.text
            zppi_feed.content = json.dumps(
                {
                    "source": "BRIN/KKP ZPPI uji",
                    "issued_at": datetime.now(UTC).isoformat(),
                    "forecasts": [polled, {"id": "rusak"}],
                }
            ).encode()
            published = await events.wait_for(
                lambda e: getattr(e.payload, "forecast_id", None) == posted["id"], within=30
            )
            await events.wait_for(
                lambda e: getattr(e.payload, "forecast_id", None) == polled["id"], within=30
            )
        assert published.type == "fishing_ground.forecast_published"
        assert published.payload.ground_count == 2
        assert published.payload.zone_ids == [created.json()["zones"][0]["id"]]

        async def both_planned() -> list[dict[str, Any]] | None:
            grounds = mine(await plan(stack, gateway, "-11.0,95.0"), posted["id"], polled["id"])
            return grounds if len(grounds) == 3 else None

        grounds = await eventually(both_planned, within=20)
        assert [(g["forecast_id"], g["ground_index"]) for g in grounds] == [
            (posted["id"], 1),
            (polled["id"], 0),
            (posted["id"], 0),
        ]
        distances = [g["distance_nm"] for g in grounds]
        assert distances == pytest.approx(
            [0.25 * NM_PER_DEGREE, 0.4 * NM_PER_DEGREE, 42.05], abs=0.01
        )
        assert [g["bearing_deg"] for g in grounds] == pytest.approx([180.0, 180.0, 135.6], abs=0.05)
        assert [g["price"] for g in grounds] == [None, None, None]  # no species group given
        # 15.01 nm each way at 7 kn burning 6 l/h: 2 * 15.0101 / 7 * 6 = 25.73 l, * 6,800
        assert grounds[0]["fuel"] == {"litres": 25.7, "rupiah": 174_975}

        sources = await gateway.get("/v1/fishing-grounds/sources", headers=agency_headers(stack))
        (state,) = [s for s in sources.json() if s["url"] == FEED_URL]
        assert (state["status"], state["accepted"], state["skipped"]) == ("fresh", 1, 1)

    async def test_a_repeat_is_200_and_other_content_under_the_id_is_409(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        await zone(stack, gateway, (-12.0, 97.5, -10.5, 98.5))
        body = forecast((-11.2, 98.0))
        agency = agency_headers(stack)
        first = await gateway.post("/v1/fishing-grounds/forecasts", json=body, headers=agency)
        again = await gateway.post("/v1/fishing-grounds/forecasts", json=body, headers=agency)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        changed = {**body, "confidence": "low"}
        conflict = await gateway.post("/v1/fishing-grounds/forecasts", json=changed, headers=agency)
        assert conflict.status_code == 409

    async def test_a_ground_in_no_zone_is_refused_and_an_agency_elsewhere_is_403(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        lost = forecast((-40.0, 60.0))
        refused = await gateway.post(
            "/v1/fishing-grounds/forecasts", json=lost, headers=agency_headers(stack)
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "grounds[0]"
        await zone(stack, gateway, (-12.0, 99.0, -10.5, 99.8))
        elsewhere = agency_headers(stack, regions=("63.08",))
        barred = await gateway.post(
            "/v1/fishing-grounds/forecasts", json=forecast((-11.2, 99.5)), headers=elsewhere
        )
        assert barred.status_code == 403


class TestDoNotSail:
    async def test_a_rough_sea_bars_a_fishing_boat_but_not_a_large_ship(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        rough = await zone(stack, gateway, (-11.3, 100.5, -10.5, 101.5))
        calm = await zone(stack, gateway, (-12.0, 100.5, -11.35, 101.5))
        agency = agency_headers(stack)
        near, far = (-11.2, 101.0), (-11.5, 101.0)
        body = forecast(near, far)
        created = await gateway.post("/v1/fishing-grounds/forecasts", json=body, headers=agency)
        assert created.status_code == 201, created.text
        assert [g["zone_id"] for g in created.json()["grounds"]] == [rough["id"], calm["id"]]
        await gateway.post(
            "/v1/observations",
            json=observation(calm["id"], 0.3, wind_speed_knots=4),
            headers=agency,
        )
        storm = await gateway.post(
            "/v1/observations", json=observation(rough["id"], 2.8), headers=agency
        )
        assert storm.json()["outcome"] == "issued"

        boat = mine(await plan(stack, gateway, "-11.0,101.0"), body["id"])
        assert [(g["zone"]["id"], g["do_not_sail"]) for g in boat] == [
            (calm["id"], False),
            (rough["id"], True),
        ]
        assert [g["distance_nm"] for g in boat] == pytest.approx(
            [0.5 * NM_PER_DEGREE, 0.2 * NM_PER_DEGREE], abs=0.01
        )
        barred = boat[1]["advice"]
        assert (barred["now"], barred["over_window"]) == ("danger", "danger")
        assert any(
            r.startswith("Peringatan gelombang tinggi 2.8 m berlaku hingga")
            for r in barred["reasons_id"]
        )
        assert any(r.startswith("High-wave warning of 2.8 m (rough)") for r in barred["reasons_en"])
        assert boat[0]["advice"]["over_window"] == "safe"

        ship = mine(await plan(stack, gateway, "-11.0,101.0", "large_ship"), body["id"])
        assert [(g["zone"]["id"], g["do_not_sail"]) for g in ship] == [
            (rough["id"], False),
            (calm["id"], False),
        ]
        assert ship[0]["advice"]["over_window"] == "safe"


class TestPush:
    async def test_the_alert_stream_sends_new_forecasts_and_do_not_sail(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        waters = await zone(stack, gateway, (-12.0, 103.5, -10.5, 104.5))
        regency = waters["regency_codes"][0]
        connected = asyncio.Event()
        listener = asyncio.create_task(read_stream(gateway, regency, 3, connected=connected))
        await asyncio.wait_for(connected.wait(), timeout=10)
        agency = agency_headers(stack)
        body = forecast((-11.2, 104.0), (-11.3, 104.1))
        created = await gateway.post("/v1/fishing-grounds/forecasts", json=body, headers=agency)
        assert created.status_code == 201, created.text
        await gateway.post("/v1/observations", json=observation(waters["id"], 2.8), headers=agency)
        received, _ = await asyncio.wait_for(listener, timeout=25)
        assert [name for _, name, _ in received] == [
            "fishing_ground.forecast_published",
            "sea_alert.issued",
            "fishing_ground.do_not_sail",
        ]
        assert received[0][2]["id"] == body["id"]
        do_not_sail = received[2][2]
        assert do_not_sail["zone_id"] == waters["id"]
        assert do_not_sail["alert_id"] == received[1][2]["id"]
        assert do_not_sail["vessels"] == ["fishing_boat", "barge", "ferry"]
        assert do_not_sail["grounds"] == [{"forecast_id": body["id"], "ground_indexes": [0, 1]}]
        assert received[2][0] == received[1][0]  # the same change: the same `id:`
