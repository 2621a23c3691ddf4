"""Wiring of the orders service: settings, repositories, consumers, routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from lumbung_shared.events import Topic
from lumbung_shared.service import Runtime, create_service_app

from lumbung_orders.api import listing_snapshots
from lumbung_orders.messaging.listings import listing_handlers
from lumbung_orders.settings import OrdersSettings
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository


async def setup(runtime: Runtime) -> Mapping[str, Any]:
    """The listing read model and the consumer that feeds it."""
    snapshots = ListingSnapshotRepository(runtime.db.listing_snapshots)
    runtime.consume("listing-snapshots", [Topic.LISTING_EVENTS], listing_handlers(snapshots))
    return {"listing_snapshots": snapshots}


def create_app(settings: OrdersSettings | None = None) -> FastAPI:
    """The orders service app (uvicorn factory)."""
    return create_service_app(
        settings or OrdersSettings(),
        title="Lumbung orders",
        description="Orders, the stock-reservation saga, order lifecycle and payments.",
        routers=[listing_snapshots.router],
        setup=setup,
    )
