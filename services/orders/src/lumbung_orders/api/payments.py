"""Money arriving (`POST /v1/orders/{order_id}/payment`, marks the order paid and emits
`payment.confirmed`) or going back (`POST /v1/orders/{order_id}/refund`, marks a requested
refund as made and emits `payment.refunded`).

**Who may call.** An admin signed in through the gateway, with an optional body
`{"reference": "..."}`; or a payment provider's server-to-server callback, without a user
token, signed with the shared secret `ORDERS_PAYMENT_CALLBACK_SECRET`. Anyone else: 403.

**Provider callback contract (signature `v1`).**

- Body (JSON, at most 4096 bytes): `{"order_id": "<id from the URL>", "amount": <order total
  in rupiah>, "reference": "<your transaction id, optional>"}`.
- Headers:
  - `X-Payment-Timestamp`: Unix time in whole seconds.
  - `X-Payment-Callback-Id`: your unique id of this callback, 1-64 characters from
    `A-Z a-z 0-9 . _ : -`, starting with a letter or digit. Keep it when you retry.
  - `X-Payment-Signature`: lowercase hex `HMAC-SHA256(secret, message)` (`sha256=` prefix
    optional), where `message` is these seven lines joined by `\\n`, without a final newline:
    `v1`, `POST`, the path `/v1/orders/<order_id>/<payment|refund>`, `<order_id>`,
    `<timestamp>`, `<callback id>`, and the lowercase hex SHA-256 of the raw body bytes.
- We verify before parsing the body. 401 (problem+json) when the timestamp is more than
  5 minutes from our clock (`signature-expired`), the callback id is missing or malformed
  (`callback-id-invalid`), or the signature does not match this method, action, order,
  timestamp, callback id and body (`signature-invalid`): a "paid" callback sent to `/refund`,
  or to another order's URL, is refused. Then 422 when the body's order id or amount does not
  match the order (`payment-mismatch`), 409 when the move does not fit the order
  (`refund-not-requested`, `payment-refunded`, `cod-paid-on-delivery`).
- **Replays.** Each order remembers the callback ids it answered with 200 (in the same write
  as the change, so a crash cannot separate them). A callback whose id the order has seen
  changes nothing and emits nothing, whatever its body or action says: it is answered 200 with
  the order as it is now and the header `Idempotent-Replayed: true`. A retry after a non-200
  answer is evaluated afresh. Confirming an already paid order under a new callback id is also
  a harmless 200 without a second event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Header, Request, Response
from lumbung_shared.errors import DomainError, ForbiddenError, Message
from lumbung_shared.web.identity import Caller, Identity, Role
from pydantic import BaseModel, Field, ValidationError

from lumbung_orders.api.deps import OrderId, Payments, Settings
from lumbung_orders.api.views import OrderView, order_view
from lumbung_orders.domain.callbacks import CallbackAction, ProviderCallback, verify_callback
from lumbung_orders.domain.states import Actor
from lumbung_orders.usecases.record_payment import MoneyMove, PaymentNotice

router = APIRouter(prefix="/v1/orders", tags=["payments"])

PROVIDER_CONTRACT: Final = __doc__ or ""
MAX_BODY_BYTES: Final = 4096
REPLAYED_HEADER: Final = "Idempotent-Replayed"


class PaymentBody(BaseModel):
    """What an admin or a provider tells us about the money."""

    order_id: Annotated[str, Field(max_length=64)] | None = None
    amount: Annotated[int, Field(ge=0)] | None = None
    reference: Annotated[str, Field(max_length=128)] | None = None


SignatureHeader = Annotated[str | None, Header(alias="x-payment-signature", max_length=200)]
TimestampHeader = Annotated[str | None, Header(alias="x-payment-timestamp", max_length=20)]
CallbackIdHeader = Annotated[str | None, Header(alias="x-payment-callback-id")]


def notice_for(action: CallbackAction) -> Any:
    """Dependency: an admin acts as admin; anyone else must send a valid `action` callback."""

    async def authenticate(
        request: Request,
        order_id: OrderId,
        caller: Caller,
        settings: Settings,
        *,
        signature: SignatureHeader = None,
        timestamp: TimestampHeader = None,
        callback_id: CallbackIdHeader = None,
    ) -> PaymentNotice:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise DomainError("too-large", _TOO_LARGE, status=413)
        if caller.role is Role.ADMIN:
            return _notice(Actor.ADMIN, caller, _parse(body))
        secret = settings.payment_callback_secret.get_secret_value()
        if caller.role is not Role.ANONYMOUS or signature is None or not secret:
            raise ForbiddenError()
        callback = ProviderCallback(
            method=request.method,
            order_id=order_id,
            action=action,
            timestamp=timestamp or "",
            callback_id=callback_id or "",
            body=body,
        )
        verify_callback(secret, callback, signature, now=datetime.now(UTC))
        details = _parse(body)
        if details.order_id is None or details.amount is None:
            raise DomainError("invalid-input", _NOTICE_INCOMPLETE, status=422)
        return _notice(Actor.SYSTEM, caller, details, callback.callback_id)

    return Depends(authenticate)


PaymentCallback = Annotated[PaymentNotice, notice_for(CallbackAction.PAYMENT)]
RefundCallback = Annotated[PaymentNotice, notice_for(CallbackAction.REFUND)]


@router.post(
    "/{order_id}/payment",
    response_model=OrderView,
    summary="Mark a bank-transfer or e-wallet order paid (admin, or signed provider callback)",
    description=PROVIDER_CONTRACT,
)
async def confirm_payment(
    order_id: OrderId, payments: Payments, notice: PaymentCallback, response: Response
) -> OrderView:
    recorded = await payments(order_id, MoneyMove.PAID, notice)
    if recorded.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return order_view(recorded.stored)


@router.post(
    "/{order_id}/refund",
    response_model=OrderView,
    summary="Mark the refund of a cancelled, paid order as made (admin, or signed callback)",
    description=PROVIDER_CONTRACT,
)
async def mark_refunded(
    order_id: OrderId, payments: Payments, notice: RefundCallback, response: Response
) -> OrderView:
    recorded = await payments(order_id, MoneyMove.REFUNDED, notice)
    if recorded.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return order_view(recorded.stored)


def _notice(
    actor: Actor, caller: Identity, body: PaymentBody, callback_id: str | None = None
) -> PaymentNotice:
    return PaymentNotice(
        actor=actor,
        caller=caller,
        order_id=body.order_id,
        amount=body.amount,
        reference=body.reference,
        callback_id=callback_id,
    )


def _parse(body: bytes) -> PaymentBody:
    try:
        return PaymentBody.model_validate_json(body or b"{}")
    except ValidationError as exc:
        raise DomainError(
            "invalid-input",
            Message(id="Data pembayaran tidak valid.", en="The payment data is not valid."),
            status=422,
            extra={"errors": [err["msg"] for err in exc.errors()[:5]]},
        ) from exc


_TOO_LARGE = Message(id="Isi permintaan terlalu besar.", en="Request body too large.")
_NOTICE_INCOMPLETE = Message(
    id="Callback harus menyebut order_id dan amount.",
    en="A callback must name the order_id and the amount.",
)
