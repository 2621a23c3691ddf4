"""Fixtures: a private, real stack (Kafka + FerretDB + Jaeger + services) per test session.

Started on free ports in a temporary folder, so the suite needs nothing started by hand and
never touches a developer's `make up` stack. Only the integration tests ask for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from devstack.stack import Ports, Stack

from tests.support.stack_env import SERVICE_ENV


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/integration or tests/*/integration is an integration test."""
    for item in items:
        if "integration" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Kafka, FerretDB and all four services, up and ready."""
    home = tmp_path_factory.mktemp("stack")
    running = Stack(
        data_dir=home / "data",
        run_dir=home / "run",
        ports=Ports.free(),
        partitions=2,
        service_env={name: dict(env) for name, env in SERVICE_ENV.items()},
        # Jaeger too: tests/integration/test_order_trace.py finds one order's trace in it.
        tracing=True,
    )
    try:
        running.up()
        yield running
    finally:
        running.down()


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client pointed at the stack's gateway."""
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as client:
        yield client
