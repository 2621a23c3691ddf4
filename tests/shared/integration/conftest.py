"""The relay tests' store: a fresh database per test on the session stack's FerretDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest
from devstack.stack import Stack
from pymongo import AsyncMongoClient

from tests.shared.integration.relay_doubles import Collection


@pytest.fixture
async def collection(stack: Stack) -> AsyncIterator[Collection]:
    """An aggregate collection in a database of its own, so its `outbox_leases` is too.

    One connection, as services run on FerretDB (atomic per connection only; see
    lumbung_shared.mongo). On MongoDB the leases hold with any pool size.
    """
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.mongo.url, tz_aware=True, maxPoolSize=1
    )
    name = f"outbox_tests_{uuid4().hex[:8]}"
    try:
        yield client[name]["reservations"]
    finally:
        await client.drop_database(name)
        await client.close()
