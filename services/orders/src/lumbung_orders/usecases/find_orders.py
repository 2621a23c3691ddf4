"""Reading orders: one order for a party to it, pages of a party's orders, and `since` sync.

Without `since`, newest orders first (by `placed_at`, then id). With `since`, every order
changed at or after that moment, oldest change first (by `updated_at`, then id), so a phone can
sync only what changed since its last sync. The cursor is the sort key of the last item,
opaque to clients (`lumbung_shared.cursors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lumbung_shared.cursors import InvalidCursorError, decode_cursor, encode_cursor
from lumbung_shared.errors import NotFoundError
from lumbung_shared.identity import Identity, Role

from lumbung_orders.domain.access import may_see, sells
from lumbung_orders.domain.states import OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.storage.orders import OrderListing, OrderRepository, PageKey


@dataclass(frozen=True)
class OrdersPage:
    """One page of orders and the cursor of the next (None on the last page)."""

    items: list[StoredOrder]
    next_cursor: str | None


class FindOrders:
    """The read side of orders, with the same visibility rule as every change."""

    def __init__(self, orders: OrderRepository) -> None:
        self._orders = orders

    async def one(self, order_id: str, caller: Identity) -> StoredOrder:
        """The order if the caller may see it; 404 otherwise, whether or not it exists (BOLA)."""
        stored = await self._orders.get(order_id)
        if stored is None or not may_see(caller, stored.order):
            raise NotFoundError("Pesanan", "Order")
        return stored

    async def latest(self, order_id: str) -> StoredOrder | None:
        """The order as stored now (for a stream whose caller was already checked)."""
        return await self._orders.get(order_id)

    async def page(
        self,
        caller: Identity,
        *,
        states: list[OrderState] | None,
        since: datetime | None,
        cursor: str | None,
        limit: int,
        buyer_id: str | None = None,
        seller_id: str | None = None,
    ) -> OrdersPage:
        """A buyer's orders, a seller's incoming orders; admins all, filterable by party."""
        if caller.role is Role.BUYER:
            buyer_id, seller_id = caller.subject, None
        elif sells(caller):
            buyer_id, seller_id = None, caller.subject
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        listing = OrderListing(buyer_id or None, seller_id or None, states or None, since)
        if cursor is not None:
            listing = listing.after(_decode(cursor, listing.sort_field))
        found = await self._orders.page(listing, limit + 1)
        items = found[:limit]
        more = len(found) > limit
        return OrdersPage(items, _encode(listing, items[-1]) if more else None)


def _encode(listing: OrderListing, last: StoredOrder) -> str:
    key = listing.key_of(last)
    return encode_cursor({"f": listing.sort_field, "t": key.at.isoformat(), "i": key.order_id})


def _decode(cursor: str, field: str) -> PageKey:
    """The cursor's sort key; the shared 422 when it is not one of ours or another sort's."""
    raw = decode_cursor(cursor)
    try:
        if raw["f"] != field:
            raise ValueError("cursor from another listing order")
        return PageKey(datetime.fromisoformat(raw["t"]), str(raw["i"]))
    except (ValueError, KeyError, TypeError):
        raise InvalidCursorError from None
