"""Specification: one OpenAPI document and docs page for the whole API; health and metrics.

The metrics are read on the gateway's internal metrics port, never on the public one.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from devstack.stack import Stack
from prometheus_client.parser import text_string_to_metric_families

from tests.support.clients import bearer


@pytest.fixture
async def document(gateway: httpx.AsyncClient) -> dict[str, Any]:
    response = await gateway.get("/openapi.json")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


class TestOpenApi:
    async def test_covers_the_gateway_and_every_service(self, document: dict[str, Any]) -> None:
        paths = document["paths"]
        assert "/v1/auth/login" in paths
        assert "/v1/admin/api-keys" in paths
        assert "/v1/listings" in paths
        assert "/v1/orders/listing-snapshots/{listing_id}" in paths
        assert "x-unavailable-services" not in document
        assert not any(p in paths for p in ("/v1/{path}", "/openapi.json"))

    async def test_declares_both_security_schemes(self, document: dict[str, Any]) -> None:
        schemes = document["components"]["securitySchemes"]
        assert schemes["bearerAuth"]["scheme"] == "bearer"
        assert schemes["bearerAuth"]["bearerFormat"] == "JWT"
        assert schemes["apiKeyAuth"]["name"] == "X-API-Key"
        assert document["paths"]["/v1/auth/me"]["get"]["security"] == [
            {"bearerAuth": []},
            {"apiKeyAuth": []},
        ]

    async def test_every_reference_resolves(self, document: dict[str, Any]) -> None:
        for ref in _refs(document):
            section, name = re.fullmatch(r"#/components/(\w+)/(.+)", ref).groups()  # type: ignore[union-attr]
            assert name in document["components"][section], ref

    async def test_errors_are_documented_as_problems(self, document: dict[str, Any]) -> None:
        operation = document["paths"]["/v1/listings"]["post"]
        for status in ("401", "422", "429", "503"):
            content = operation["responses"][status]["content"]
            assert list(content) == ["application/problem+json"]

    async def test_links_event_documentation(
        self, document: dict[str, Any], gateway: httpx.AsyncClient
    ) -> None:
        assert document["x-asyncapi"]["listings"] == "/v1/asyncapi/listings"
        index = await gateway.get("/v1/asyncapi")
        assert index.json()["orders"] == "/v1/asyncapi/orders"
        one = await gateway.get("/v1/asyncapi/listings")
        assert one.status_code == 200  # every service publishes its AsyncAPI document
        assert one.json()["asyncapi"].startswith("3.")
        assert (await gateway.get("/v1/asyncapi/nope")).status_code == 404

    async def test_docs_page(self, gateway: httpx.AsyncClient) -> None:
        page = await gateway.get("/docs")
        assert page.status_code == 200
        assert 'id="swagger-ui"' in page.text  # offline: see test_docs_offline


class TestHealth:
    async def test_live_and_ready_with_its_store(self, gateway: httpx.AsyncClient) -> None:
        assert (await gateway.get("/healthz")).json() == {"status": "ok"}
        ready = await gateway.get("/readyz")
        assert ready.status_code == 200
        # Issue 12 #7: readiness checks the gateway's own store; the services are only reported.
        assert ready.json()["checks"] == ["mongo"]
        assert ready.json()["upstreams"] == {
            "listings": "up",
            "orders": "up",
            "weather_alerts": "up",
        }

    async def test_metrics_count_requests_per_route_and_calls_per_service(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        """Read on the internal metrics port: the public port has no `/metrics`."""
        await gateway.get("/v1/listings/0123456789abcdef0123", headers=bearer(stack, "buyer"))
        await gateway.post("/v1/auth/login", json={"phone": "1", "password": "x"})

        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(stack.metrics_url("gateway"))).text
        samples = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

        def value(name: str, **labels: str) -> float:
            return samples.get((name, frozenset({"service": "gateway", **labels}.items())), 0)

        listing = {"method": "GET", "route": "/v1/listings/{path:path}"}
        assert value("lumbung_http_requests_total", **listing, status_class="4xx") >= 1
        assert value("lumbung_http_request_duration_seconds_bucket", **listing, le="+Inf") >= 1
        login = {"method": "POST", "route": "/v1/auth/login", "status_class": "4xx"}
        assert value("lumbung_http_requests_total", **login) >= 1
        answered = {"upstream": "listings", "outcome": "answered"}
        assert value("lumbung_gateway_upstream_calls_total", **answered) >= 1
