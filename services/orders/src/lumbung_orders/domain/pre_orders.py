"""Pre-orders: orders on a trip's expected catch, before the catch has landed.

A fisher announces a trip as a pre-listing (listings' status `pre_listed`); buyers reserve part
of it through the normal saga. Nothing is charged before landing: a pre-order is cash on
delivery only (money changes hands at the door, after landing, confirming and shipping), and
the seller cannot confirm it, nor does its confirm deadline run, until the catch has landed
(`listing.trip_landed`). If the trip is called off (a danger alert for its boat over its zone),
or the catch falls short of the reservations, listings releases them and the orders end
cancelled with the reason, which the buyer reads in both languages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from lumbung_shared.errors import ConflictError, DomainError, Message
from pydantic import BaseModel, ConfigDict

from lumbung_orders.domain.payments import PaymentMethod

PRE_LISTED: Final = "pre_listed"
"""The listing status of a trip's expected catch (as listings sends it)."""
CALLED_OFF: Final = "called_off"
ORDERABLE_STATUSES: Final = frozenset({"active", PRE_LISTED})
"""Listing statuses checkout takes orders for: on sale now, or a trip's expected catch."""

TRIP_CALLED_OFF: Final = "trip_called_off"
TRIP_NOT_LANDED: Final = "trip_not_landed"
TRIP_CANCELLED: Final = "trip_cancelled"
CATCH_SHORT: Final = "catch_short"
CANCELLATION_NOTICES: Final[dict[str, Message]] = {
    TRIP_CALLED_OFF: Message(
        id="Perjalanan melaut dibatalkan karena peringatan cuaca bahaya; pesanan dibatalkan, "
        "stok dilepas, tidak ada biaya.",
        en="The fishing trip was called off for a sea-danger alert; the order is cancelled, "
        "its reservation released, nothing charged.",
    ),
    TRIP_CANCELLED: Message(
        id="Nelayan membatalkan perjalanan melautnya; pesanan dibatalkan, tidak ada biaya.",
        en="The fisher called the trip off; the order is cancelled, nothing charged.",
    ),
    TRIP_NOT_LANDED: Message(
        id="Tangkapan tidak didaratkan pada waktunya; pesanan dibatalkan, tidak ada biaya.",
        en="The catch was not landed in time; the order is cancelled, nothing charged.",
    ),
    CATCH_SHORT: Message(
        id="Hasil tangkapan kurang dari pesanan; pesanan Anda dibatalkan, tidak ada biaya.",
        en="The catch landed short of the reservations; your order is cancelled, nothing charged.",
    ),
}
"""What the buyer reads on an order the system cancelled for its trip, by reason code."""


class PreOrder(BaseModel):
    """An order's pre-order state: whether its trip's catch has landed yet."""

    model_config = ConfigDict(frozen=True)

    landed: bool = False


def awaiting_landing(pre_order: PreOrder | None) -> bool:
    """A pre-order whose catch is still at sea: not confirmable, no confirm deadline running."""
    return pre_order is not None and not pre_order.landed


def check_landed(pre_order: PreOrder | None) -> None:
    """Confirming waits for the catch: 409 while a pre-order's trip is still at sea."""
    if awaiting_landing(pre_order):
        raise NOT_LANDED


def is_pre_order(listing_statuses: Iterable[str]) -> bool:
    """Whether an order of listings in these statuses is a pre-order (any is pre-listed)."""
    return PRE_LISTED in set(listing_statuses)


def check_pre_order_payment(method: PaymentMethod) -> None:
    """A pre-order is cash on delivery: nothing is paid for a catch that has not landed."""
    if method is not PaymentMethod.COD:
        raise DomainError(
            code="pre-order-cash-on-delivery",
            message=Message(
                id="Pesanan tangkapan yang belum didaratkan hanya bisa dibayar di tempat (COD).",
                en="A pre-order of a catch not landed yet can only be paid cash on delivery.",
            ),
            status=422,
            extra={"payment_method": method.value, "allowed": [PaymentMethod.COD.value]},
        )


NOT_LANDED: Final = ConflictError(
    "pre-order-not-landed",
    Message(
        id="Tangkapan belum didaratkan; pesanan bisa dikonfirmasi setelah pendaratan.",
        en="The catch has not landed yet; the order can be confirmed after landing.",
    ),
)
"""The 409 for confirming a pre-order before its catch landed."""


def cancellation_notice(reason: str | None) -> Message | None:
    """The bilingual sentence for an order cancelled for its trip (None for other reasons)."""
    return None if reason is None else CANCELLATION_NOTICES.get(reason)
