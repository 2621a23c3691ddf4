"""Specification: on the real stack every process serves its registry on its own metrics port.

The gateway's public port has no `/metrics` (a 404 problem+json like any path nobody has); its
metrics port counts the requests it answered by route template, never by path. Each backend's
metrics port counts its HTTP requests the same way. Health routes are counted like any other:
the probes' steady rate costs two series per process, and a `/readyz` answering 5xx is worth a
graph; dashboards filter them out by route when they want only the API.
"""

from __future__ import annotations

import httpx
import pytest
from devstack.stack import Stack
from prometheus_client.parser import text_string_to_metric_families

from tests.support.clients import bearer

BACKENDS = ("listings", "orders", "weather_alerts")
REQUESTS = "lumbung_http_requests_total"


async def requests_by_labels(stack: Stack, service: str) -> dict[tuple[str, str, str], float]:
    """(method, route, status_class) → requests the process has answered, from its port."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(stack.metrics_url(service))
    assert response.status_code == 200
    counts: dict[tuple[str, str, str], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == REQUESTS:
                assert sample.labels["service"] == service
                labels = sample.labels
                counts[(labels["method"], labels["route"], labels["status_class"])] = sample.value
    return counts


class TestTheGateway:
    async def test_the_public_port_has_no_metrics(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/metrics")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    async def test_the_metrics_port_counts_requests_by_route_template(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        buyer = bearer(stack, "buyer")
        for listing_id in ("0123456789abcdef0123", "fedcba98765432100123"):
            await gateway.get(f"/v1/listings/{listing_id}", headers=buyer)
        await gateway.get("/healthz")

        counts = await requests_by_labels(stack, "gateway")

        assert counts[("GET", "/v1/listings/{path:path}", "4xx")] >= 2
        assert counts[("GET", "/healthz", "2xx")] >= 1
        assert not any("0123456789abcdef0123" in route for _, route, _ in counts)


class TestTheBackends:
    @pytest.mark.parametrize("service", BACKENDS)
    async def test_each_counts_its_requests_by_route_template(
        self, stack: Stack, service: str
    ) -> None:
        async with httpx.AsyncClient(base_url=stack.url(service), timeout=10) as client:
            assert (await client.get("/readyz")).status_code == 200

        counts = await requests_by_labels(stack, service)

        assert counts[("GET", "/readyz", "2xx")] >= 1

    async def test_a_proxied_request_counts_under_the_service_s_own_template(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        await gateway.get("/v1/listings/0123456789abcdef0123", headers=bearer(stack, "buyer"))

        counts = await requests_by_labels(stack, "listings")

        assert counts[("GET", "/v1/listings/{listing_id}", "4xx")] >= 1
