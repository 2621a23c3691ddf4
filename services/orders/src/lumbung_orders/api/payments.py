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

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Depends, Header, Request, Response
from lumbung_shared.errors import DomainError, ForbiddenError, Message
from lumbung_shared.web.identity import Caller, Identity, Role
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, ConfigDict, Field

from lumbung_orders.api.deps import OrderId, Payments, Settings
from lumbung_orders.api.views import OrderView, order_view
from lumbung_orders.domain.callbacks import (
    CALLBACK_ID_PATTERN,
    CallbackAction,
    ProviderCallback,
    verify_callback,
)
from lumbung_orders.domain.pricing import ToInteger
from lumbung_orders.domain.states import Actor
from lumbung_orders.usecases.record_payment import MoneyMove, PaymentNotice

router = APIRouter(prefix="/v1/orders", tags=["payments"])

PROVIDER_CONTRACT: Final = __doc__ or ""
MAX_BODY_BYTES: Final = 4096
REPLAYED_HEADER: Final = "Idempotent-Replayed"
MAX_AMOUNT: Final = 2**53
"""The largest integer every JSON reader keeps exact (a double); no order comes near it."""


class PaymentDetails(BaseModel):
    """What an admin or a provider tells us about the money (a provider: `order_id` and
    `amount` required; an admin may send only a `reference`, or no body at all)."""

    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "examples": [
                {"order_id": "01JDQ4A2C4E6G8J0K2M4N6P8Q0", "amount": 40000, "reference": "OVO-77"},
                {"reference": "BRI transfer 2026-12-02"},
            ]
        },
    )

    order_id: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="The order id in the URL (required in a provider callback)."
    )
    amount: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT), ToInteger] | None = Field(
        default=None, description="The order total in rupiah (required in a provider callback)."
    )
    reference: Annotated[str, Field(max_length=128)] | None = Field(
        default=None, description="Your transaction id, kept on the payment event."
    )


NO_DETAILS: Final = PaymentDetails()
Details = Annotated[
    PaymentDetails, Body(description="Optional for admins; a provider callback sends all three.")
]

# The signature headers are credentials: a malformed one is a 401 from `verify_callback` (the
# provider contract), so their formats are declared for the document only (`json_schema_extra`)
# instead of being enforced as a 422 by FastAPI.
SignatureHeader = Annotated[
    str | None,
    Header(
        alias="x-payment-signature",
        max_length=200,
        description="Provider callbacks: lowercase hex HMAC-SHA256, `sha256=` prefix optional.",
        json_schema_extra={"pattern": "^(sha256=)?[0-9a-f]{64}$"},
    ),
]
TimestampHeader = Annotated[
    str | None,
    Header(
        alias="x-payment-timestamp",
        max_length=20,
        description="Provider callbacks: Unix time in whole seconds, within 5 minutes of ours.",
        json_schema_extra={"pattern": "^[0-9]+$"},
    ),
]
CallbackIdHeader = Annotated[
    str | None,
    Header(
        alias="x-payment-callback-id",
        description="Provider callbacks: your id of this callback; keep it when you retry.",
        json_schema_extra={"pattern": f"^{CALLBACK_ID_PATTERN.pattern}$", "maxLength": 64},
    ),
]


@dataclass(frozen=True)
class Informant:
    """Who reports the money: an admin, or a provider whose signature was verified."""

    actor: Actor
    caller: Identity
    callback_id: str | None = None

    def notice(self, details: PaymentDetails) -> PaymentNotice:
        """The notice to record; a provider must name the order and the amount."""
        if self.actor is Actor.SYSTEM and (details.order_id is None or details.amount is None):
            raise DomainError("invalid-input", _NOTICE_INCOMPLETE, status=422)
        return PaymentNotice(
            actor=self.actor,
            caller=self.caller,
            order_id=details.order_id,
            amount=details.amount,
            reference=details.reference,
            callback_id=self.callback_id,
        )


def informant_for(action: CallbackAction) -> Any:
    """Dependency: an admin acts as admin; anyone else must send a valid `action` callback.

    It runs before FastAPI validates the body's fields (only JSON that does not parse is refused
    earlier, 400), so an unsigned call learns nothing about them; it reads the raw bytes because
    the signature covers them exactly as sent.
    """

    async def authenticate(
        request: Request,
        order_id: OrderId,
        caller: Caller,
        settings: Settings,
        *,
        signature: SignatureHeader = None,
        timestamp: TimestampHeader = None,
        callback_id: CallbackIdHeader = None,
    ) -> Informant:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise DomainError("too-large", _TOO_LARGE, status=413)
        if caller.role is Role.ADMIN:
            return Informant(Actor.ADMIN, caller)
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
        return Informant(Actor.SYSTEM, caller, callback.callback_id)

    return Depends(authenticate)


PaymentInformant = Annotated[Informant, informant_for(CallbackAction.PAYMENT)]
RefundInformant = Annotated[Informant, informant_for(CallbackAction.REFUND)]
ANSWERS: Final = {
    200: {
        "headers": {
            REPLAYED_HEADER: {
                "description": "`true` when this callback id was answered before.",
                "schema": {"type": "string", "enum": ["true"]},
            }
        }
    },
    **problem_responses(400, 401, 403, 404, 409, 413, 422),
}


@router.post(
    "/{order_id}/payment",
    response_model=OrderView,
    responses=ANSWERS,
    summary="Mark a bank-transfer or e-wallet order paid (admin, or signed provider callback)",
    description=PROVIDER_CONTRACT,
)
async def confirm_payment(
    order_id: OrderId,
    payments: Payments,
    informant: PaymentInformant,
    response: Response,
    details: Details = NO_DETAILS,
) -> OrderView:
    recorded = await payments(order_id, MoneyMove.PAID, informant.notice(details))
    if recorded.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return order_view(recorded.stored)


@router.post(
    "/{order_id}/refund",
    response_model=OrderView,
    responses=ANSWERS,
    summary="Mark a requested refund as made (admin, or signed callback); payouts reverse",
    description=PROVIDER_CONTRACT,
)
async def mark_refunded(
    order_id: OrderId,
    payments: Payments,
    informant: RefundInformant,
    response: Response,
    details: Details = NO_DETAILS,
) -> OrderView:
    recorded = await payments(order_id, MoneyMove.REFUNDED, informant.notice(details))
    if recorded.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return order_view(recorded.stored)


_TOO_LARGE = Message(id="Isi permintaan terlalu besar.", en="Request body too large.")
_NOTICE_INCOMPLETE = Message(
    id="Callback harus menyebut order_id dan amount.",
    en="A callback must name the order_id and the amount.",
)
