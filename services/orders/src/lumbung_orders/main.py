"""Wiring of the orders service: settings, repositories, consumers, schedules, routes."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from lumbung_shared.events import Topic
from lumbung_shared.loops import Loop
from lumbung_shared.mongo import Document, make_mongo_client
from lumbung_shared.service import Runtime, Setup, create_service_app
from lumbung_shared.settings import load_settings
from pymongo import AsyncMongoClient

from lumbung_orders.api import listing_snapshots, live, orders, payments, payouts
from lumbung_orders.api.checkout_gate import CheckoutGate
from lumbung_orders.api.views import order_json
from lumbung_orders.domain.saga_backlog import SagaBacklog
from lumbung_orders.messaging.listings import listing_handlers
from lumbung_orders.messaging.sea_alerts import sea_alert_handlers
from lumbung_orders.messaging.stock import stock_handlers
from lumbung_orders.messaging.trips import trip_handlers
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.metrics import OrderTransitionCounter
from lumbung_orders.settings import OrdersSettings
from lumbung_orders.storage.idempotency import IdempotencyRepository
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts
from lumbung_orders.usecases.expire_reservations import expire_reservations
from lumbung_orders.usecases.find_orders import FindOrders
from lumbung_orders.usecases.flag_delivery_risk import FlagDeliveryRisk
from lumbung_orders.usecases.listing_snapshots import (
    CopyListing,
    ListingArrivals,
    ShowListingSnapshot,
)
from lumbung_orders.usecases.move_order import MoveOrder
from lumbung_orders.usecases.order_changes import OrderChanges
from lumbung_orders.usecases.payouts import ReadPayouts, RefundCompleted
from lumbung_orders.usecases.place_order import PlaceOrder
from lumbung_orders.usecases.record_payment import RecordPayment
from lumbung_orders.usecases.record_stock_reply import RecordStockReply
from lumbung_orders.usecases.trip_orders import TripOrders
from lumbung_orders.workers.expiry_sweeper import expiry_sweeper
from lumbung_orders.workers.housekeeping import housekeeping

SENDS = (
    "order.placed",
    "order.reserved",
    "order.rejected",
    "order.confirmed",
    "order.declined",
    "order.shipped",
    "order.delivered",
    "order.completed",
    "order.cancelled",
    "order.expired",
    "order.stock_release_requested",
    "order.delivery_risk_flagged",
    "order.delivery_risk_cleared",
    "payment.confirmed",
    "payment.refund_requested",
    "payment.refunded",
    "payout.accrued",
    "payout.reversed",
)
"""The event types this service emits, for its AsyncAPI document (`messaging.wire`)."""


@dataclass(frozen=True)
class OrdersState:
    """What routes reach (through `api.deps`): the use cases and the read model they call."""

    show_listing_snapshot: ShowListingSnapshot
    move_order: MoveOrder
    record_payment: RecordPayment
    find_orders: FindOrders
    place_order: PlaceOrder
    checkout_gate: CheckoutGate
    read_payouts: ReadPayouts
    refund_completed: RefundCompleted


def _setup(settings: OrdersSettings) -> Setup[OrdersSettings]:
    async def setup(runtime: Runtime[OrdersSettings]) -> OrdersState:
        """Read model, orders with their outbox, the saga and alert consumers, schedules.

        Checkout has a store client of its own (a bulkhead): with one connection per client
        (devstack's FerretDB), every checkout command would otherwise queue behind the saga's
        guarded writes and the relay. It is safe on FerretDB, which is atomic per connection
        only, because checkout never updates what the saga writes: it reads, inserts new
        documents (atomic by unique `_id`) and completes its own key records.
        """
        snapshots = ListingSnapshotRepository(runtime.db.listing_snapshots)
        wake = runtime.relay.watch(runtime.db.orders)
        repository = OrderRepository(runtime.db.orders, wake)
        keys = IdempotencyRepository(runtime.db.idempotency_keys)
        alerts = ActiveSeaAlerts(runtime.db.sea_alerts)
        store = make_mongo_client(settings, [runtime.metrics.store.listener])
        runtime.run_in_background(_closed_at_shutdown(store))
        checkout = store[settings.mongo_database]
        await repository.ensure_indexes()
        await keys.ensure_indexes()
        wire = OrderWire(producer=settings.service_name)
        backlog = SagaBacklog(
            settings.saga_backlog_limit, settings.saga_backlog_slot_seconds, time.monotonic
        )
        transitions = OrderTransitionCounter(runtime.metrics.registry, settings.service_name)
        changes = OrderChanges(repository, wire, backlog, transitions)
        risk = FlagDeliveryRisk(repository, changes, alerts)
        arrivals = ListingArrivals()

        runtime.consume(
            "listing-snapshots",
            [Topic.LISTING_EVENTS],
            listing_handlers(CopyListing(snapshots, arrivals)),
        )
        replies = RecordStockReply(changes, settings.confirm_within, alerts, snapshots)
        runtime.consume(
            "stock-saga", [Topic.STOCK_EVENTS], stock_handlers(replies.reserved, replies.rejected)
        )
        runtime.consume(
            "trips",
            [Topic.LISTING_EVENTS],
            trip_handlers(TripOrders(changes, settings.confirm_within)),
        )
        runtime.consume(
            "sea-alerts",
            [Topic.SEA_ALERT_EVENTS],
            sea_alert_handlers(risk.alert_in_force, risk.alerts_ended),
        )
        runtime.run_in_background(
            expiry_sweeper(
                partial(expire_reservations, repository, changes), settings.expiry_scan_seconds
            )
        )
        runtime.run_in_background(
            housekeeping(
                keys,
                runtime.inbox,
                timedelta(hours=settings.idempotency_retention_hours),
                settings.housekeeping_seconds,
            )
        )
        return OrdersState(
            show_listing_snapshot=ShowListingSnapshot(snapshots),
            move_order=MoveOrder(changes),
            record_payment=RecordPayment(changes),
            find_orders=FindOrders(repository),
            place_order=PlaceOrder(
                orders=OrderRepository(checkout.orders, wake),
                keys=IdempotencyRepository(checkout.idempotency_keys),
                snapshots=ListingSnapshotRepository(checkout.listing_snapshots),
                alerts=ActiveSeaAlerts(checkout.sea_alerts),
                render=order_json,
                wire=wire,
                decide_within=settings.reservation_deadline,
                listing_wait=settings.listing_wait_seconds,
                arrivals=arrivals,
                backlog=backlog,
            ),
            read_payouts=ReadPayouts(repository),
            refund_completed=RefundCompleted(changes),
            checkout_gate=CheckoutGate(
                settings.checkouts_in_flight,
                settings.checkout_wait_seconds,
                settings.checkout_budget_seconds,
            ),
        )

    return setup


def _closed_at_shutdown(client: AsyncMongoClient[Document]) -> Loop:
    """A background task that only closes `client` when the service stops.

    The runtime closes its own client and cancels background tasks at shutdown; a client that
    setup opens is closed by such a task, as setup has no shutdown hook of its own.
    """

    async def hold() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await client.close()

    return hold


def create_app(settings: OrdersSettings | None = None) -> FastAPI:
    """The orders service app (uvicorn factory)."""
    settings = settings or load_settings(OrdersSettings)
    return create_service_app(
        settings,
        title="Lumbung orders",
        description="Orders, the stock-reservation saga, order lifecycle and payments.",
        routers=[
            listing_snapshots.router,
            orders.router,
            payments.router,
            payouts.refunds,
            payouts.router,
            live.router,
        ],
        setup=_setup(settings),
        sends=SENDS,
    )
