"""Sea alerts (`lumbung.sea_alert.events`) flag open catch orders whose delivery is at risk.

Which orders: `pending` or `reserved` orders with a catch line whose origin regency (taken from
the listing snapshot at checkout and kept on the order line) is among the alert's regencies —
`domain.risk` decides; the stored `catch_regencies` only narrows the query. Issued and updated
alerts flag; an update that no longer covers an order clears it; a cancelled alert clears its
own flag and those of the alerts it references (CAP `references`). Alerts in force are also
remembered, so checkout flags a catch order placed while one is active. Every flag or clear is an
idempotent guarded change emitting `order.at_risk` only when the order's flag actually turns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from lumbung_shared.events import Envelope
from lumbung_shared.events.sea_alerts import (
    SeaAlertCancelled,
    SeaAlertEvent,
    SeaAlertIssued,
    SeaAlertUpdated,
)
from lumbung_shared.kafka import EventHandler

from lumbung_orders.domain import risk
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.orderbook import OrderBook
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts

MAX_ORDERS_PER_ALERT: Final = 5000
OPEN_STATES: Final = [state.value for state in risk.RISK_STATES]


def alert_regencies(alert: SeaAlertEvent) -> set[str]:
    return {code for code in map(risk.regency_of, alert.regency_codes) if code is not None}


async def flag_for(book: OrderBook, alert: SeaAlertEvent) -> None:
    """Flag the open catch orders under `alert`; clear those it flagged but no longer covers."""
    regencies = alert_regencies(alert)
    now = datetime.now(UTC)
    under = await book.repository.ids_matching(
        {"state": {"$in": OPEN_STATES}, "catch_regencies": {"$in": sorted(regencies)}},
        MAX_ORDERS_PER_ALERT,
    )

    def flag(order: Order) -> list[OrderEvent]:
        return risk.flag_orders([order], alert.alert_id, regencies, now)

    for order_id in under:
        await book.change(order_id, flag)
    flagged = await book.repository.ids_matching(
        {"risk_alert_ids": alert.alert_id}, MAX_ORDERS_PER_ALERT
    )
    for order_id in set(flagged) - set(under):
        await clear_for(book, order_id, [alert.alert_id], now)


async def clear_for(book: OrderBook, order_id: str, alert_ids: list[str], now: datetime) -> None:
    def clear(order: Order) -> list[OrderEvent]:
        events: list[OrderEvent] = []
        for alert_id in alert_ids:
            events += risk.clear_orders([order], alert_id, now)
        return events

    await book.change(order_id, clear)


def sea_alert_handlers(book: OrderBook, active: ActiveSeaAlerts) -> Mapping[str, EventHandler]:
    """Handlers by event type for sea alerts."""

    async def on_alert(event: Envelope[Any]) -> None:
        alert: SeaAlertEvent = event.payload
        await active.remember(alert.alert_id, alert_regencies(alert), alert.expires)
        await flag_for(book, alert)
        superseded = [ref for ref in alert.references if ref != alert.alert_id]
        if superseded:  # an update under a new id replaces the earlier alerts
            await active.forget(superseded)
            await _clear_alerts(book, superseded)

    async def on_cancelled(event: Envelope[Any]) -> None:
        alert: SeaAlertCancelled = event.payload
        ended = [alert.alert_id, *alert.references]
        await active.forget(ended)
        await _clear_alerts(book, ended)

    return {
        SeaAlertIssued.event_type: on_alert,
        SeaAlertUpdated.event_type: on_alert,
        SeaAlertCancelled.event_type: on_cancelled,
    }


async def _clear_alerts(book: OrderBook, alert_ids: list[str]) -> None:
    now = datetime.now(UTC)
    flagged = await book.repository.ids_matching(
        {"risk_alert_ids": {"$in": alert_ids}}, MAX_ORDERS_PER_ALERT
    )
    for order_id in flagged:
        await clear_for(book, order_id, alert_ids, now)
