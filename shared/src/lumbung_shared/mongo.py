"""The one way services open MongoDB: an `AsyncMongoClient` with bounded timeouts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from pymongo import AsyncMongoClient, IndexModel, monitoring
from pymongo.asynchronous.collection import AsyncCollection


class MongoSettings(Protocol):
    """The connection settings a Mongo client is made from (services and the gateway)."""

    @property
    def service_name(self) -> str: ...
    @property
    def mongo_url(self) -> str: ...
    @property
    def mongo_timeout_ms(self) -> int: ...
    @property
    def mongo_max_pool_size(self) -> int: ...


Document = dict[str, Any]


def make_mongo_client(
    settings: MongoSettings, listeners: Sequence[monitoring.CommandListener] = ()
) -> AsyncMongoClient[Document]:
    """A client that fails fast when the store is away instead of hanging a request.

    Every write in Lumbung that must not race is one conditional single-document update, which
    MongoDB executes atomically. FerretDB 1.24 does not across connections: measured here, 50
    concurrent guarded decrements of a stock of 10 all "succeeded". Its commands on one
    connection run in order, so devstack runs each process with `mongo_max_pool_size=1`;
    against MongoDB the default pool applies.

    `listeners` see every command (services count theirs, see `lumbung_shared.store_metrics`).
    """
    timeout = settings.mongo_timeout_ms
    return AsyncMongoClient(
        settings.mongo_url,
        serverSelectionTimeoutMS=timeout,
        connectTimeoutMS=timeout,
        socketTimeoutMS=max(timeout * 2, 10_000),
        appname=settings.service_name,
        maxPoolSize=settings.mongo_max_pool_size,
        tz_aware=True,
        event_listeners=list(listeners),
    )


async def mongo_ready(client: AsyncMongoClient[Document]) -> str | None:
    """None when the store answers `ping`, else the reason it does not."""
    try:
        await client.admin.command("ping")
    except Exception as exc:
        return f"mongo: {type(exc).__name__}: {exc}"[:300]
    return None


async def ensure_indexes(
    collection: AsyncCollection[Document], indexes: Sequence[IndexModel]
) -> None:
    """Create indexes idempotently, one per command.

    FerretDB 1.24 panics on a multi-index `createIndexes` whose indexes all exist already (seen
    on every service restart); one index per command is accepted by it and by MongoDB alike.
    """
    for index in indexes:
        await collection.create_indexes([index])
