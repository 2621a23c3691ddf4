"""The stock saga's replies (`lumbung.stock.events`) → `usecases.record_stock_reply`.

`stock.reserved` names the listings held (seller, price, title...), which complete an order
placed before this service knew its listing, and on a cooperative's listing whose stock the
units are (`StockLine.shares`), which its payouts are split by.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.stock import StockRejected, StockReserved
from lumbung_shared.inbox import self_idempotent
from lumbung_shared.kafka import EventHandler

from lumbung_orders.domain.order_lines import HeldListing
from lumbung_orders.domain.payouts import MemberShare
from lumbung_orders.domain.rejection import RejectedLine


def stock_handlers(
    reserved: Callable[[str, list[HeldListing], dict[str, list[MemberShare]]], Awaitable[None]],
    rejected: Callable[[str, str, RejectedLine | None], Awaitable[None]],
) -> Mapping[str, EventHandler]:
    """Handlers by event type for the saga replies; the order recognises a repeated reply."""

    async def on_reserved(event: Envelope[Any]) -> None:
        payload: StockReserved = event.payload
        held = [HeldListing.model_validate(listing.model_dump()) for listing in payload.listings]
        shares = {
            line.listing_id: [MemberShare.model_validate(s.model_dump()) for s in line.shares]
            for line in payload.lines
            if line.shares
        }
        await reserved(payload.order_id, held, shares)

    async def on_rejected(event: Envelope[Any]) -> None:
        payload: StockRejected = event.payload
        line = None
        if payload.listing_id is not None:
            line = RejectedLine(listing_id=payload.listing_id, current_price=payload.current_price)
        await rejected(payload.order_id, _REASONS.get(payload.reason, payload.reason), line)

    return self_idempotent(
        {StockReserved.event_type: on_reserved, StockRejected.event_type: on_rejected}
    )


_REASONS = {"unknown_listing": "not_found"}
"""v1 said `unknown_listing` for what v2 calls `not_found`: buyers see one name."""
