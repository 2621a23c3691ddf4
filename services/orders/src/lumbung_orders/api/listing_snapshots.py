"""What the orders service knows about a listing (its read model), for clients and support."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.state import from_state
from pydantic import BaseModel, Field

from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository

router = APIRouter(prefix="/v1/orders/listing-snapshots", tags=["orders"])


Snapshots = Annotated[
    ListingSnapshotRepository,
    Depends(from_state("listing_snapshots", ListingSnapshotRepository)),
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
    listing_id: str, caller: Caller, snapshots: Snapshots
) -> ListingSnapshotView:
    """The orders service's copy of a listing (from listing events)."""
    del caller  # any verified caller may see public listing data
    return ListingSnapshotView.model_validate(await snapshots.get(listing_id))
