"""Payment rules of an order: when it is paid, refunded and complete.

An order's payment is `unpaid` → `paid` → (after a cancellation) `refunded`. Cash on delivery
(COD) becomes paid when the goods are delivered; bank transfer and e-wallet become paid when an
admin confirms the transfer or the provider calls back. Money is never moved here: when a paid
order is cancelled, declined or expires, the order emits `order.refund_requested` (sent as
`payment.refund_requested`) and a human or the provider integration does the refund, then marks
the order `refunded`.

How a payment provider's callback proves it is genuine, for this action and new, is
`domain.callbacks`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from lumbung_shared.errors import ConflictError, ForbiddenError, Message

from lumbung_orders.domain.states import Actor, OrderState


class PaymentMethod(StrEnum):
    """How the buyer pays; chosen at checkout and fixed for the order."""

    COD = "cod"
    BANK_TRANSFER = "bank_transfer"
    EWALLET = "ewallet"


class PaymentStatus(StrEnum):
    """Whether the seller has the buyer's money (and whether it went back)."""

    UNPAID = "unpaid"
    PAID = "paid"
    REFUNDED = "refunded"


PAYMENT_CONFIRMERS: Final[frozenset[Actor]] = frozenset({Actor.ADMIN, Actor.SYSTEM})
"""Admins confirm transfers by hand; `system` is the signed provider callback."""


def paid_on_delivery(method: PaymentMethod) -> bool:
    """COD money changes hands at the door, so delivery is the payment."""
    return method is PaymentMethod.COD


def collected_at_door(method: PaymentMethod, status: PaymentStatus) -> bool:
    """Whether a delivery is the moment this order gets paid (COD not paid yet)."""
    return paid_on_delivery(method) and status is PaymentStatus.UNPAID


def accept_payment(method: PaymentMethod, status: PaymentStatus, actor: Actor) -> bool:
    """Check a payment confirmation; True if it makes the order paid, False if already paid.

    Providers retry callbacks, so confirming a paid order is a harmless no-op rather than an
    error. COD cannot be confirmed ahead of delivery, and refunded money cannot come back.
    """
    if actor not in PAYMENT_CONFIRMERS:
        raise ForbiddenError()
    if paid_on_delivery(method):
        raise ConflictError(
            "cod-paid-on-delivery",
            Message(
                id="Pesanan COD dibayar saat barang diterima.",
                en="A cash-on-delivery order is paid when it is delivered.",
            ),
        )
    if status is PaymentStatus.REFUNDED:
        raise ConflictError(
            "payment-refunded",
            Message(id="Pembayaran ini sudah dikembalikan.", en="This payment was refunded."),
            payment_status=status.value,
        )
    return status is PaymentStatus.UNPAID


def needs_refund(status: PaymentStatus) -> bool:
    """An order that ends without delivery owes the buyer their money back if it was paid."""
    return status is PaymentStatus.PAID


def can_complete(state: OrderState, status: PaymentStatus) -> bool:
    """An order is done once the goods arrived and the seller has the money."""
    return state is OrderState.DELIVERED and status is PaymentStatus.PAID


def accept_refund(status: PaymentStatus, refund_requested: bool, actor: Actor) -> None:
    """Check that marking the order refunded follows a refund request on a paid order."""
    if actor not in PAYMENT_CONFIRMERS:
        raise ForbiddenError()
    if status is not PaymentStatus.PAID or not refund_requested:
        raise ConflictError(
            "refund-not-requested",
            Message(
                id="Tidak ada pengembalian dana yang diminta untuk pesanan ini.",
                en="No refund was requested for this order.",
            ),
            payment_status=status.value,
        )


def check_refundable(
    state: OrderState, status: PaymentStatus, refund_requested: bool, actor: Actor
) -> None:
    """Check that an admin may send a completed order's money back (a settled dispute).

    Orders that end undelivered ask for their refund by themselves (`Order._move`); a completed
    one only by an admin's decision, once.
    """
    if actor is not Actor.ADMIN:
        raise ForbiddenError()
    if state is not OrderState.COMPLETED or status is not PaymentStatus.PAID or refund_requested:
        raise ConflictError(
            "refund-not-possible",
            Message(
                id="Hanya pesanan selesai yang sudah dibayar dapat dikembalikan dananya, sekali.",
                en="Only a completed, paid order can be refunded, and only once.",
            ),
            state=state.value,
            payment_status=status.value,
        )
