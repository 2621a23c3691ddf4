"""Every backend service counts its store commands on its metrics port, marking FerretDB scans."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from devstack.stack import Stack
from prometheus_client.parser import text_string_to_metric_families

from tests.orders.integration.flows import SHALLOTS as LISTING
from tests.support.clients import bearer

BACKENDS = ("listings", "orders", "weather_alerts")


async def store_commands(stack: Stack, service: str) -> Counter[tuple[str, str, str]]:
    """(collection, command, scan) → commands the service has sent so far."""
    async with httpx.AsyncClient() as client:
        response = await client.get(stack.metrics_url(service))
    assert response.status_code == 200
    counts: Counter[tuple[str, str, str]] = Counter()
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == "lumbung_store_commands_total":
                assert sample.labels["service"] == service
                labels = sample.labels
                counts[(labels["collection"], labels["command"], labels["scan"])] += int(
                    sample.value
                )
    return counts


class TestMetricsEndpoint:
    @pytest.mark.parametrize("service", BACKENDS)
    async def test_each_backend_serves_its_store_counts_as_prometheus_text(
        self, stack: Stack, service: str
    ) -> None:
        async with httpx.AsyncClient() as client:
            response = await client.get(stack.metrics_url(service))
        assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
        counts = await store_commands(stack, service)
        assert counts[("", "ping", "false")] >= 1  # start-up and readiness checks ping
        timed = {
            sample.labels["command"]: sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples
            if sample.name == "lumbung_store_command_seconds_total"
        }
        assert timed["ping"] > 0


class TestStoreCommandsAreCounted:
    async def test_a_new_listing_is_one_insert_that_does_not_scan(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        before = await store_commands(stack, "listings")
        created = await gateway.post("/v1/listings", json=LISTING, headers=bearer(stack, "farmer"))
        assert created.status_code == 201, created.text
        after = await store_commands(stack, "listings")
        assert after[("listings", "insert", "false")] - before[("listings", "insert", "false")] == 1

    async def test_a_search_by_commodity_is_counted_as_a_scan(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        before = await store_commands(stack, "listings")
        found = await gateway.get(
            "/v1/listings", params={"commodity": "bawang-merah"}, headers=bearer(stack, "buyer")
        )
        assert found.status_code == 200, found.text
        after = await store_commands(stack, "listings")
        assert after[("listings", "find", "true")] > before[("listings", "find", "true")]
