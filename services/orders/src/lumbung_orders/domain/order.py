"""The `Order` aggregate: one seller's share of a checkout, from placement to completion.

Each method checks the move against the state table, changes the order, appends a timeline
entry and returns the events to emit. The caller saves the order and its events in one write
(outbox), so an order never changes without telling the listings service to reserve or release
stock, and never tells it without changing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final, Self

from lumbung_shared.errors import NotFoundError
from pydantic import BaseModel, ConfigDict

from lumbung_orders.domain import order_lines, payments, pre_orders
from lumbung_orders.domain.delivery import DeliveryRequest
from lumbung_orders.domain.events import (
    OrderEvent,
    OrderEventName,
    SagaOutcome,
    SagaReply,
    event_for_state,
)
from lumbung_orders.domain.expiry import DEFAULT_CONFIRM_WITHIN, expires_at, not_yet_expired
from lumbung_orders.domain.order_lines import HeldListing, PricedLine
from lumbung_orders.domain.payments import PaymentMethod, PaymentStatus
from lumbung_orders.domain.payouts import REFUNDED, Payout, reverse_open
from lumbung_orders.domain.pricing import PlaceOrderRequest, PricedOrder
from lumbung_orders.domain.rejection import TIMEOUT, RejectedLine
from lumbung_orders.domain.states import Actor, OrderState, transition
from lumbung_orders.domain.timeline import TimelineEntry

_ACCRUED, _REVERSED = OrderEventName.PAYOUT_ACCRUED, OrderEventName.PAYOUT_REVERSED
_RELEASE = OrderEventName.STOCK_RELEASE_REQUESTED
UNFULFILLED_ENDINGS: Final = frozenset(
    {OrderState.REJECTED, OrderState.DECLINED, OrderState.CANCELLED, OrderState.EXPIRED}
)
"""Endings without delivery: money already paid for such an order must go back."""


class Order(BaseModel):
    """One seller's order with its state, payment, stock hold and history."""

    model_config = ConfigDict(extra="forbid")

    order_id: str
    buyer_id: str
    seller_id: str | None
    """None until `stock.reserved` names it (a listing unknown at checkout): until then only
    the buyer and admins see the order (`domain.access`), and no seller may move it."""
    lines: tuple[PricedLine, ...]
    total: int | None
    """None while a line has no price (set when listings reserves at its current price)."""
    delivery: DeliveryRequest
    payment_method: PaymentMethod
    note: str | None = None
    state: OrderState = OrderState.PENDING
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    refund_requested: bool = False
    placed_at: datetime
    reserved_at: datetime | None = None
    expires_at: datetime | None = None
    """When the current step lapses unanswered: the stock decision, then the seller's confirm."""
    stock_held: bool = False
    """True while the listings service holds stock for this order."""
    reservation_seen: bool = False
    """True once `stock.reserved` arrived, so a redelivered reply is recognised and ignored."""
    rejection_reason: str | None = None
    rejected_line: RejectedLine | None = None
    delivery_at_risk: bool = False
    risk_alert_ids: list[str] = []
    pre_order: pre_orders.PreOrder | None = None
    """Set on an order of a trip's expected catch (`domain.pre_orders`); None for the others."""
    payment_callback_ids: list[str] = []
    """Provider callback ids this order answered (`domain.callbacks`): replays change nothing."""
    payouts: list[Payout] = []
    """What members of a cooperative are owed for its lines, from completion (`domain.payouts`)."""
    refund_reason: str | None = None
    timeline: list[TimelineEntry] = []

    @classmethod
    def place(
        cls,
        *,
        order_id: str,
        buyer_id: str,
        priced: PricedOrder,
        request: PlaceOrderRequest,
        at: datetime,
        decide_within: timedelta | None = None,
        pre_order: bool = False,
    ) -> tuple[Self, list[OrderEvent]]:
        """A new pending order and its `order.placed` event, which asks for stock by a deadline."""
        order = cls(
            order_id=order_id,
            buyer_id=buyer_id,
            seller_id=priced.seller_id,
            lines=priced.lines,
            total=priced.total,
            delivery=request.delivery,
            payment_method=request.payment_method,
            note=request.note,
            pre_order=pre_orders.PreOrder() if pre_order else None,
            placed_at=at,
            expires_at=None if decide_within is None else expires_at(at, decide_within),
            timeline=[
                TimelineEntry(state=OrderState.PENDING, actor=Actor.BUYER, actor_id=buyer_id, at=at)
            ],
        )
        placed = order.event(
            OrderEventName.PLACED, at, lines=order._stock_lines(), total=order.total
        )
        return order, [placed]

    # The stock saga.

    def on_stock_reserved(
        self,
        at: datetime,
        confirm_within: timedelta = DEFAULT_CONFIRM_WITHIN,
        held: Sequence[HeldListing] = (),
        members: order_lines.Contributions | None = None,
    ) -> SagaReply:
        """Apply `stock.reserved`: reserve a pending order, or give stock back if it is too late.

        An order placed before its listing was known is completed from `held` (`resolve`); the
        lines of a cooperative's listing keep whose stock was reserved (`with_shares`)."""
        if self.reservation_seen:
            return SagaReply(SagaOutcome.IGNORED)
        self.reservation_seen = True
        if self.state is not OrderState.PENDING:
            release = self.event(_RELEASE, at, lines=self._stock_lines())
            return SagaReply(SagaOutcome.RELEASE, [release])
        self.seller_id, lines = order_lines.resolve(self.seller_id, self.lines, held)
        self.lines = order_lines.with_shares(self.seller_id, lines, members)
        self.total = order_lines.order_total(self.lines)
        self.stock_held = True
        waits = pre_orders.awaiting_landing(self.pre_order)  # its deadline starts at landing
        self.reserved_at, self.expires_at = at, None if waits else expires_at(at, confirm_within)
        events = self._move(OrderState.RESERVED, Actor.SYSTEM, None, at)
        return SagaReply(SagaOutcome.APPLIED, events)

    def on_stock_rejected(
        self, reason: str, at: datetime, line: RejectedLine | None = None
    ) -> SagaReply:
        """Apply `stock.rejected`: a pending order is rejected; anything else ignores it."""
        if self.state is not OrderState.PENDING:
            return SagaReply(SagaOutcome.IGNORED)
        self.rejection_reason, self.rejected_line, self.expires_at = reason, line, None
        events = self._move(OrderState.REJECTED, Actor.SYSTEM, None, at, reason)
        return SagaReply(SagaOutcome.APPLIED, events)

    # People acting on the order.

    def confirm(self, actor: Actor, actor_id: str | None, at: datetime) -> list[OrderEvent]:
        """The seller accepts the reserved order (a pre-order once its catch has landed)."""
        pre_orders.check_landed(self.pre_order)
        return self._move(OrderState.CONFIRMED, actor, actor_id, at)

    def decline(
        self, actor: Actor, actor_id: str | None, at: datetime, reason: str | None = None
    ) -> list[OrderEvent]:
        """The seller turns the order down; stock goes back, paid money is refunded."""
        return self._move(OrderState.DECLINED, actor, actor_id, at, reason)

    def ship(self, actor: Actor, actor_id: str | None, at: datetime) -> list[OrderEvent]:
        """The goods left the seller; from now on the buyer can no longer cancel."""
        return self._move(OrderState.SHIPPED, actor, actor_id, at)

    def deliver(self, actor: Actor, actor_id: str | None, at: datetime) -> list[OrderEvent]:
        """The goods arrived; COD is paid at the door, and a paid order completes."""
        events = self._move(OrderState.DELIVERED, actor, actor_id, at)
        if payments.collected_at_door(self.payment_method, self.payment_status):
            events += self._mark_paid(at, None)
        return events + self._complete_if_done(at)

    def cancel(
        self, actor: Actor, actor_id: str | None, at: datetime, reason: str | None = None
    ) -> list[OrderEvent]:
        """The buyer (or an admin) calls the order off before shipping."""
        return self._move(OrderState.CANCELLED, actor, actor_id, at, reason)

    def expire(self, now: datetime) -> list[OrderEvent]:
        """The sweeper: no stock decision in time rejects (`timeout`); no confirmation expires.

        A timed-out order's `order.rejected` makes listings release whatever it may hold; a
        `stock.reserved` arriving later is given back (`on_stock_reserved`).
        """
        if self.expires_at is not None and now < self.expires_at:
            raise not_yet_expired(self.expires_at)
        if self.state is OrderState.PENDING:
            self.rejection_reason, self.expires_at = TIMEOUT, None
            return self._move(OrderState.REJECTED, Actor.SYSTEM, None, now, TIMEOUT)
        return self._move(OrderState.EXPIRED, Actor.SYSTEM, None, now, "not-confirmed-in-time")

    # Money.

    def confirm_payment(
        self, actor: Actor, actor_id: str | None, at: datetime, reference: str | None = None
    ) -> list[OrderEvent]:
        """An admin or the signed provider callback says the money arrived (repeats are no-ops)."""
        if self.total is None:
            raise order_lines.NOT_PRICED_YET
        if not payments.accept_payment(self.payment_method, self.payment_status, actor):
            return []
        events = self._mark_paid(at, reference)
        if self.state in UNFULFILLED_ENDINGS:
            return events + self._request_refund(at)
        return events + self._complete_if_done(at)

    def mark_refunded(self, actor: Actor, actor_id: str | None, at: datetime) -> list[OrderEvent]:
        """The refund asked for by `order.refund_requested` was made; members' payouts reverse."""
        payments.accept_refund(self.payment_status, self.refund_requested, actor)
        self.payment_status = PaymentStatus.REFUNDED
        events = [self.event(OrderEventName.REFUNDED, at, actor=actor.value, actor_id=actor_id)]
        return events + self._reverse_payouts(at)

    def refund_completed(
        self, actor: Actor, actor_id: str | None, at: datetime, reason: str
    ) -> list[OrderEvent]:
        """An admin settles a dispute over a completed order: the buyer's money goes back."""
        payments.check_refundable(self.state, self.payment_status, self.refund_requested, actor)
        self.refund_reason = reason
        return self._request_refund(at)

    # Internals.

    def _move(
        self,
        target: OrderState,
        actor: Actor,
        actor_id: str | None,
        at: datetime,
        reason: str | None = None,
    ) -> list[OrderEvent]:
        """Check and apply one state change; release stock and request refunds it implies."""
        self._authorize(actor, actor_id)
        result = transition(self.state, target, actor)
        self.state = target
        self.timeline.append(
            TimelineEntry(state=target, actor=actor, actor_id=actor_id, at=at, reason=reason)
        )
        data: dict[str, Any] = {
            "previous_state": result.source.value,
            "actor": actor.value,
            "reason": reason,
            "release_stock": result.releases_stock,
        }
        if result.releases_stock:
            self.stock_held = False
            data["lines"] = self._stock_lines()
        events = [self.event(event_for_state(target), at, **data)]
        if target in UNFULFILLED_ENDINGS:
            events += self._request_refund(at)
        return events

    def _authorize(self, actor: Actor, actor_id: str | None) -> None:
        """A buyer or seller acts only on their own orders (none on one with no seller yet);
        others see 404, not 403 (BOLA)."""
        if actor in (Actor.BUYER, Actor.SELLER):
            owner = self.buyer_id if actor is Actor.BUYER else self.seller_id
            if owner is None or actor_id != owner:
                raise NotFoundError("Pesanan", "Order")

    def _mark_paid(self, at: datetime, reference: str | None) -> list[OrderEvent]:
        self.payment_status = PaymentStatus.PAID
        method = self.payment_method.value
        return [self.event(OrderEventName.PAID, at, method=method, reference=reference)]

    def _request_refund(self, at: datetime) -> list[OrderEvent]:
        if not payments.needs_refund(self.payment_status) or self.refund_requested:
            return []
        self.refund_requested = True
        method = self.payment_method.value
        return [self.event(OrderEventName.REFUND_REQUESTED, at, amount=self.total, method=method)]

    def _complete_if_done(self, at: datetime) -> list[OrderEvent]:
        """Complete a delivered, paid order; each cooperative line's payout accrues in the same
        write (an order completes once, so it accrues once)."""
        if not payments.can_complete(self.state, self.payment_status):
            return []
        events = self._move(OrderState.COMPLETED, Actor.SYSTEM, None, at)
        self.payouts = order_lines.payouts_due(self.lines, at)
        return events + [self.event(_ACCRUED, at, listing_id=p.listing_id) for p in self.payouts]

    def _reverse_payouts(self, at: datetime) -> list[OrderEvent]:
        self.payouts, listing_ids = reverse_open(self.payouts, self.refund_reason or REFUNDED, at)
        return [self.event(_REVERSED, at, listing_id=listing_id) for listing_id in listing_ids]

    def _stock_lines(self) -> list[dict[str, Any]]:
        return [{"listing_id": line.listing_id, "quantity": line.quantity} for line in self.lines]

    def event(self, name: OrderEventName, at: datetime, **data: Any) -> OrderEvent:
        """An event of this order, with its parties and state (`domain.risk` emits some too)."""
        common = {"buyer_id": self.buyer_id, "seller_id": self.seller_id, "state": self.state.value}
        return OrderEvent(name=name, order_id=self.order_id, occurred_at=at, data=common | data)
