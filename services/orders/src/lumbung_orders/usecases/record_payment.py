"""Money arriving or going back, as an admin or a signed payment-provider callback reports it.

The route authenticates the caller (`api.payments`); this use case decides. A provider's callback
must name this order and its total, and each callback id changes an order at most once: the id
is remembered in the same guarded write as the change, and the replay check runs inside the
decision on the order as read for that attempt, so two copies of one callback racing each other
apply once (the loser re-decides and sees the id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from lumbung_shared.errors import DomainError, Message
from lumbung_shared.identity import Identity, Role

from lumbung_orders.domain.callbacks import remember_callback
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.states import Actor
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.usecases.order_changes import OrderChanges, change_for

PROVIDER_ID: Final = "payment-provider"
SYSTEM_IDENTITY: Final = Identity(subject=PROVIDER_ID, role=Role.ADMIN)
"""Used only to look the order up for a provider; the move itself is made as `Actor.SYSTEM`."""


class MoneyMove(StrEnum):
    """What the money did."""

    PAID = "paid"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class PaymentNotice:
    """Who says the money moved (`caller`, as `actor`), about which order and amount."""

    actor: Actor
    caller: Identity
    order_id: str | None = None
    amount: int | None = None
    reference: str | None = None
    callback_id: str | None = None


@dataclass(frozen=True)
class PaymentRecorded:
    """The order after the notice; `replayed` when the callback id had been seen already."""

    stored: StoredOrder
    replayed: bool


class RecordPayment:
    """Marks an order paid or its refund made, once per provider callback."""

    def __init__(self, changes: OrderChanges) -> None:
        self._changes = changes

    async def __call__(
        self, order_id: str, move: MoneyMove, notice: PaymentNotice
    ) -> PaymentRecorded:
        replayed = False
        is_admin = notice.actor is Actor.ADMIN
        who = notice.caller.subject if is_admin else PROVIDER_ID

        def decide(order: Order) -> list[OrderEvent]:
            nonlocal replayed
            replayed = False
            if notice.callback_id is not None:
                if not remember_callback(order.payment_callback_ids, notice.callback_id):
                    replayed = True
                    return []
                _check_notice(order, notice)
            now = datetime.now(UTC)
            if move is MoneyMove.PAID:
                return order.confirm_payment(notice.actor, who, now, notice.reference)
            return order.mark_refunded(notice.actor, who, now)

        lookup = notice.caller if is_admin else SYSTEM_IDENTITY
        stored = await change_for(self._changes, order_id, decide, lookup)
        return PaymentRecorded(stored, replayed)


def _check_notice(order: Order, notice: PaymentNotice) -> None:
    """A provider's notice must be about this order and this amount."""
    if notice.order_id != order.order_id or notice.amount != order.total:
        raise DomainError(
            "payment-mismatch",
            Message(
                id="Pembayaran tidak cocok dengan pesanan ini.",
                en="The payment does not match this order.",
            ),
            status=422,
            extra={"expected_amount": order.total},
        )
