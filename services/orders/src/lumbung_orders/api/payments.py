"""Money arriving (or going back) for bank transfers and e-wallets, as order changes.

Two callers may say a payment happened:
- an admin, signed in through the gateway, with body `{"reference": "..."}` (optional);
- a payment provider's server-to-server callback, without a user token, signed with HMAC
  (`ORDERS_PAYMENT_CALLBACK_SECRET`) as `domain.payments` describes: headers
  `X-Payment-Timestamp` and `X-Payment-Signature = hex(HMAC_SHA256(secret, "<ts>.<raw body>"))`,
  body `{"order_id": "<id from the URL>", "amount": <order total in rupiah>, "reference": "..."}`.
  The signature is checked over the raw bytes before anything is parsed; the order id must
  match the URL and the amount the order's total. Callbacks may be retried: confirming a paid
  order again is a no-op answered with the order.

`POST …/payment` marks the order paid (`payment.confirmed`), `POST …/refund` marks a requested
refund as made (`payment.refunded`). The same two kinds of caller may do either.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Header, Request
from lumbung_shared.errors import DomainError, ForbiddenError, Message
from lumbung_shared.web.identity import Caller, Identity, Role
from pydantic import BaseModel, Field, ValidationError

from lumbung_orders.api.deps import Book, OrderId, Settings
from lumbung_orders.api.orders import change
from lumbung_orders.api.views import OrderView, order_view
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.payments import verify_callback_signature
from lumbung_orders.domain.states import Actor
from lumbung_orders.orderbook import Decision, OrderBook

router = APIRouter(prefix="/v1/orders", tags=["payments"])

MAX_BODY_BYTES: Final = 4096
PROVIDER_ID: Final = "payment-provider"
SYSTEM_IDENTITY: Final = Identity(subject=PROVIDER_ID, role=Role.ADMIN)
"""Used only to look the order up; the move itself is made as `Actor.SYSTEM`."""


class PaymentNotice(BaseModel):
    """What an admin or a provider tells us about the money."""

    order_id: Annotated[str, Field(max_length=64)] | None = None
    amount: Annotated[int, Field(ge=0)] | None = None
    reference: Annotated[str, Field(max_length=128)] | None = None


SignatureHeader = Annotated[str | None, Header(alias="x-payment-signature", max_length=200)]
TimestampHeader = Annotated[str | None, Header(alias="x-payment-timestamp", max_length=20)]


async def _apply(
    book: OrderBook, order_id: str, actor: Actor, caller: Identity, decide: Decision
) -> OrderView:
    who = caller if actor is Actor.ADMIN else SYSTEM_IDENTITY
    return order_view(await change(book, order_id, decide, who))


async def authenticate(
    request: Request,
    caller: Caller,
    settings: Settings,
    signature: SignatureHeader = None,
    timestamp: TimestampHeader = None,
) -> tuple[Actor, PaymentNotice]:
    """An admin acts as admin; an anonymous caller must carry a valid provider signature."""
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise DomainError("too-large", _TOO_LARGE, status=413)
    if caller.role is Role.ADMIN:
        return Actor.ADMIN, _parse(body)
    secret = settings.payment_callback_secret.get_secret_value()
    if caller.role is not Role.ANONYMOUS or signature is None or not secret:
        raise ForbiddenError()
    verify_callback_signature(secret, timestamp or "", body, signature, now=datetime.now(UTC))
    notice = _parse(body)
    if notice.order_id is None or notice.amount is None:
        raise DomainError("invalid-input", _NOTICE_INCOMPLETE, status=422)
    return Actor.SYSTEM, notice


Notice = Annotated[tuple[Actor, PaymentNotice], Depends(authenticate)]
"""Who says the money moved (admin or provider) and what they say."""


@router.post("/{order_id}/payment", response_model=OrderView)
async def confirm_payment(
    order_id: OrderId, caller: Caller, book: Book, notice: Notice
) -> OrderView:
    """Mark a bank-transfer or e-wallet order paid (admin, or signed provider callback)."""
    actor, details = notice

    def decide(order: Order) -> list[OrderEvent]:
        _check_notice(order, details, actor)
        return order.confirm_payment(actor, caller.subject, datetime.now(UTC), details.reference)

    return await _apply(book, order_id, actor, caller, decide)


@router.post("/{order_id}/refund", response_model=OrderView)
async def mark_refunded(order_id: OrderId, caller: Caller, book: Book, notice: Notice) -> OrderView:
    """Mark the refund of a cancelled, paid order as made (admin, or signed provider callback)."""
    actor, details = notice

    def decide(order: Order) -> list[OrderEvent]:
        _check_notice(order, details, actor)
        return order.mark_refunded(actor, caller.subject, datetime.now(UTC))

    return await _apply(book, order_id, actor, caller, decide)


def _parse(body: bytes) -> PaymentNotice:
    try:
        return PaymentNotice.model_validate_json(body or b"{}")
    except ValidationError as exc:
        raise DomainError(
            "invalid-input",
            Message(id="Data pembayaran tidak valid.", en="The payment data is not valid."),
            status=422,
            extra={"errors": [err["msg"] for err in exc.errors()[:5]]},
        ) from exc


def _check_notice(order: Order, notice: PaymentNotice, actor: Actor) -> None:
    """A provider's notice must be about this order and this amount."""
    if actor is not Actor.SYSTEM:
        return
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


_TOO_LARGE = Message(id="Isi permintaan terlalu besar.", en="Request body too large.")
_NOTICE_INCOMPLETE = Message(
    id="Callback harus menyebut order_id dan amount.",
    en="A callback must name the order_id and the amount.",
)
