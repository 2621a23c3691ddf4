"""What a seller may say about a listing, and the rules that tie those statements together.

`ListingDraft` is the complete allow-list of client-settable fields. It forbids anything else,
so a request carrying `seller_id`, `status` or stock counters is refused instead of silently
mass-assigning them: those are set by the service from the caller's identity and from events.
Field-level limits are pydantic constraints; rules that relate fields to each other or to the
catalogues (commodity kind, unit, dates, minimum order) raise bilingual `DomainError`s.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from lumbung_shared.errors import DomainError
from lumbung_shared.text import SafeLine, SafeText
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from lumbung_listings.domain.commodities import get_commodity
from lumbung_listings.domain.lifecycle import (
    TRANSITIONS,
    Actor,
    Status,
    allowed_targets,
    transition,
)
from lumbung_listings.domain.problems import invalid
from lumbung_listings.domain.regions import validate_region
from lumbung_listings.domain.vocabulary import TAG_LABELS_EN, Kind, Tag, Unit

__all__ = [
    "MAX_PRICE_PER_UNIT",
    "MAX_QUANTITY",
    "MAX_TAGS",
    "TAG_LABELS_EN",
    "TRANSITIONS",
    "Actor",
    "Kind",
    "ListingDraft",
    "ListingPatch",
    "Status",
    "Tag",
    "Unit",
    "allowed_targets",
    "apply_patch",
    "parse_draft",
    "parse_patch",
    "transition",
]

MAX_PRICE_PER_UNIT = 1_000_000_000  # one billion rupiah per unit: above any honest price
MAX_QUANTITY = 10_000_000  # in the listing's unit
MAX_TAGS = 10
STANDARD_GRADES = frozenset({"A", "B", "C"})


def _known_commodity(code: str) -> str:
    return get_commodity(code).code


def _known_region(code: str) -> str:
    return validate_region(code)


def _grade(value: str) -> str:
    """Standard grades are stored upper-case so that `a` and `A` filter alike."""
    return value.upper() if value.upper() in STANDARD_GRADES else value


def _distinct(tags: list[Tag]) -> list[Tag]:
    return list(dict.fromkeys(tags))


Title = Annotated[SafeLine, StringConstraints(strip_whitespace=True, min_length=3, max_length=120)]
Description = Annotated[SafeText, StringConstraints(strip_whitespace=True, max_length=2000)]
Rupiah = Annotated[int, Field(strict=True, ge=1, le=MAX_PRICE_PER_UNIT)]
Quantity = Annotated[int, Field(strict=True, ge=0, le=MAX_QUANTITY)]
MinOrder = Annotated[int, Field(strict=True, ge=1, le=MAX_QUANTITY)]
Grade = Annotated[
    SafeLine,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20),
    AfterValidator(_grade),
]
CommodityCode = Annotated[str, AfterValidator(_known_commodity)]
RegionCode = Annotated[str, AfterValidator(_known_region)]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_distinct)]


class ListingDraft(BaseModel):
    """Everything a seller may set on a listing, checked as a whole."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    commodity: CommodityCode
    title: Title
    description: Description = ""
    unit: Unit
    price_per_unit: Rupiah
    quantity_available: Quantity
    min_order: MinOrder = 1
    grade: Grade | None = None
    origin_region: RegionCode
    harvest_date: date | None = None
    catch_date: date | None = None
    best_before: date | None = None
    tags: Tags = Field(default_factory=list)

    @model_validator(mode="after")
    def _fits_together(self) -> ListingDraft:
        _check_commodity(self)
        _check_dates(self)
        _check_min_order(self)
        return self

    @property
    def produced_on(self) -> date | None:
        """The harvest or catch date, whichever this kind of listing carries."""
        return self.catch_date if self.kind is Kind.CATCH else self.harvest_date


class ListingPatch(BaseModel):
    """A partial edit: the same fields and limits as the draft, each optional.

    Cross-field rules are checked by `apply_patch` on the merged result, because a patch of
    `min_order` alone can only be judged against the stock already on the listing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind | None = None
    commodity: CommodityCode | None = None
    title: Title | None = None
    description: Description | None = None
    unit: Unit | None = None
    price_per_unit: Rupiah | None = None
    quantity_available: Quantity | None = None
    min_order: MinOrder | None = None
    grade: Grade | None = None
    origin_region: RegionCode | None = None
    harvest_date: date | None = None
    catch_date: date | None = None
    best_before: date | None = None
    tags: Tags | None = None


def _check_commodity(draft: ListingDraft) -> None:
    commodity = get_commodity(draft.commodity)
    if commodity.kind is not draft.kind:
        raise invalid(
            "commodity-kind-mismatch",
            f"Komoditas '{commodity.name_id}' bukan jenis '{draft.kind}'.",
            f"Commodity '{commodity.name_en}' is not of kind '{draft.kind}'.",
            expected_kind=commodity.kind.value,
        )
    if not commodity.allows(draft.unit):
        allowed = sorted(unit.value for unit in commodity.units)
        raise invalid(
            "unit-not-allowed",
            f"{commodity.name_id} tidak dijual per '{draft.unit}'; gunakan {', '.join(allowed)}.",
            f"{commodity.name_en} is not sold per '{draft.unit}'; use {', '.join(allowed)}.",
            allowed_units=allowed,
        )


def _check_dates(draft: ListingDraft) -> None:
    if draft.kind is Kind.CATCH and draft.harvest_date is not None:
        raise invalid(
            "date-not-for-kind",
            "Hasil tangkapan memakai tanggal tangkap (catch_date), bukan tanggal panen.",
            "A catch listing carries catch_date, not harvest_date.",
        )
    if draft.kind is not Kind.CATCH and draft.catch_date is not None:
        raise invalid(
            "date-not-for-kind",
            "Hanya hasil tangkapan yang memakai tanggal tangkap (catch_date).",
            "Only catch listings carry catch_date.",
        )
    produced = draft.produced_on
    if produced is not None and draft.best_before is not None and draft.best_before <= produced:
        raise invalid(
            "best-before-too-early",
            "Tanggal baik digunakan harus sesudah tanggal panen atau tangkap.",
            "The best-before date must be after the harvest or catch date.",
        )


def _check_min_order(draft: ListingDraft) -> None:
    """An order minimum above the stock makes the listing unbuyable.

    Zero stock is allowed with any minimum: the listing is simply sold out until restocked.
    """
    if 0 < draft.quantity_available < draft.min_order:
        raise invalid(
            "min-order-exceeds-stock",
            f"Pembelian minimum ({draft.min_order}) melebihi stok ({draft.quantity_available}).",
            f"The minimum order ({draft.min_order}) exceeds the stock "
            f"({draft.quantity_available}).",
        )


def invalid_listing(error: ValidationError) -> DomainError:
    """Turn pydantic's field errors into one bilingual 422 that lists the offending fields."""
    problems = [
        {"field": ".".join(str(part) for part in item["loc"]) or "body", "type": item["type"]}
        for item in error.errors(include_url=False, include_input=False)
    ]
    fields = ", ".join(dict.fromkeys(problem["field"] for problem in problems))
    return invalid(
        "invalid-listing",
        f"Data iklan tidak valid pada kolom: {fields}.",
        f"The listing data is invalid in: {fields}.",
        errors=problems,
    )


def parse_draft(data: Any) -> ListingDraft:
    """Validate client data (a dict, as decoded from JSON) into a draft, or raise a 422."""
    try:
        return ListingDraft.model_validate(data)
    except ValidationError as error:
        raise invalid_listing(error) from error


def parse_patch(data: Any) -> ListingPatch:
    """Validate a partial edit, or raise a 422 listing the offending fields."""
    try:
        return ListingPatch.model_validate(data)
    except ValidationError as error:
        raise invalid_listing(error) from error


def apply_patch(current: ListingDraft, patch: ListingPatch) -> ListingDraft:
    """The listing as it would be after `patch`, re-checked as a whole.

    Only fields the client actually sent are applied; sending `null` clears an optional field
    and is refused for a required one.
    """
    merged = current.model_dump() | patch.model_dump(exclude_unset=True)
    return parse_draft(merged)
