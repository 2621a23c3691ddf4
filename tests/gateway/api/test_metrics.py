"""Specification: the gateway's metrics are bounded, off the public port, and say what it did.

Requests are counted by route template: a proxied path by the routing table's template
(`/v1/listings/{path:path}`), never the path the caller made up, and a path nobody has as
`unmatched`. Each call to a service is counted by outcome and timed, and each service's circuit
is a 0/1 gauge read from its breaker. The public app has no `/metrics`: that is a 404 like any
path nobody has; the registry is served on the internal metrics port only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from lumbung_gateway.main import create_app
from lumbung_gateway.settings import GatewaySettings
from lumbung_shared.metrics import render
from lumbung_shared.secrets import generate_secret
from lumbung_shared.web.problems import PROBLEM_JSON
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from tests.gateway.fake_upstreams import FakeGateway, fake_gateway
from tests.support.polling import eventually

REQUESTS = "lumbung_http_requests_total"
CALLS = "lumbung_gateway_upstream_calls_total"
CIRCUIT = "lumbung_gateway_upstream_circuit_open"


def _settings() -> GatewaySettings:
    secret = generate_secret()
    return GatewaySettings(internal_secret=secret, jwt_keys=f"k1:{secret[::-1]}")


@pytest.fixture
async def public() -> AsyncIterator[tuple[httpx.AsyncClient, CollectorRegistry]]:
    """The real gateway app, not started (no store): its public port and its registry."""
    app = create_app(_settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        yield client, app.state.metrics.registry


def requests(registry: CollectorRegistry, method: str, route: str, status: str) -> float | None:
    labels = {"service": "gateway", "method": method, "route": route, "status_class": status}
    return registry.get_sample_value(REQUESTS, labels)


def calls(gateway: FakeGateway, upstream: str, outcome: str) -> float | None:
    labels = {"service": "gateway", "upstream": upstream, "outcome": outcome}
    return gateway.registry.get_sample_value(CALLS, labels)


def circuit(registry: CollectorRegistry, upstream: str) -> float | None:
    return registry.get_sample_value(CIRCUIT, {"service": "gateway", "upstream": upstream})


def series(registry: CollectorRegistry) -> int:
    return sum(
        len(family.samples) for family in registry.collect() if family.name.startswith("lumbung_")
    )


class TestThePublicPort:
    async def test_has_no_metrics(
        self, public: tuple[httpx.AsyncClient, CollectorRegistry]
    ) -> None:
        client, _ = public

        response = await client.get("/metrics")

        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"] == "https://lumbung.id/problems/not-found"

    async def test_a_thousand_unknown_paths_add_no_series(
        self, public: tuple[httpx.AsyncClient, CollectorRegistry]
    ) -> None:
        client, registry = public
        await client.get("/nowhere/0")
        before = series(registry)

        for i in range(1, 1001):
            assert (await client.get(f"/nowhere/{i}", params={"q": str(i)})).status_code == 404

        assert series(registry) == before
        assert requests(registry, "GET", "unmatched", "4xx") == 1001

    async def test_the_registry_holds_every_family_before_the_first_call(
        self, public: tuple[httpx.AsyncClient, CollectorRegistry]
    ) -> None:
        client, registry = public
        await client.get("/healthz")

        names = {f.name for f in text_string_to_metric_families(render(registry)[0].decode())}

        assert {
            "lumbung_http_requests",
            "lumbung_http_request_duration_seconds",
            "lumbung_gateway_upstream_calls",
            "lumbung_gateway_upstream_duration_seconds",
            "lumbung_gateway_upstream_circuit_open",
            "lumbung_gateway_upstream_in_flight",
            "lumbung_store_commands",
        } <= names
        assert requests(registry, "GET", "/healthz", "2xx") == 1
        assert [circuit(registry, s) for s in ("listings", "orders", "weather_alerts")] == [0] * 3
        answered = {"service": "gateway", "upstream": "orders", "outcome": "answered"}
        assert registry.get_sample_value(CALLS, answered) == 0


class TestProxiedRequests:
    async def test_are_labelled_with_the_routing_table_s_template(self) -> None:
        async with fake_gateway() as gateway:
            buyer = gateway.bearer("buyer")
            for i in range(50):
                await gateway.client.get(f"/v1/listings/listing-{i}/photos/{i}", headers=buyer)
            await gateway.client.get("/v1/listings", headers=buyer)
            await gateway.client.head("/v1/orders/o-1", headers=buyer)

        assert requests(gateway.registry, "GET", "/v1/listings/{path:path}", "2xx") == 50
        assert requests(gateway.registry, "GET", "/v1/listings", "2xx") == 1
        assert requests(gateway.registry, "HEAD", "/v1/orders/{path:path}", "2xx") == 1

    async def test_a_thousand_made_up_paths_below_a_service_add_no_series(self) -> None:
        async with fake_gateway() as gateway:
            await gateway.client.get("/v1/zones/0")
            before = series(gateway.registry)
            for i in range(1, 1001):
                await gateway.client.get(f"/v1/zones/zone-{i}/advisories/{i}")
            after = series(gateway.registry)

        assert after == before
        assert requests(gateway.registry, "GET", "/v1/zones/{path:path}", "2xx") == 1001

    async def test_each_call_is_counted_by_outcome_and_timed(self) -> None:
        def failing(request: httpx.Request) -> httpx.Response:
            return httpx.Response(502 if request.url.path.endswith("bad") else 200, json={})

        async with fake_gateway({"orders": failing}) as gateway:
            buyer = gateway.bearer("buyer")
            await gateway.client.get("/v1/orders/o-1", headers=buyer)
            await gateway.client.get("/v1/orders/bad", headers=buyer)

        assert calls(gateway, "orders", "answered") == 1
        assert calls(gateway, "orders", "failed") == 1
        assert calls(gateway, "listings", "answered") == 0
        timed = {"service": "gateway", "upstream": "orders"}
        count = "lumbung_gateway_upstream_duration_seconds_count"
        assert gateway.registry.get_sample_value(count, timed) == 2


class TestTheCircuitGauge:
    async def test_is_1_while_the_breaker_is_open_and_0_once_a_trial_closes_it(self) -> None:
        down = True

        def orders(request: httpx.Request) -> httpx.Response:
            return httpx.Response(503 if down else 200, json={})

        async with fake_gateway({"orders": orders}, breaker_cooldown=0.2) as gateway:
            buyer = gateway.bearer("buyer")
            assert circuit(gateway.registry, "orders") == 0
            for _ in range(3):  # the fake's breaker opens after three failures in a row
                await gateway.client.get("/v1/orders/o-1", headers=buyer)
            opened = circuit(gateway.registry, "orders")
            refused = await gateway.client.get("/v1/orders/o-1", headers=buyer)
            refusals = calls(gateway, "orders", "circuit_open")
            others = [circuit(gateway.registry, s) for s in ("listings", "weather_alerts")]
            down = False

            async def closed() -> bool | None:
                await gateway.client.get("/v1/orders/o-1", headers=buyer)
                return True if circuit(gateway.registry, "orders") == 0 else None

            await eventually(closed, within=5, interval=0.05)

        assert opened == 1
        assert refused.status_code == 503
        assert refusals == 1
        assert others == [0, 0]
