"""Whether a buyer's order can reserve stock on a listing, decided from the listing's state alone.

The orders service asks for a reservation through an event; the listings service answers
yes or no with a reason. Keeping the decision a pure function of (state, quantity) means the
same rule is used to pre-check a request and to explain a refusal, while the atomic
conditional update that actually takes the stock (so two racing buyers cannot both win) is the
storage layer's job.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from lumbung_shared.errors import Message

from lumbung_listings.domain.access import PUBLIC_BY_ID
from lumbung_listings.domain.lifecycle import Status

RESERVABLE = frozenset({Status.ACTIVE, Status.PRE_LISTED})
"""Statuses stock is reserved in: on sale, or a trip's expected catch (a pre-order)."""


@dataclass(frozen=True)
class StockState:
    """The part of a listing that reservation rules look at."""

    status: Status
    quantity_available: int
    min_order: int = 1
    price_per_unit: int | None = None


class RejectReason(StrEnum):
    """Why a reservation was refused; sent back to the orders service in the reply event."""

    NOT_FOUND = "not_found"
    INACTIVE = "inactive"
    PRICE_CHANGED = "price_changed"
    BELOW_MIN_ORDER = "below_min_order"
    INSUFFICIENT = "insufficient"

    @property
    def message(self) -> Message:
        """The bilingual sentence a buyer sees for this refusal."""
        return _MESSAGES[self]


_MESSAGES = {
    RejectReason.NOT_FOUND: Message(id="Iklan tidak ditemukan.", en="The listing does not exist."),
    RejectReason.INACTIVE: Message(
        id="Iklan sedang tidak menerima pesanan.", en="The listing is not taking orders."
    ),
    RejectReason.PRICE_CHANGED: Message(
        id="Harga iklan telah berubah; periksa harga baru.",
        en="The listing's price has changed; check the new price.",
    ),
    RejectReason.BELOW_MIN_ORDER: Message(
        id="Jumlah pesanan di bawah pembelian minimum.",
        en="The quantity is below the minimum order.",
    ),
    RejectReason.INSUFFICIENT: Message(id="Stok tidak mencukupi.", en="There is not enough stock."),
}


def can_reserve(
    listing: StockState | None, quantity: int, unit_price: int | None = None
) -> RejectReason | None:
    """None when `quantity` units may be reserved at `unit_price`, else the first reason not.

    Reasons are checked from the most to the least fundamental, so a buyer ordering 1 kg of a
    paused listing hears that it is paused, not that 1 kg is below the minimum. A draft or
    archived listing is "not found", as for anyone but its seller (its status stays hidden). A
    sold-out listing is out of stock, not closed: the buyers who lost the race for the last
    units hear "not enough stock". A trip's pre-listing reserves its expected catch like stock.
    Listings is the price authority: a price other than the one
    the buyer saw (`unit_price`, when the order names one) is refused, never reserved.
    """
    if listing is None or listing.status not in PUBLIC_BY_ID:
        return RejectReason.NOT_FOUND
    closed = _closed(listing.status)
    if closed is not None:
        return closed
    if unit_price is not None and unit_price != listing.price_per_unit:
        return RejectReason.PRICE_CHANGED
    if quantity < max(listing.min_order, 1):
        return RejectReason.BELOW_MIN_ORDER
    if quantity > listing.quantity_available:
        return RejectReason.INSUFFICIENT
    return None


def trip_refusal(
    status: Status, released: Collection[str], order_id: str, seller_named: bool
) -> RejectReason | None:
    """Why a trip's listing refuses an order that `can_reserve` would take, if it does.

    An order released at the trip's call-off or landing never takes stock again (a redelivered
    `order.placed`: the catch it lost is someone else's now). A pre-order must have passed the
    orders service's pre-order rules at checkout (cash on delivery, no confirm deadline before
    landing), which it applies only to listings it knew: an order naming no seller did not.
    """
    if order_id in released:
        return RejectReason.INSUFFICIENT
    if status is Status.PRE_LISTED and not seller_named:
        return RejectReason.INACTIVE
    return None


def _closed(status: Status) -> RejectReason | None:
    """Why a public listing in `status` takes no order now (None when active)."""
    if status is Status.SOLD_OUT:
        return RejectReason.INSUFFICIENT
    if status not in RESERVABLE:
        return RejectReason.INACTIVE
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
