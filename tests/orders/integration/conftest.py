"""The orders service of the session stack runs with the test settings of `stack_env`.

The session stack starts services with the defaults; when the orders entry of `SERVICE_ENV`
is not applied yet, orders is restarted once with it (short sweeps, a known callback secret).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from devstack.stack import Stack

from tests.support.stack_env import SERVICE_ENV


def run_orders_with(stack: Stack, env: dict[str, str]) -> None:
    """(Re)start the orders service with exactly `env` as its extra settings."""
    if stack.service_env.get("orders") == env and stack.process("orders").pid() is not None:
        return
    stack.stop_service("orders")
    stack.service_env["orders"] = dict(env)
    stack.start_service("orders")


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway client, with orders running on the test settings."""
    run_orders_with(stack, SERVICE_ENV["orders"])
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as client:
        yield client
