"""What clients see of listings: response models and how a stored listing is rendered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

PHOTO_SIZES = ("320", "1024")


class PhotoView(BaseModel):
    """One photo of a listing: the cleaned full-size image and its thumbnails."""

    id: str
    url: str
    width: int
    height: int
    thumbnails: dict[str, str]


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
    supply_at_risk: bool = False
    risk_alert_ids: list[str] = Field(default_factory=list)
    photos: list[PhotoView] = Field(default_factory=list)
    version: int
    created_at: datetime
    updated_at: datetime


class Tombstone(BaseModel):
    """A listing the phone must drop from its copy (deleted, archived or no longer on sale)."""

    id: str
    removed: bool = True
    status: str
    deleted: bool
    version: int
    updated_at: datetime


class ListingPage(BaseModel):
    """One page of search results; pass `next_cursor` back as `cursor` for the next."""

    items: list[ListingView]
    next_cursor: str | None


class SyncPage(BaseModel):
    """Changes since a sync cursor; keep `next_cursor` and ask again while `has_more`."""

    items: list[ListingView]
    removed: list[Tombstone]
    next_cursor: str
    has_more: bool


def photo_url(listing_id: str, photo_id: str, size: str | None = None) -> str:
    base = f"/v1/listings/{listing_id}/photos/{photo_id}"
    return f"{base}?size={size}" if size else base


def listing_view(doc: dict[str, Any]) -> ListingView:
    """The response model of a stored listing, with photo links spelled out."""
    photos = [
        {
            "id": photo["id"],
            "url": photo_url(doc["_id"], photo["id"]),
            "width": photo["width"],
            "height": photo["height"],
            "thumbnails": {size: photo_url(doc["_id"], photo["id"], size) for size in PHOTO_SIZES},
        }
        for photo in doc.get("photos", [])
    ]
    return ListingView.model_validate({**doc, "photos": photos})
