"""The payout ledger's views (`/v1/payouts`) and an admin's refund of a completed order.

`GET /v1/payouts/mine`: a farmer's or fisher's own sales through cooperatives and the money
owed for them; `GET /v1/payouts/statement`: a cooperative's period, per member, with its fee
(admins name the cooperative). Both read a period of at most 93 days; FerretDB scans the orders
for them (only `_id` is indexed there), so a read considers at most 2000 orders.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from lumbung_shared.web.state import from_service
from pydantic import BaseModel, Field

from lumbung_orders.api.deps import OrderId
from lumbung_orders.api.views import OrderView, order_view
from lumbung_orders.domain.payout_views import AggregatorStatement, MemberEntry
from lumbung_orders.usecases.payouts import ReadPayouts, RefundCompleted

router = APIRouter(prefix="/v1/payouts", tags=["payouts"])
refunds = APIRouter(prefix="/v1/orders", tags=["payments"])

Reads = Annotated[ReadPayouts, Depends(from_service("read_payouts", ReadPayouts))]
Refunds = Annotated[RefundCompleted, Depends(from_service("refund_completed", RefundCompleted))]
From = Annotated[
    datetime | None, Query(alias="from", description="Start (inclusive); default `to` - 31 days.")
]
To = Annotated[datetime | None, Query(description="End (exclusive); default now.")]
DEFAULT_PERIOD = timedelta(days=31)


class MemberPayoutsView(BaseModel):
    """A member's sales in the period (a page) and the period's totals in rupiah."""

    entries: list[MemberEntry]
    accrued: int = Field(description="Money accrued to you in the period.")
    reversed: int = Field(description="Of it, reversed because the buyer was refunded.")
    owed: int = Field(description="accrued - reversed.")
    next_cursor: str | None
    truncated: bool = Field(description="More orders than one read considers: shorten the period.")


class StatementView(BaseModel):
    """A cooperative's payouts accrued in the period, per member (`owed` net of refunds)."""

    start: datetime
    end: datetime
    statement: AggregatorStatement
    truncated: bool


class RefundRequest(BaseModel):
    """Why a completed order's money goes back (kept on `payout.reversed`)."""

    reason: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


def _period(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The period asked for; without `from`, the 31 days before `to` (a `to` too close to the
    year 1 for that is checked as a period ending where it starts: 422)."""
    end = end or datetime.now(UTC)
    if start is not None:
        return start, end
    try:
        return end - DEFAULT_PERIOD, end
    except OverflowError:
        return end, end


@router.get("/mine", response_model=MemberPayoutsView, responses=problem_responses(403, 422))
async def my_payouts(
    caller: Caller,
    reads: Reads,
    *,
    start: From = None,
    end: To = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MemberPayoutsView:
    """Your sales through cooperatives and the money owed to you (farmers and fishers)."""
    found = await reads.mine(caller, *_period(start, end), cursor, limit)
    return MemberPayoutsView(
        entries=found.entries,
        accrued=found.accrued,
        reversed=found.reversed,
        owed=found.owed,
        next_cursor=found.next_cursor,
        truncated=found.truncated,
    )


@router.get("/statement", response_model=StatementView, responses=problem_responses(403, 422))
async def payout_statement(
    caller: Caller,
    reads: Reads,
    *,
    start: From = None,
    end: To = None,
    aggregator_id: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Admins: which cooperative.")
    ] = None,
) -> StatementView:
    """A cooperative's payout statement for a period: per member quantity, amount and fee."""
    period = _period(start, end)
    found = await reads.statement(caller, aggregator_id, *period)
    return StatementView(
        start=period[0], end=period[1], statement=found.statement, truncated=found.truncated
    )


@refunds.post(
    "/{order_id}/refund-request",
    response_model=OrderView,
    responses=problem_responses(400, 403, 404, 409, 422),
)
async def refund_completed_order(
    order_id: OrderId, caller: Caller, refund: Refunds, body: Annotated[RefundRequest, Body()]
) -> OrderView:
    """Admins: send a completed order's money back (a dispute); its payouts reverse when the
    refund is marked made (`POST /v1/orders/{order_id}/refund`)."""
    return order_view(await refund(order_id, caller, body.reason))
