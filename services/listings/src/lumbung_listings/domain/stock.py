"""Whether a buyer's order can reserve stock on a listing, decided from the listing's state alone.

The orders service asks for a reservation through an event; the listings service answers
yes or no with a reason. Keeping the decision a pure function of (state, quantity) means the
same rule is used to pre-check a request and to explain a refusal, while the atomic
conditional update that actually takes the stock (so two racing buyers cannot both win) is the
storage layer's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lumbung_shared.errors import Message

from lumbung_listings.domain.lifecycle import Status


@dataclass(frozen=True)
class StockState:
    """The part of a listing that reservation rules look at."""

    status: Status
    quantity_available: int
    min_order: int = 1


class RejectReason(StrEnum):
    """Why a reservation was refused; sent back to the orders service in the reply event."""

    UNKNOWN_LISTING = "unknown_listing"
    INACTIVE = "inactive"
    BELOW_MIN_ORDER = "below_min_order"
    INSUFFICIENT = "insufficient"

    @property
    def message(self) -> Message:
        """The bilingual sentence a buyer sees for this refusal."""
        return _MESSAGES[self]


_MESSAGES = {
    RejectReason.UNKNOWN_LISTING: Message(
        id="Iklan tidak ditemukan.", en="The listing does not exist."
    ),
    RejectReason.INACTIVE: Message(
        id="Iklan sedang tidak menerima pesanan.", en="The listing is not taking orders."
    ),
    RejectReason.BELOW_MIN_ORDER: Message(
        id="Jumlah pesanan di bawah pembelian minimum.",
        en="The quantity is below the minimum order.",
    ),
    RejectReason.INSUFFICIENT: Message(id="Stok tidak mencukupi.", en="There is not enough stock."),
}


def can_reserve(listing: StockState | None, quantity: int) -> RejectReason | None:
    """None when `quantity` units may be reserved, else the first reason it may not.

    Reasons are checked from the most to the least fundamental, so a buyer ordering 1 kg of a
    paused listing hears that it is paused, not that 1 kg is below the minimum. A sold-out
    listing is out of stock, not closed: the buyers who lost the race for the last units hear
    "not enough stock".
    """
    if listing is None:
        return RejectReason.UNKNOWN_LISTING
    if listing.status is Status.SOLD_OUT:
        return RejectReason.INSUFFICIENT
    if listing.status is not Status.ACTIVE:
        return RejectReason.INACTIVE
    if quantity < max(listing.min_order, 1):
        return RejectReason.BELOW_MIN_ORDER
    if quantity > listing.quantity_available:
        return RejectReason.INSUFFICIENT
    return None


def status_for_stock(status: Status, quantity_available: int) -> Status:
    """The status a listing should have once its stock has become `quantity_available`.

    Taking the last unit sells an active listing out; released or restocked units bring a
    sold-out listing back. Other statuses are the seller's decision and are left alone.
    """
    if status is Status.ACTIVE and quantity_available == 0:
        return Status.SOLD_OUT
    if status is Status.SOLD_OUT and quantity_available > 0:
        return Status.ACTIVE
    return status
