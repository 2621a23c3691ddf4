"""Wiring of the listings service: settings, repositories, consumers, routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from lumbung_shared.events import Topic
from lumbung_shared.service import Runtime, create_service_app
from lumbung_shared.settings import load_settings

from lumbung_listings.api import listings, photos, prices, search
from lumbung_listings.messaging.orders import order_handlers
from lumbung_listings.messaging.sea_alerts import sea_alert_handlers
from lumbung_listings.settings import ListingsSettings
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.photos import PhotoStore
from lumbung_listings.storage.reservations import StockReservations
from lumbung_listings.storage.risk import SupplyRisk
from lumbung_listings.storage.search import ListingSearch
from lumbung_listings.storage.stock import ListingStock


async def setup(runtime: Runtime[ListingsSettings]) -> Mapping[str, Any]:
    """Repositories over the listings database, the stock and sea-alert consumers, the sweep.

    The relay watches both collections that carry outboxes: listings and stock reservations.
    Reservations rely on single-document conditional updates being atomic: true on MongoDB; on
    FerretDB 1.24 only within one connection, which is why devstack runs a pool of one.
    """
    settings = runtime.settings
    collection = runtime.db.listings
    holds = runtime.db.stock_reservations
    risk = SupplyRisk(runtime.db.sea_alerts, collection)
    notify_listing = runtime.relay.watch(collection)
    repository = ListingRepository(collection, notify_listing, risk.active_for)
    photo_store = PhotoStore(runtime.db)
    await repository.ensure_indexes()
    await risk.ensure_indexes()
    await photo_store.ensure_indexes()
    reservations = StockReservations(
        holds, ListingStock(collection, notify_listing), runtime.relay.watch(holds)
    )
    runtime.consume("stock", [Topic.ORDER_EVENTS], order_handlers(reservations))
    runtime.consume("supply-risk", [Topic.SEA_ALERT_EVENTS], sea_alert_handlers(risk))
    runtime.run_in_background(lambda: risk.run_sweeps(settings.risk_sweep_seconds))
    return {
        "listings": repository,
        "search": ListingSearch(collection),
        "photos": photo_store,
    }


def create_app(settings: ListingsSettings | None = None) -> FastAPI:
    """The listings service app (uvicorn factory)."""
    return create_service_app(
        settings or load_settings(ListingsSettings),
        title="Lumbung listings",
        description="Produce and catch listings, photos, search, stock and the price board.",
        routers=[search.router, listings.router, photos.router, prices.router],
        setup=setup,
    )
