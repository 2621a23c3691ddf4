"""Create a listing: active (or a draft), already flagged if a sea alert covers its origin."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from lumbung_shared.clock import utc_now
from lumbung_shared.mongo import Document

from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.listing import ListingDraft
from lumbung_listings.domain.listing_content import content_fields
from lumbung_listings.domain.stock import status_for_stock
from lumbung_listings.messaging.events import listing_created
from lumbung_listings.storage.documents import public
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.risk import SupplyRiskRepository


class CreateListing:
    """Stores a new listing and its `listing.created` in one insert."""

    def __init__(self, listings: ListingRepository, risk: SupplyRiskRepository) -> None:
        self._listings = listings
        self._risk = risk

    async def __call__(self, seller_id: str, draft: ListingDraft, *, publish: bool) -> Document:
        status = (
            status_for_stock(Status.ACTIVE, draft.quantity_available) if publish else Status.DRAFT
        )
        risks = await self._risk.active_for(draft.kind, draft.origin_region)
        doc = new_listing(
            uuid4().hex, seller_id=seller_id, draft=draft, status=status, risks=risks, now=utc_now()
        )
        await self._listings.insert(doc, listing_created(doc))
        return public(doc)


def new_listing(
    listing_id: str,
    *,
    seller_id: str,
    draft: ListingDraft,
    status: Status,
    risks: list[str],
    now: datetime,
) -> Document:
    """The first document of a listing (a trip's pre-listing adds its trip to it)."""
    return {
        "_id": listing_id,
        "seller_id": seller_id,
        **content_fields(draft),
        "status": status.value,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "reserved_orders": [],
        "photos": [],
        "photo_count": 0,
        "risk_alert_ids": risks,
        "supply_at_risk": bool(risks),
        "deleted": False,
    }
