"""Reserve stock for a placed order: every line of it, or none.

One reservation per order (`_id` = order id) records where it is (see
`domain.stock_reservation`) and carries the `stock.*` event in its own outbox. Lines are taken
one listing at a time, each only at the unit price the buyer saw (else `price_changed`, with
the current price); if one is refused, the lines already taken are given back before the
refusal is recorded. A crash half-way leaves the reservation `pending`; the event is then
redelivered and the same steps run again, each a no-op where it had already happened, because
every listing remembers which orders reserved stock on it.

An order placed before the orders service knew its listing names no seller and maybe no price:
it is reserved on the listing's own seller at the listing's price, and `stock.reserved` carries
each held listing (seller, price, title, unit, kind, origin) so the order can be completed.
"""

from __future__ import annotations

from collections.abc import Sequence

from lumbung_shared.events.orders import OrderEvent
from lumbung_shared.events.stock import HeldListing, StockLine
from lumbung_shared.mongo import Document

from lumbung_listings.domain.stock import RejectReason
from lumbung_listings.domain.stock_reservation import (
    DECIDED,
    MAX_LINES,
    OrderParty,
    ReservationLine,
    StockReservationState,
    merge_lines,
)
from lumbung_listings.messaging.events import stock_rejected, stock_reserved
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.usecases.stock_lines import (
    LineRefused,
    decide,
    give_back_all,
    take,
)


class ReserveStock:
    """Decides an order's stock reservation, exactly once per order."""

    def __init__(self, reservations: StockReservationRepository, stock: ListingStock) -> None:
        self._reservations = reservations
        self._stock = stock

    async def __call__(self, order: OrderEvent) -> StockReservationState:
        lines = merge_lines(
            (line.listing_id, line.quantity, line.unit_price) for line in order.lines
        )
        reservation = await self._open(order, lines)
        state = StockReservationState(reservation["state"])
        if state in DECIDED:
            return state
        if len(lines) > MAX_LINES:
            refused = LineRefused(RejectReason.INSUFFICIENT)
            return await self._reject(order.order_id, refused, None, [])
        party = OrderParty(order.buyer_id, order.seller_id)
        taken: list[StockLine] = []
        held: list[HeldListing] = []
        for line in lines:
            outcome = await take(self._stock, order.order_id, party, line)
            if isinstance(outcome, LineRefused):
                return await self._reject(order.order_id, outcome, line.listing_id, lines)
            taken.append(
                StockLine(
                    listing_id=line.listing_id,
                    quantity=line.quantity,
                    remaining=outcome.remaining,
                    shares=outcome.shares,
                )
            )
            held.append(outcome.listing)
        event = stock_reserved(order.order_id, taken, held)
        return await decide(
            self._reservations, order.order_id, StockReservationState.RESERVED, event
        )

    async def _open(self, order: OrderEvent, lines: Sequence[ReservationLine]) -> Document:
        """The order's reservation, created `pending` on first sight."""
        doc = {
            "_id": order.order_id,
            "seller_id": order.seller_id,
            "buyer_id": order.buyer_id,
            "state": StockReservationState.PENDING.value,
            "lines": [{"listing_id": ln.listing_id, "quantity": ln.quantity} for ln in lines],
        }
        if await self._reservations.insert(doc):
            return doc
        existing = await self._reservations.find(order.order_id)
        assert existing is not None  # the insert collided with it
        return existing

    async def _reject(
        self,
        order_id: str,
        refused: LineRefused,
        listing_id: str | None,
        lines: Sequence[ReservationLine],
    ) -> StockReservationState:
        await give_back_all(self._stock, order_id, lines)
        event = stock_rejected(order_id, refused.reason.value, listing_id, refused.current_price)
        return await decide(
            self._reservations,
            order_id,
            StockReservationState.REJECTED,
            event,
            reason=refused.reason.value,
        )
