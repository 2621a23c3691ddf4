"""Go/no-go advice from the forecasts covering the next day, and the forecast feed poller
reading a real HTTP feed (served here on 127.0.0.1), surviving a broken feed and going stale."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from devstack.stack import Stack

from tests.support.clients import bearer
from tests.support.polling import eventually
from tests.support.stack_env import SERVICE_ENV
from tests.weather_alerts.integration.conftest import agency_headers, observation
from tests.weather_alerts.integration.http_servers import FeedServer

FEED_URL = SERVICE_ENV["weather_alerts"]["WEATHER_ALERTS_FORECAST_FEED_URL"]


async def advice(
    gateway: httpx.AsyncClient, regency: str, vessel: str = "fishing_boat"
) -> dict[str, Any]:
    response = await gateway.get("/v1/advisories", params={"regency": regency, "vessel": vessel})
    assert response.status_code == 200, response.text
    return dict(response.json())


class TestAdvisories:
    async def test_no_forecast_is_caution_rough_is_danger_calm_later_is_safe(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        regency = zone["regency_codes"][0]
        assert (await advice(gateway, regency))["level"] == "caution"

        agency = agency_headers(stack)
        await gateway.post("/v1/observations", json=observation(zone["id"], 2.8), headers=agency)
        rough = await advice(gateway, regency)
        assert rough["level"] == "danger"
        (zone_advice,) = rough["zones"]
        assert zone_advice["category"] == "tinggi"
        assert zone_advice["reason"]["id"].startswith("Berbahaya untuk perahu nelayan")
        assert "fishing boat" in zone_advice["reason"]["en"]
        assert (await advice(gateway, regency, "large_ship"))["level"] == "safe"
        assert (await advice(gateway, regency, "ferry"))["level"] == "danger"

        calm = observation(zone["id"], 0.3, wind_speed_knots=4)
        await gateway.post("/v1/observations", json=calm, headers=agency)
        assert (await advice(gateway, regency))["level"] == "safe"

    async def test_unknown_vessel_and_bad_regency_are_refused(
        self, gateway: httpx.AsyncClient
    ) -> None:
        bad_vessel = await gateway.get(
            "/v1/advisories", params={"regency": "31.01", "vessel": "submarine"}
        )
        assert bad_vessel.status_code == 422
        bad_regency = await gateway.get("/v1/advisories", params={"regency": "Jakarta"})
        assert bad_regency.status_code == 422


def feed(issued_at: datetime, *forecasts: dict[str, Any]) -> bytes:
    return json.dumps(
        {"source": "BMKG uji", "issued_at": issued_at.isoformat(), "forecasts": list(forecasts)}
    ).encode()


def forecast(zone_id: str, height: float, wind: float = 8.0) -> dict[str, Any]:
    body = observation(zone_id, height, wind_speed_knots=wind)
    body.pop("source")
    return body


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer(port=urlsplit(FEED_URL).port or 0)
    await server.start()
    yield server
    await server.stop()


async def source_state(stack: Stack, gateway: httpx.AsyncClient) -> dict[str, Any]:
    response = await gateway.get("/v1/observations/sources", headers=agency_headers(stack))
    assert response.status_code == 200, response.text
    (state,) = [s for s in response.json() if s["url"] == FEED_URL]
    return dict(state)


class TestForecastPoller:
    async def test_feed_is_applied_survives_a_broken_feed_and_goes_stale(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any, feed_server: FeedServer
    ) -> None:
        zone = await make_zone()
        first_issue = datetime.now(UTC)
        feed_server.content = feed(
            first_issue, forecast(zone["id"], 2.9), forecast("laut-yang-tidak-ada", 3.0)
        )

        async def alert_status() -> str | None:
            page = (await gateway.get("/v1/alerts", params={"zone": zone["id"]})).json()
            return page["items"][0]["status"] if page["items"] else None

        assert await eventually(alert_status, within=20) == "active"
        state = await source_state(stack, gateway)
        assert state["status"] == "fresh"
        assert (state["accepted"], state["skipped"]) == (1, 1)

        feed_server.content = b'{"source": "BMKG uji", "forecasts": [ broken'
        requests_before = len(feed_server.received)

        async def broken_seen() -> dict[str, Any] | None:
            state = await source_state(stack, gateway)
            return state if state["last_error"] and state["consecutive_failures"] >= 2 else None

        broken = await eventually(broken_seen, within=20)
        assert broken["last_error"].startswith("malformed feed")

        feed_server.content = feed(first_issue + timedelta(hours=6), forecast(zone["id"], 0.2, 2))

        async def cancelled() -> str | None:
            status = await alert_status()
            return status if status == "cancelled" else None

        assert await eventually(cancelled, within=20) == "cancelled"
        assert len(feed_server.received) > requests_before + 2

        async def stale() -> dict[str, Any] | None:
            state = await source_state(stack, gateway)
            return state if state["status"] == "stale" else None

        assert (await eventually(stale, within=20))["last_error"] is None

        feed_server.content = feed(first_issue + timedelta(hours=12), forecast(zone["id"], 0.2, 2))

        async def fresh_again() -> dict[str, Any] | None:
            state = await source_state(stack, gateway)
            return state if state["status"] == "fresh" else None

        await eventually(fresh_again, within=20)

    async def test_only_agencies_and_admins_see_feed_health(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/v1/observations/sources", headers=bearer(stack, "fisher"))
        assert response.status_code == 403
