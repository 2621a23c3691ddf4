"""A service process's registry: its collectors, its text form, and the metrics port."""

from __future__ import annotations

import httpx
import pytest
from lumbung_shared.metrics import ServiceMetrics, new_registry, render, serving_metrics
from prometheus_client import Counter
from prometheus_client.parser import text_string_to_metric_families


def family_names(text: str) -> set[str]:
    return {family.name for family in text_string_to_metric_families(text)}


class TestServiceMetrics:
    def test_the_registry_holds_the_store_counts_and_the_process_collectors(self) -> None:
        metrics = ServiceMetrics.for_service("orders")
        names = family_names(render(metrics.registry)[0].decode())
        assert {
            "lumbung_store_commands",
            "process_cpu_seconds",
            "python_gc_objects_collected",
        } <= names

    def test_two_apps_in_one_process_keep_their_own_families(self) -> None:
        first, second = ServiceMetrics.for_service("orders"), ServiceMetrics.for_service("orders")
        Counter("lumbung_only_first", "x", registry=first.registry).inc()
        assert "lumbung_only_first" not in family_names(render(second.registry)[0].decode())


class TestServingMetrics:
    async def test_the_metrics_port_serves_the_registry_until_the_block_ends(self) -> None:
        registry = new_registry()
        Counter("lumbung_probe", "a probe", registry=registry).inc(3)
        async with serving_metrics(registry, "127.0.0.1", 0) as port:
            assert port is not None
            async with httpx.AsyncClient() as client:
                response = await client.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert response.status_code == 200
        assert "lumbung_probe_total 3.0" in response.text
        with pytest.raises(httpx.ConnectError):
            async with httpx.AsyncClient() as client:
                await client.get(f"http://127.0.0.1:{port}/metrics", timeout=5)

    async def test_no_port_serves_nothing(self) -> None:
        async with serving_metrics(new_registry(), "127.0.0.1", None) as port:
            assert port is None
