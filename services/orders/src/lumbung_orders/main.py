"""Wiring of the orders service: settings, repositories, consumers, schedules, routes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from lumbung_shared.events import Topic
from lumbung_shared.service import Runtime, create_service_app
from lumbung_shared.settings import load_settings

from lumbung_orders.api import listing_snapshots, live, orders, payments
from lumbung_orders.checkout import Checkout
from lumbung_orders.messaging.listings import listing_handlers
from lumbung_orders.messaging.sea_alerts import sea_alert_handlers
from lumbung_orders.messaging.stock import stock_handlers
from lumbung_orders.orderbook import OrderBook
from lumbung_orders.schedules import expiry_sweeper, housekeeping
from lumbung_orders.settings import OrdersSettings
from lumbung_orders.storage.idempotency import IdempotencyRepository
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts


def _setup(settings: OrdersSettings) -> Any:
    async def setup(runtime: Runtime[OrdersSettings]) -> Mapping[str, Any]:
        """Read model, orders with their outbox, the saga and alert consumers, schedules."""
        snapshots = ListingSnapshotRepository(runtime.db.listing_snapshots)
        repository = OrderRepository(runtime.db.orders, runtime.relay.watch(runtime.db.orders))
        keys = IdempotencyRepository(runtime.db.idempotency_keys)
        alerts = ActiveSeaAlerts(runtime.db.sea_alerts)
        await repository.ensure_indexes()
        await keys.ensure_indexes()
        book = OrderBook(repository)

        runtime.consume("listing-snapshots", [Topic.LISTING_EVENTS], listing_handlers(snapshots))
        runtime.consume(
            "stock-saga", [Topic.STOCK_EVENTS], stock_handlers(book, settings.confirm_within)
        )
        runtime.consume("sea-alerts", [Topic.SEA_ALERT_EVENTS], sea_alert_handlers(book, alerts))
        runtime.run_in_background(expiry_sweeper(book, settings.expiry_scan_seconds))
        runtime.run_in_background(
            housekeeping(
                keys,
                runtime.inbox,
                timedelta(hours=settings.idempotency_retention_hours),
                settings.housekeeping_seconds,
            )
        )
        return {
            "listing_snapshots": snapshots,
            "order_book": book,
            "checkout": Checkout(repository, keys, snapshots, alerts),
        }

    return setup


def create_app(settings: OrdersSettings | None = None) -> FastAPI:
    """The orders service app (uvicorn factory)."""
    settings = settings or load_settings(OrdersSettings)
    return create_service_app(
        settings,
        title="Lumbung orders",
        description="Orders, the stock-reservation saga, order lifecycle and payments.",
        routers=[listing_snapshots.router, orders.router, payments.router, live.router],
        setup=_setup(settings),
    )
