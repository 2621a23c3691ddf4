"""What the orders service knows about a listing (its read model), for clients and support.

The copy answers only what the listings service itself would show the caller
(`domain.visibility`): public statuses to anyone, drafts and archived listings to their seller
and admins, 404 to everyone else, the same 404 as for an unknown id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from lumbung_shared.web.state import from_service
from pydantic import BaseModel, ConfigDict, Field

from lumbung_orders.domain.payouts import AggregatorTerms
from lumbung_orders.usecases.listing_snapshots import ShowListingSnapshot

router = APIRouter(prefix="/v1/orders/listing-snapshots", tags=["orders"])


ListingId = Annotated[str, Path(min_length=1, max_length=64)]
ShowSnapshot = Annotated[
    ShowListingSnapshot, Depends(from_service("show_listing_snapshot", ShowListingSnapshot))
]


class ListingSnapshotView(BaseModel):
    """The listing as orders will price it (`kind`, `unit` and `status` as listings sends them)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "listing_id": "01JDQ3Z8V7K9M2X4B6N8P0R2T4",
                    "seller_id": "01JDQ1F0H2K4M6P8R0T2V4X6Z8",
                    "kind": "produce",
                    "commodity": "bawang-merah",
                    "title": "Bawang merah Amuntai",
                    "unit": "kg",
                    "price_per_unit": 38000,
                    "quantity_available": 100,
                    "min_order": 5,
                    "status": "active",
                    "origin_region": "63.08",
                    "version": 3,
                }
            ]
        }
    )

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
    aggregator: AggregatorTerms | None = None
    """Set on a cooperative's listing: who sells for its members, at which fee."""


@router.get(
    "/{listing_id}", response_model=ListingSnapshotView, responses=problem_responses(404, 422)
)
async def get_listing_snapshot(
    listing_id: ListingId, caller: Caller, show: ShowSnapshot
) -> ListingSnapshotView:
    """The orders service's copy of a listing (from listing events), if the caller may see it.

    Active, paused and sold-out listings: anyone. Drafts and archived listings: their seller and
    admins only; anyone else gets 404, as for a listing that does not exist.
    """
    return ListingSnapshotView.model_validate(await show(listing_id, caller))
