"""Release an order's stock when it ends early (cancelled, declined, expired).

A release for an order never seen is recorded as `released`, so a late `order.placed` for it
cannot reserve stock afterwards.
"""

from __future__ import annotations

from lumbung_listings.domain.stock_reservation import RELEASABLE, StockReservationState
from lumbung_listings.messaging.events import stock_released
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.usecases.stock_lines import decide, give_back_all, lines_of


class ReleaseStock:
    """Gives back what the order reserved; a no-op for orders that reserved nothing."""

    def __init__(self, reservations: StockReservationRepository, stock: ListingStock) -> None:
        self._reservations = reservations
        self._stock = stock

    async def __call__(self, order_id: str) -> StockReservationState:
        reservation = await self._reservations.find(order_id)
        if reservation is None:
            released = StockReservationState.RELEASED.value
            await self._reservations.insert({"_id": order_id, "state": released, "lines": []})
            return StockReservationState.RELEASED
        state = StockReservationState(reservation["state"])
        if state not in RELEASABLE:
            return state
        freed = await give_back_all(self._stock, order_id, lines_of(reservation))
        event = stock_released(order_id, freed)
        return await decide(
            self._reservations,
            order_id,
            StockReservationState.RELEASED,
            event,
            from_states=RELEASABLE,
        )
