"""Settle an order's stock when it completes: the units are sold for good."""

from __future__ import annotations

from lumbung_listings.domain.stock_reservation import StockReservationState
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.usecases.stock_lines import lines_of, settle_hold

RESERVED = StockReservationState.RESERVED


class SettleStock:
    """Forgets the order on its listings (keeps their marker lists short); publishes nothing,
    except on an aggregator's listing, whose held units become sold (`listing.updated`)."""

    def __init__(self, reservations: StockReservationRepository, stock: ListingStock) -> None:
        self._reservations = reservations
        self._stock = stock

    async def __call__(self, order_id: str) -> None:
        reservation = await self._reservations.find(order_id)
        if reservation is None or reservation["state"] != RESERVED.value:
            return
        for line in lines_of(reservation):
            await settle_hold(self._stock, line.listing_id, order_id)
        settled = {"state": StockReservationState.SETTLED.value}
        await self._reservations.move(order_id, [RESERVED.value], settled)
