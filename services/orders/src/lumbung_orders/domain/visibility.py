"""Who may see the orders service's copy of a listing: the same rule as the listings service.

The listing snapshot is a read model of another service's data, so it must not show more than
the owner of that data would: the listings service lets anyone read a listing by id while it
is `active`, `paused` or `sold_out`, or a trip's `pre_listed` or `called_off` (a buyer's order
keeps linking to it), and shows drafts and archived listings only to their seller and to admins.
A caller who may not see a listing gets the same 404 as for one that does not exist, so hidden
ids cannot be probed. A status this
service does not know yet is treated as hidden (fail closed).
"""

from __future__ import annotations

from typing import Final

from lumbung_shared.identity import Identity, Role

PUBLIC_LISTING_STATUSES: Final = frozenset(
    {"active", "paused", "sold_out", "pre_listed", "called_off"}
)
"""Mirrors `PUBLIC_BY_ID` in the listings service's `domain.access`."""


def listing_is_public(status: str) -> bool:
    """Whether anyone may read a listing in `status` by id."""
    return status in PUBLIC_LISTING_STATUSES


def may_see_listing(identity: Identity, seller_id: str, status: str) -> bool:
    """Whether `identity` may read the snapshot of a listing of `seller_id` in `status`."""
    if listing_is_public(status) or identity.is_admin:
        return True
    sells = identity.is_seller or identity.role is Role.AGGREGATOR
    return sells and identity.subject == seller_id


def buyer_may_see_listing(buyer_id: str, seller_id: str, status: str) -> bool:
    """`may_see_listing` for the buyer placing an order (checkout knows only their id)."""
    return listing_is_public(status) or buyer_id == seller_id
