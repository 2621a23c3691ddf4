"""Specification: `/readyz` answers 200 while a service is down, naming it; only the gateway's
own store makes it 503 (issue 12 #7: one service down must not take the API down)."""

from __future__ import annotations

import httpx

from tests.gateway.fake_upstreams import fake_gateway, refuse_connection


def _unready(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"status": "not ready"})


async def _store_down() -> str | None:
    return "ServerSelectionTimeoutError"


class TestReadinessRoute:
    async def test_ready_with_every_service_up(self) -> None:
        async with fake_gateway() as gateway:
            response = await gateway.client.get("/readyz")

        assert response.status_code == 200
        assert response.json() == {
            "status": "ready",
            "checks": ["mongo"],
            "upstreams": {"listings": "up", "orders": "up", "weather_alerts": "up"},
        }

    async def test_still_ready_when_services_are_stopped_or_unready(self) -> None:
        handlers = {"weather_alerts": refuse_connection, "listings": _unready}
        async with fake_gateway(handlers) as gateway:
            response = await gateway.client.get("/readyz")
            probed = [r.url.path for r in gateway.services["listings"].received]

        assert response.status_code == 200
        assert response.json()["upstreams"] == {
            "listings": "down",
            "orders": "up",
            "weather_alerts": "down",
        }
        assert probed == ["/readyz"]  # a service's own readiness is what counts as up

    async def test_unready_only_when_its_own_store_fails(self) -> None:
        async with fake_gateway(store_check=_store_down) as gateway:
            response = await gateway.client.get("/readyz")

        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["reasons"] == {"mongo": "ServerSelectionTimeoutError"}
        assert body["upstreams"]["orders"] == "up"
