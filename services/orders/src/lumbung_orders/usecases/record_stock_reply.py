"""The stock saga's replies from the listings service, each one guarded order change.

The aggregate makes replies idempotent on their own (a second `stock.reserved` is recognised by
`reservation_seen`; a `stock.rejected` for an order no longer pending is ignored), on top of the
consumer's de-duplication by event id. A `stock.reserved` for an order that was cancelled
meanwhile (or timed out) leaves the order as it is and emits `order.stock_release_requested`, on
which listings releases the stock (see `messaging.wire`). A `price_changed` rejection keeps the
listing's current price on the order, so the buyer's app can show it and ask again. A reply for
an order this service never stored cannot be fixed by retrying: the 404 dead-letters it.

An order placed before this service knew its listing learns its seller, lines and total from
the reply (`Order.on_stock_reserved`); a catch order learns its origin only then, so the sea
alerts in force over the held catch listings are looked up first and flag it as it is reserved.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lumbung_orders.domain import risk
from lumbung_orders.domain.events import OrderEvent, SagaOutcome
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.order_lines import HeldListing, ListingKind
from lumbung_orders.domain.rejection import RejectedLine
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts
from lumbung_orders.usecases.order_changes import OrderChanges


class RecordStockReply:
    """`stock.reserved` reserves a pending order; `stock.rejected` rejects it."""

    def __init__(
        self, changes: OrderChanges, confirm_within: timedelta, alerts: ActiveSeaAlerts
    ) -> None:
        self._changes = changes
        self._confirm_within = confirm_within
        self._alerts = alerts

    async def reserved(self, order_id: str, held: list[HeldListing]) -> None:
        now = datetime.now(UTC)
        in_force = await self._alerts.covering(_catch_regencies(held), now)

        def decide(order: Order) -> list[OrderEvent]:
            reply = order.on_stock_reserved(now, self._confirm_within, held)
            events = reply.events
            if reply.outcome is SagaOutcome.APPLIED:
                for alert_id, regencies in in_force.items():
                    events += risk.flag_orders([order], alert_id, regencies, now)
            return events

        await self._changes.change(order_id, decide)

    async def rejected(self, order_id: str, reason: str, line: RejectedLine | None) -> None:
        def decide(order: Order) -> list[OrderEvent]:
            return order.on_stock_rejected(reason, datetime.now(UTC), line).events

        await self._changes.change(order_id, decide)


def _catch_regencies(held: list[HeldListing]) -> list[str]:
    """The regencies the held catch listings come from (where a sea alert would threaten)."""
    return sorted(
        {
            code
            for listing in held
            if listing.kind is ListingKind.CATCH
            and (code := risk.regency_of(listing.origin_region)) is not None
        }
    )
