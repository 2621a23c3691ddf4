"""The observability profile for real: Prometheus scrapes every service of a running stack.

The Prometheus that `make up OBSERVABILITY=1` runs (devstack.observability, Debian's package)
is started against the session's stack, with the alert rules loaded, and must find every
service's metrics port up and answer a query over the lumbung_* families.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from devstack.observability import MissingToolError, Prometheus, prometheus_tools
from devstack.processes import free_port
from devstack.stack import SERVICE_NAMES, Stack

from tests.support.polling import eventually

RULE_NAMES = {
    "LumbungTargetDown",
    "LumbungDeadLettersGrowing",
    "LumbungConsumerLag",
    "LumbungOutboxStuck",
    "LumbungWebhookFailures",
    "LumbungUpstreamCircuitOpen",
}


@pytest.fixture(scope="module")
def prometheus(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    try:
        prometheus_tools(install=False)
    except MissingToolError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (`devstack prepare` installs it in CI)")
        pytest.skip(str(exc))
    home = tmp_path_factory.mktemp("prometheus")
    targets = {service: stack.ports.metrics_of(service) for service in SERVICE_NAMES}
    server = Prometheus(free_port(), targets, home / "data", home / "run", scrape_interval="1s")
    try:
        server.start()
        yield server
    finally:
        server.stop()


async def api(prometheus: Prometheus, path: str, **params: str) -> Any:
    async with httpx.AsyncClient(base_url=prometheus.url, timeout=10) as client:
        response = await client.get(f"/api/v1/{path}", params=params)
    response.raise_for_status()
    body = response.json()
    assert body["status"] == "success", body
    return body["data"]


class TestPrometheusProfile:
    async def test_every_service_target_is_up(self, prometheus: Prometheus) -> None:
        async def all_up() -> dict[str, str] | None:
            targets = (await api(prometheus, "targets", state="active"))["activeTargets"]
            health = {target["labels"]["job"]: target["health"] for target in targets}
            return health if health == dict.fromkeys(SERVICE_NAMES, "up") else None

        await eventually(all_up, within=60, interval=0.5)

    async def test_every_service_answers_a_lumbung_query(
        self, prometheus: Prometheus, gateway: httpx.AsyncClient
    ) -> None:
        await gateway.get("/v1/listings")  # at least one request through to listings

        async def every_service() -> set[str] | None:
            query = 'count by (job) ({__name__=~"lumbung_.+"})'
            result = await api(prometheus, "query", query=query)
            jobs = {sample["metric"]["job"] for sample in result["result"]}
            return jobs if jobs == set(SERVICE_NAMES) else None

        await eventually(every_service, within=60, interval=0.5)

    async def test_the_alert_rules_are_loaded_and_quiet(self, prometheus: Prometheus) -> None:
        groups = (await api(prometheus, "rules", type="alert"))["groups"]
        rules = {rule["name"]: rule for group in groups for rule in group["rules"]}
        assert set(rules) == RULE_NAMES
        assert all(rule["health"] != "err" for rule in rules.values()), rules
