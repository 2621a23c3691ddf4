"""What clients see of listings: response models and how a stored listing is rendered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from lumbung_shared.fisheries import LANDING_SITES
from pydantic import BaseModel, ConfigDict, Field

from lumbung_listings.domain.commodities import Commodity
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.regions import Region, RegionLevel
from lumbung_listings.domain.trip import VesselClass
from lumbung_listings.domain.vocabulary import UNIT_NAMES, Kind, Tag, Unit

PHOTO_SIZES = ("320", "1024")


class PhotoView(BaseModel):
    """One photo of a listing: the cleaned full-size image and its thumbnails."""

    id: str
    url: str
    width: int
    height: int
    thumbnails: dict[str, str]


class TripView(BaseModel):
    """A trip's pre-listing: where and when its catch lands, and how the trip ended."""

    landing_site_id: str
    landing_site_name: str
    zone_id: str = Field(description="The maritime zone fished (`GET /v1/zones`)")
    vessel_class: VesselClass
    expected_landing_at: datetime
    expected_quantity: int = Field(description="Kilograms expected when it was announced")
    landed_at: datetime | None = None
    actual_quantity: int | None = Field(default=None, description="Kilograms landed")
    called_off_at: datetime | None = None
    alert_id: str | None = Field(default=None, description="The sea alert that called it off")


class AggregatorTermsView(BaseModel):
    """Who sells the listing for its producers, and the fee declared when it was listed."""

    aggregator_id: str
    fee_basis_points: int = Field(description="1/100 %: 500 is 5 %")
    pooled: bool = Field(description="Stock contributed by several members")


class ListingView(BaseModel):
    """A listing as clients see it; a trip's pre-listing carries its `trip`."""

    id: str = Field(validation_alias="_id")
    seller_id: str
    kind: Kind
    commodity: str = Field(description="The commodity id (`GET /v1/catalogue/commodities`)")
    title: str
    description: str = ""
    unit: Unit
    price_per_unit: int
    quantity_available: int
    min_order: int
    grade: str | None = None
    origin_region: str
    harvest_date: date | None = None
    catch_date: date | None = None
    best_before: date | None = None
    tags: list[Tag] = Field(default_factory=list)
    status: Status
    supply_at_risk: bool = False
    risk_alert_ids: list[str] = Field(default_factory=list)
    photos: list[PhotoView] = Field(default_factory=list)
    trip: TripView | None = None
    seller_type: Literal["individual", "aggregator"] = Field(
        default="individual", description="`aggregator`: a cooperative sells for its members"
    )
    aggregator: AggregatorTermsView | None = None
    producer_ids: list[str] = Field(
        default_factory=list, description="On an aggregator's listing: whose goods these are"
    )
    version: int
    created_at: datetime
    updated_at: datetime


class Tombstone(BaseModel):
    """A listing the phone must drop from its copy (deleted, archived or no longer on sale)."""

    id: str
    removed: bool = True
    status: Status
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


class CommodityView(BaseModel):
    """One commodity of the catalogue: its id (what listings and searches use) and names."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "bawang-merah",
                    "name_id": "Bawang merah",
                    "name_en": "Shallots",
                    "kind": "produce",
                    "default_unit": "kg",
                    "units": ["kg", "ikat", "karung"],
                }
            ]
        }
    )

    id: str
    name_id: str
    name_en: str
    kind: Kind
    default_unit: Unit
    units: list[Unit] = Field(description="The units it may be priced per, the default first")


class UnitView(BaseModel):
    """A selling unit and its names."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "ikat", "name_id": "ikat", "name_en": "bunch"}]}
    )

    code: Unit
    name_id: str
    name_en: str


class RegionView(BaseModel):
    """A Kemendagri region: code, official name, level and the code one level up."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "63.08",
                    "name": "Kabupaten Hulu Sungai Utara",
                    "level": "regency",
                    "parent": "63",
                }
            ]
        }
    )

    code: str
    name: str
    level: RegionLevel
    parent: str | None


def commodity_view(commodity: Commodity) -> CommodityView:
    units = [commodity.default_unit, *sorted(commodity.units - {commodity.default_unit})]
    return CommodityView(
        id=commodity.code,
        name_id=commodity.name_id,
        name_en=commodity.name_en,
        kind=commodity.kind,
        default_unit=commodity.default_unit,
        units=units,
    )


def unit_view(unit: Unit) -> UnitView:
    name_id, name_en = UNIT_NAMES[unit]
    return UnitView(code=unit, name_id=name_id, name_en=name_en)


def region_view(region: Region) -> RegionView:
    return RegionView(code=region.code, name=region.name, level=region.level, parent=region.parent)


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
    trip = doc.get("trip")
    if trip is not None:
        site = LANDING_SITES.get(trip["landing_site_id"])
        trip = {**trip, "landing_site_name": site.name if site else trip["landing_site_id"]}
    seller_type = "aggregator" if doc.get("aggregator") else "individual"
    return ListingView.model_validate(
        {**doc, "photos": photos, "trip": trip, "seller_type": seller_type}
    )
