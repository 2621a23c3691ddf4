"""Routes for creating and reading listings (`/v1/listings`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from lumbung_shared.web.identity import Caller, Identity, Role, require_roles
from pydantic import BaseModel, Field

from lumbung_listings.domain.listing import parse_draft
from lumbung_listings.storage.listings import ListingRepository

router = APIRouter(prefix="/v1/listings", tags=["listings"])


def listing_repository(request: Request) -> ListingRepository:
    repository: ListingRepository = request.state.listings
    return repository


Listings = Annotated[ListingRepository, Depends(listing_repository)]
Seller = Annotated[Identity, require_roles(Role.FARMER, Role.FISHER, Role.ADMIN)]


class ListingView(BaseModel):
    """A listing as clients see it."""

    id: str = Field(validation_alias="_id")
    seller_id: str
    kind: str
    commodity: str
    title: str
    description: str = ""
    unit: str
    price_per_unit: int
    quantity_available: int
    min_order: int
    grade: str | None = None
    origin_region: str
    harvest_date: date | None = None
    catch_date: date | None = None
    best_before: date | None = None
    tags: list[str] = Field(default_factory=list)
    status: str
    version: int
    created_at: datetime
    updated_at: datetime


@router.post("", status_code=201, response_model=ListingView)
async def create_listing(
    seller: Seller, listings: Listings, body: Annotated[dict[str, Any], Body()]
) -> ListingView:
    """Create a listing of produce, catch or processed goods for the calling seller."""
    draft = parse_draft(body)
    doc = await listings.create(seller.subject, draft)
    return ListingView.model_validate(doc)


@router.get("/{listing_id}", response_model=ListingView)
async def get_listing(listing_id: str, caller: Caller, listings: Listings) -> ListingView:
    """One listing by id."""
    del caller  # any verified caller may read a listing
    return ListingView.model_validate(await listings.get(listing_id))
