"""Whose units an order holds on an aggregator's listing, worked out on the listing document.

The hold of each order (`pool_holds`) is written in the same guarded update that takes the
units, so a release always finds exactly what was taken, and from which contributions.
"""

from __future__ import annotations

from lumbung_shared.events.stock import MemberShare
from lumbung_shared.mongo import Document

from lumbung_listings.domain.pool import (
    Contribution,
    Share,
    allocate,
    give_back_shares,
    member_shares,
)
from lumbung_listings.storage.documents import CONTRIBUTIONS, POOL_HOLDS


def shares_held(doc: Document, order_id: str) -> list[MemberShare]:
    """Whose units `order_id` holds on `doc`: per member, FIFO order; empty on a plain listing.

    On a member's own listing sold by an aggregator, all of them are that member's.
    """
    terms = doc.get("aggregator")
    if not terms:
        return []
    hold = hold_of(doc, order_id)
    if hold is None:
        return []
    if not terms.get("pooled"):
        return [MemberShare(member_id=doc["producer_ids"][0], quantity=hold["quantity"])]
    shares = [Share.of(share) for share in hold["shares"]]
    return [MemberShare(member_id=m, quantity=q) for m, q in member_shares(shares)]


def hold_of(doc: Document, order_id: str) -> Document | None:
    return next((h for h in doc.get(POOL_HOLDS, []) if h["order_id"] == order_id), None)


def pool_take(doc: Document, order_id: str, quantity: int) -> Document:
    """On an aggregator's listing: the oldest contributions give the units, the hold says so."""
    terms = doc.get("aggregator")
    if not terms:
        return {}
    hold: Document = {"order_id": order_id, "quantity": quantity, "shares": []}
    extra: Document = {}
    if terms.get("pooled"):
        pool = [Contribution.of(c) for c in doc.get(CONTRIBUTIONS, [])]
        after, shares = allocate(pool, quantity)
        hold["shares"] = [s.as_doc() for s in shares]
        extra[CONTRIBUTIONS] = [c.as_doc() for c in after]
    extra[POOL_HOLDS] = [*doc.get(POOL_HOLDS, []), hold]
    return extra


def pool_release(doc: Document, order_id: str, quantity: int) -> tuple[int, Document]:
    """Units back on sale and the fields to set: a pool returns them to their contributions.

    Units of a member who left meanwhile leave the pool with them (withdrawn, not on sale).
    """
    terms = doc.get("aggregator")
    hold = hold_of(doc, order_id) if terms else None
    if not terms or hold is None:
        return quantity, {}
    holds = [h for h in doc.get(POOL_HOLDS, []) if h["order_id"] != order_id]
    if not terms.get("pooled"):
        return quantity, {POOL_HOLDS: holds}
    pool = [Contribution.of(c) for c in doc.get(CONTRIBUTIONS, [])]
    after, on_sale = give_back_shares(pool, [Share.of(s) for s in hold["shares"]])
    return on_sale, {CONTRIBUTIONS: [c.as_doc() for c in after], POOL_HOLDS: holds}
