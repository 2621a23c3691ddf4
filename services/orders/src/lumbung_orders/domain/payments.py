"""Payment rules of an order, and how a payment provider's callback proves it is genuine.

An order's payment is `unpaid` → `paid` → (after a cancellation) `refunded`. Cash on delivery
(COD) becomes paid when the goods are delivered; bank transfer and e-wallet become paid when an
admin confirms the transfer or the provider calls back. Money is never moved here: when a paid
order is cancelled, declined or expires, the order emits `payment.refund_requested` and a human
or the provider integration does the refund, then marks the order `refunded`.

Callback signature contract (what a payment provider must send):
- Headers `X-Payment-Timestamp` (Unix time in whole seconds, decimal) and `X-Payment-Signature`
  (lowercase hex HMAC-SHA256; an optional `sha256=` prefix is accepted) — the names the
  gateway forwards. The body is JSON naming the order, so a signed body cannot be replayed
  against another order's URL (see `api/payments.py`).
- The signed message is the ASCII timestamp, a `.`, then the raw request body bytes exactly as
  sent: `HMAC_SHA256(secret, f"{timestamp}.{body}")`. Verify before parsing the body.
- A timestamp more than `tolerance` (default 5 minutes) away from our clock, in either
  direction, is refused so a captured callback cannot be replayed later; comparison is
  constant-time so the signature cannot be guessed byte by byte.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from lumbung_shared.errors import ConflictError, DomainError, ForbiddenError, Message

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

DEFAULT_SIGNATURE_TOLERANCE: Final = timedelta(minutes=5)


def paid_on_delivery(method: PaymentMethod) -> bool:
    """COD money changes hands at the door, so delivery is the payment."""
    return method is PaymentMethod.COD


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


def sign_callback(secret: str | bytes, timestamp: str, body: str | bytes) -> str:
    """The hex signature a provider sends for `body` at `timestamp` (see the module contract)."""
    key = secret.encode() if isinstance(secret, str) else secret
    raw = body.encode() if isinstance(body, str) else body
    return hmac.new(key, timestamp.encode("ascii") + b"." + raw, hashlib.sha256).hexdigest()


def verify_callback_signature(
    secret: str | bytes,
    timestamp: str,
    body: str | bytes,
    signature: str,
    *,
    now: datetime,
    tolerance: timedelta = DEFAULT_SIGNATURE_TOLERANCE,
) -> None:
    """Refuse (401) a callback whose signature is wrong or whose timestamp is stale."""
    sent_at = _parse_timestamp(timestamp)
    if sent_at is None or abs(now - sent_at) > tolerance:
        raise _unauthenticated(
            "signature-expired",
            Message(
                id="Waktu tanda tangan callback tidak valid atau kedaluwarsa.",
                en="The callback timestamp is invalid or too old.",
            ),
        )
    given = signature.strip().lower().removeprefix("sha256=")
    expected = sign_callback(secret, timestamp, body)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise _unauthenticated(
            "signature-invalid",
            Message(
                id="Tanda tangan callback tidak valid.", en="The callback signature is invalid."
            ),
        )


def _parse_timestamp(timestamp: str) -> datetime | None:
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return None
    return datetime.fromtimestamp(int(timestamp), tz=UTC)


def _unauthenticated(code: str, message: Message) -> DomainError:
    return DomainError(code=code, message=message, status=401)
