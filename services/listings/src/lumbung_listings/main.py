"""Wiring of the listings service: settings, repositories, consumers, routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from lumbung_shared.service import Runtime, create_service_app

from lumbung_listings.api import listings
from lumbung_listings.settings import ListingsSettings
from lumbung_listings.storage.listings import ListingRepository


async def setup(runtime: Runtime) -> Mapping[str, Any]:
    """Repositories over the listings database; the relay watches the listings collection."""
    collection = runtime.db.listings
    repository = ListingRepository(collection, runtime.relay.wake)
    await repository.ensure_indexes()
    runtime.relay.watch(collection)
    return {"listings": repository}


def create_app(settings: ListingsSettings | None = None) -> FastAPI:
    """The listings service app (uvicorn factory)."""
    return create_service_app(
        settings or ListingsSettings(),
        title="Lumbung listings",
        description="Produce and catch listings, photos, search, stock and the price board.",
        routers=[listings.router],
        setup=setup,
    )
