"""Fixtures of the gateway's tests: in-process gateways beside the real stack.

An in-process gateway runs `create_app()` in the test's event loop against the stack's real
FerretDB (its own database per app) and real services, with settings a test chooses: short
timeouts, loose or tight limits, an upstream pointed at a server that never answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from devstack.stack import Stack
from lumbung_gateway.main import create_app

from tests.gateway.helpers import gateway_settings


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "schemathesis: property-based run of the merged OpenAPI (minutes)"
    )


InProcess = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def inprocess_gateway(stack: Stack) -> InProcess:
    """`async with inprocess_gateway(read_timeout_seconds=0.5) as client:` a private gateway."""

    @asynccontextmanager
    async def run(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(gateway_settings(stack, **overrides))
        async with LifespanManager(app, startup_timeout=60) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://gateway.test", timeout=30
            ) as client:
                yield client

    return run
