"""Sea alerts flag open catch orders whose delivery is at risk, and clear them when they end.

Which orders: `pending` or `reserved` orders with a catch line whose origin regency (taken from
the listing snapshot at checkout and kept on the order line) is among the alert's regencies —
`domain.risk` decides; the stored `catch_regencies` only narrows the query. Issued and updated
alerts flag; an update that no longer covers an order clears it; a cancelled alert clears its
own flag and those of the alerts it references (CAP `references`). Alerts in force are also
remembered, so checkout flags a catch order placed while one is active. Every flag or clear is
an idempotent guarded change emitting `order.delivery_risk_flagged` or
`order.delivery_risk_cleared` only when the order's flag actually turns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from lumbung_shared.events.sea_alerts import SeaAlertEvent
from lumbung_shared.regions import regency_of

from lumbung_orders.domain import risk
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts
from lumbung_orders.usecases.order_changes import OrderChanges

MAX_ORDERS_PER_ALERT: Final = 5000
OPEN_STATES: Final = sorted(state.value for state in risk.RISK_STATES)


def alert_regencies(alert: SeaAlertEvent) -> set[str]:
    return {code for code in map(regency_of, alert.regency_codes) if code is not None}


class FlagDeliveryRisk:
    """The two things a sea alert does to orders: it comes into force, or it ends."""

    def __init__(
        self, orders: OrderRepository, changes: OrderChanges, active: ActiveSeaAlerts
    ) -> None:
        self._orders = orders
        self._changes = changes
        self._active = active

    async def alert_in_force(self, alert: SeaAlertEvent) -> None:
        """An issued or updated alert: remember it, flag what it covers, retire what it replaces."""
        await self._active.remember(alert.alert_id, alert_regencies(alert), alert.expires)
        await self._flag_for(alert)
        superseded = [ref for ref in alert.references if ref != alert.alert_id]
        if superseded:  # an update under a new id replaces the earlier alerts
            await self.alerts_ended(superseded)

    async def alerts_ended(self, alert_ids: list[str]) -> None:
        """Cancelled or superseded alerts: forget them and clear the orders they flagged."""
        await self._active.forget(alert_ids)
        now = datetime.now(UTC)
        for order_id in await self._orders.flagged_by(alert_ids, MAX_ORDERS_PER_ALERT):
            await self._clear(order_id, alert_ids, now)

    async def _flag_for(self, alert: SeaAlertEvent) -> None:
        """Flag the open catch orders under `alert`; clear those it flagged but no longer covers."""
        regencies = alert_regencies(alert)
        now = datetime.now(UTC)
        under = await self._orders.catch_orders_in(
            OPEN_STATES, sorted(regencies), MAX_ORDERS_PER_ALERT
        )

        def flag(order: Order) -> list[OrderEvent]:
            return risk.flag_orders([order], alert.alert_id, regencies, now)

        for order_id in under:
            await self._changes.change(order_id, flag)
        flagged = await self._orders.flagged_by([alert.alert_id], MAX_ORDERS_PER_ALERT)
        for order_id in set(flagged) - set(under):
            await self._clear(order_id, [alert.alert_id], now)

    async def _clear(self, order_id: str, alert_ids: list[str], now: datetime) -> None:
        def clear(order: Order) -> list[OrderEvent]:
            events: list[OrderEvent] = []
            for alert_id in alert_ids:
                events += risk.clear_orders([order], alert_id, now)
            return events

        await self._changes.change(order_id, clear)
