"""What the orders service knows about a listing (its read model), for clients and support.

The copy answers only what the listings service itself would show the caller
(`domain.visibility`): public statuses to anyone, drafts and archived listings to their seller
and admins, 404 to everyone else, the same 404 as for an unknown id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.state import from_service
from pydantic import BaseModel, Field

from lumbung_orders.usecases.listing_snapshots import ShowListingSnapshot

router = APIRouter(prefix="/v1/orders/listing-snapshots", tags=["orders"])


ListingId = Annotated[str, Path(min_length=1, max_length=64)]
ShowSnapshot = Annotated[
    ShowListingSnapshot, Depends(from_service("show_listing_snapshot", ShowListingSnapshot))
]


class ListingSnapshotView(BaseModel):
    """The listing as orders will price it."""

    listing_id: str = Field(validation_alias="_id")
    seller_id: str
    kind: str
    commodity: str
    title: str
    unit: str
    price_per_unit: int
    quantity_available: int
    min_order: int
    status: str
    origin_region: str
    version: int


@router.get("/{listing_id}", response_model=ListingSnapshotView)
async def get_listing_snapshot(
    listing_id: ListingId, caller: Caller, show: ShowSnapshot
) -> ListingSnapshotView:
    """The orders service's copy of a listing (from listing events), if the caller may see it.

    Active, paused and sold-out listings: anyone. Drafts and archived listings: their seller and
    admins only; anyone else gets 404, as for a listing that does not exist.
    """
    return ListingSnapshotView.model_validate(await show(listing_id, caller))
