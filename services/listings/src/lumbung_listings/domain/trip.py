"""A fisher's trip announced as a pre-listing: what they say about it, and when it is called off.

The trip's expected catch is sold as a listing in status `pre_listed`: always catch, always per
kg, at the landing site's regency. Buyers reserve part of the expected quantity through the
normal order saga; the trip block says where it lands, which maritime zone it fishes (the
weather_alerts zone id, as sea-alert events name it) and with which vessel class, so a danger
alert for that class over that zone calls the trip off. Landing it is `domain.landing`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Final

from lumbung_shared.errors import ConflictError, DomainError, FieldError, Message
from lumbung_shared.fisheries import LANDING_SITE_IDS, LANDING_SITES
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.listing import (
    CommodityCode,
    Description,
    Grade,
    ListingDraft,
    MinOrder,
    Rupiah,
    Tags,
    Title,
)
from lumbung_listings.domain.listing_rules import check_commodity_kind, check_unit
from lumbung_listings.domain.problems import invalid
from lumbung_listings.domain.vocabulary import Kind, Unit

MAX_DAYS_AHEAD: Final = 14
"""A trip is announced at most this long before it lands (longer trips are not the small
fishers' day and week trips this is for, and buyers cannot plan further)."""
ZONE_ID_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""The weather_alerts zone slug (`GET /v1/zones`), checked by shape only: zones are that
service's data, and a zone it has never heard of simply never gets an alert."""
DANGER: Final = "danger"
TRIP_AT_SEA_OR_OFF: Final = frozenset({Status.PRE_LISTED, Status.CALLED_OFF})
"""The statuses of a trip's listing before it lands: set by the trip, never by an edit."""
TRIP_CALLED_OFF: Final = "trip_called_off"
"""The reason the orders of a trip called off by a danger alert are cancelled with."""
TRIP_CANCELLED: Final = "trip_cancelled"
"""The reason for a trip its fisher called off (not sailing after all)."""
TRIP_NOT_LANDED: Final = "trip_not_landed"
"""The reason for a trip called off because it never landed (`settings.trip_overdue_hours`)."""


class VesselClass(StrEnum):
    """BMKG's vessel classes, as weather_alerts names them in an alert's `vessel_risks`."""

    FISHING_BOAT = "fishing_boat"  # perahu nelayan
    BARGE = "barge"  # kapal tongkang
    FERRY = "ferry"  # kapal ferry
    LARGE_SHIP = "large_ship"  # kapal ukuran besar


LandingSiteId = Annotated[
    str,
    Field(
        json_schema_extra={"enum": list(LANDING_SITE_IDS)},
        description="Where the catch lands (pelabuhan perikanan / TPI); its regency becomes "
        "the listing's origin.",
    ),
]
ZoneId = Annotated[
    str,
    Field(
        pattern=ZONE_ID_PATTERN,
        max_length=80,
        description="The maritime zone fished (`GET /v1/zones`); a danger alert there for the "
        "trip's vessel class calls the trip off.",
    ),
]
ExpectedQuantity = MinOrder
"""Whole kilograms, 1 up to the listing maximum (the same limits as an order minimum)."""

_EXAMPLE: dict[str, Any] = {
    "commodity": "cakalang",
    "title": "Cakalang dari Pulau Pramuka, mendarat Jumat pagi",
    "price_per_unit": 42000,
    "expected_quantity": 60,
    "min_order": 5,
    "landing_site_id": "ppi-pulau-pramuka",
    "zone_id": "perairan-kepulauan-seribu",
    "vessel_class": "fishing_boat",
    "expected_landing_at": "2026-11-27T05:00:00+07:00",
}


class TripDraft(BaseModel):
    """A trip's expected catch, offered ahead of landing (always catch, priced per kg)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra={"examples": [_EXAMPLE]}
    )

    commodity: CommodityCode
    title: Title
    description: Description = ""
    price_per_unit: Rupiah = Field(description="Expected price per kg, whole rupiah.")
    expected_quantity: ExpectedQuantity = Field(description="Kilograms expected at landing.")
    min_order: MinOrder = 1
    grade: Grade | None = None
    tags: Tags = Field(default_factory=list)
    landing_site_id: LandingSiteId
    zone_id: ZoneId
    vessel_class: VesselClass = VesselClass.FISHING_BOAT
    expected_landing_at: AwareDatetime = Field(
        description=f"When the catch lands: in the future, at most {MAX_DAYS_AHEAD} days ahead."
    )

    @field_validator("commodity")
    @classmethod
    def _is_catch_sold_per_kg(cls, code: str) -> str:
        check_commodity_kind(code, Kind.CATCH)
        check_unit(code, Unit.KG)
        return code

    @field_validator("min_order")
    @classmethod
    def _within_expected(cls, min_order: int, info: ValidationInfo) -> int:
        expected = info.data.get("expected_quantity")
        if expected is not None and min_order > expected:
            raise FieldError(
                "min-order-exceeds-stock",
                Message(
                    id=f"Pembelian minimum ({min_order}) melebihi perkiraan tangkapan "
                    f"({expected}).",
                    en=f"The minimum order ({min_order}) exceeds the expected catch ({expected}).",
                ),
            )
        return min_order

    @field_validator("landing_site_id")
    @classmethod
    def _known_site(cls, site: str) -> str:
        if site not in LANDING_SITES:
            raise FieldError(
                "unknown-landing-site",
                Message(id="Tempat pendaratan tidak dikenal.", en="Unknown landing site."),
                allowed=list(LANDING_SITE_IDS),
            )
        return site

    def as_listing(self) -> ListingDraft:
        """The listing the pre-listing is: catch per kg, at the landing site's regency."""
        return ListingDraft(
            kind=Kind.CATCH,
            commodity=self.commodity,
            title=self.title,
            description=self.description,
            unit=Unit.KG,
            price_per_unit=self.price_per_unit,
            quantity_available=self.expected_quantity,
            min_order=self.min_order,
            grade=self.grade,
            origin_region=LANDING_SITES[self.landing_site_id].regency_code,
            tags=self.tags,
        )

    def trip_block(self) -> dict[str, Any]:
        """The `trip` a pre-listing stores (landing and call-off fields still empty)."""
        return {
            "landing_site_id": self.landing_site_id,
            "zone_id": self.zone_id,
            "vessel_class": self.vessel_class.value,
            "expected_landing_at": self.expected_landing_at,
            "expected_quantity": self.expected_quantity,
            "landed_at": None,
            "actual_quantity": None,
            "called_off_at": None,
            "alert_id": None,
        }


def check_landing_window(expected_landing_at: datetime, now: datetime) -> None:
    """A trip lands in the future, and no more than `MAX_DAYS_AHEAD` days from `now` (else 422)."""
    if now < expected_landing_at <= now + timedelta(days=MAX_DAYS_AHEAD):
        return
    raise invalid(
        "landing-time-out-of-range",
        f"Perkiraan waktu mendarat harus di masa depan, paling lama {MAX_DAYS_AHEAD} hari lagi.",
        f"The expected landing must be in the future, at most {MAX_DAYS_AHEAD} days ahead.",
        field="expected_landing_at",
    )


def calls_off(vessel_class: str, vessel_risks: Mapping[str, str]) -> bool:
    """Whether an alert with these vessel risks over the trip's zone calls the trip off."""
    return vessel_risks.get(vessel_class) == DANGER


def trip_listing_id(seller_id: str, idempotency_key: str) -> str:
    """The id of the trip a seller announces with this Idempotency-Key: the same on a retry, so
    the retry's insert collides on `_id` (atomic) instead of announcing the trip twice."""
    return hashlib.sha256(f"trip\n{seller_id}\n{idempotency_key}".encode()).hexdigest()[:32]


def fingerprint(draft: TripDraft) -> str:
    """What a retry must repeat to get the first answer back (its body, as validated)."""
    return hashlib.sha256(draft.model_dump_json().encode()).hexdigest()


def key_reused(idempotency_key: str) -> DomainError:
    """The 422 for an Idempotency-Key first used to announce a different trip."""
    return invalid(
        "idempotency-key-reused",
        "Idempotency-Key ini sudah dipakai untuk perjalanan yang berbeda.",
        "This Idempotency-Key was already used for a different trip.",
        idempotency_key=idempotency_key,
    )


def zone_in_danger(zone_id: str, vessel_class: str, alert_ids: list[str]) -> ConflictError:
    """The 409 for a trip announced into a zone already under danger for its vessel class."""
    return ConflictError(
        "trip-zone-in-danger",
        Message(
            id="Peringatan bahaya berlaku di perairan ini untuk kapal Anda: jangan melaut.",
            en="A danger alert is in force in this zone for your vessel: do not sail.",
        ),
        zone_id=zone_id,
        vessel_class=vessel_class,
        alert_ids=alert_ids,
    )


def trip_at_sea_not_deleted() -> ConflictError:
    """The 409 for deleting a trip that buyers may hold reservations on: call it off first."""
    return ConflictError(
        "trip-at-sea",
        Message(
            id="Batalkan perjalanan dulu (call-off) agar pesanan pembeli dilepas, lalu hapus.",
            en="Call the trip off first, so its buyers' reservations are released; then delete.",
        ),
    )


def trip_not_editable(status: Status) -> ConflictError:
    """The 409 for editing a trip's listing before it landed."""
    return ConflictError(
        "trip-not-editable",
        Message(
            id="Iklan perjalanan tidak dapat diubah sebelum tangkapan didaratkan.",
            en="A trip's listing cannot be edited before its catch has landed.",
        ),
        current_status=status.value,
    )
