"""Look into a service's own database in the test stack (tests may; services never do)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from devstack.stack import Stack
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase


@asynccontextmanager
async def database(stack: Stack, service: str) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """The database `service` owns (`lumbung_<service>`)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo.url, tz_aware=True)
    try:
        yield client[f"lumbung_{service}"]
    finally:
        await client.close()
