"""The listings service of the session stack runs with the test settings of `stack_env`.

The session stack starts services with the defaults; when the listings entry of `SERVICE_ENV`
is not applied yet (or another test restarted listings with other settings), listings is
restarted once with it (a one-second sea-alert expiry sweep).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from devstack.stack import Stack

from tests.support.stack_env import SERVICE_ENV


def run_listings_with(stack: Stack, env: dict[str, str]) -> None:
    """(Re)start the listings service with exactly `env` as its extra settings."""
    if stack.service_env.get("listings") == env and stack.process("listings").pid() is not None:
        return
    stack.stop_service("listings")
    stack.service_env["listings"] = dict(env)
    stack.start_service("listings")


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway client, with listings running on the test settings."""
    run_listings_with(stack, SERVICE_ENV["listings"])
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as client:
        yield client
