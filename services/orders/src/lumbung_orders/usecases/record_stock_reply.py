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
The lines of a cooperative's listing keep whose stock was held (the members' shares, split at
completion by `domain.payouts`); a line that had no terms at checkout (its listing was unknown
then) takes them from the listing's snapshot now, one `_id` read per such listing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lumbung_orders.domain import risk
from lumbung_orders.domain.events import OrderEvent, SagaOutcome
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.order_lines import Contributions, HeldListing, ListingKind
from lumbung_orders.domain.payouts import AggregatorTerms, MemberShare
from lumbung_orders.domain.rejection import RejectedLine
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts
from lumbung_orders.usecases.order_changes import OrderChanges


class RecordStockReply:
    """`stock.reserved` reserves a pending order; `stock.rejected` rejects it."""

    def __init__(
        self,
        changes: OrderChanges,
        confirm_within: timedelta,
        alerts: ActiveSeaAlerts,
        snapshots: ListingSnapshotRepository | None = None,
    ) -> None:
        self._changes = changes
        self._confirm_within = confirm_within
        self._alerts = alerts
        self._snapshots = snapshots

    async def reserved(
        self,
        order_id: str,
        held: list[HeldListing],
        shares: dict[str, list[MemberShare]] | None = None,
    ) -> None:
        now = datetime.now(UTC)
        in_force = await self._alerts.covering(_catch_regencies(held), now)
        members = Contributions(shares or {}, await self._terms(list(shares or {})))

        def decide(order: Order) -> list[OrderEvent]:
            reply = order.on_stock_reserved(now, self._confirm_within, held, members)
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

    async def _terms(self, listing_ids: list[str]) -> dict[str, AggregatorTerms]:
        """The aggregator terms the snapshots know now for these listings (usually unneeded: a
        line known at checkout froze them then; the read is one `_id` lookup per listing)."""
        if self._snapshots is None or not listing_ids:
            return {}
        found = await self._snapshots.many(listing_ids)
        return {
            listing_id: AggregatorTerms.model_validate(doc["aggregator"])
            for listing_id, doc in found.items()
            if isinstance(doc.get("aggregator"), dict)
        }


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
