"""What a seller may say about a listing, and the rules that tie those statements together.

`ListingDraft` is the complete allow-list of client-settable fields. It forbids anything else,
so a request carrying `seller_id`, `status` or stock counters is refused instead of silently
mass-assigning them: those are set by the service from the caller's identity and from events.
Field limits are pydantic constraints (and so part of the OpenAPI schema); rules that tie a
field to the catalogues or to an earlier field (commodity kind, unit, dates, minimum order)
are field validators raising `FieldError`, so one answer lists every field that is wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from lumbung_shared.text import SafeLine, SafeText
from pydantic import (
    MISSING,
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from lumbung_listings.domain.commodities import (
    CATALOGUE_ROUTE,
    COMMODITY_CODES,
    known_commodity_code,
)
from lumbung_listings.domain.lifecycle import (
    TRANSITIONS,
    Actor,
    Status,
    allowed_targets,
    transition,
)
from lumbung_listings.domain.listing_rules import (
    check_best_before,
    check_commodity_kind,
    check_date_for_kind,
    check_min_order,
    check_unit,
    rules_as_json_schema,
)
from lumbung_listings.domain.regions import RegionCode
from lumbung_listings.domain.vocabulary import TAG_LABELS_EN, Kind, Tag, Unit

__all__ = [
    "MAX_PRICE_PER_UNIT",
    "MAX_QUANTITY",
    "MAX_TAGS",
    "TAG_LABELS_EN",
    "TRANSITIONS",
    "Actor",
    "InvalidEditError",
    "Kind",
    "ListingDraft",
    "ListingPatch",
    "Status",
    "Tag",
    "Unit",
    "allowed_targets",
    "apply_patch",
    "transition",
]

MAX_PRICE_PER_UNIT = 1_000_000_000  # one billion rupiah per unit: above any honest price
MAX_QUANTITY = 10_000_000  # in the listing's unit
MAX_TAGS = 10
STANDARD_GRADES = frozenset({"A", "B", "C"})


def _grade(value: str) -> str:
    """Standard grades are stored upper-case so that `a` and `A` filter alike."""
    return value.upper() if value.upper() in STANDARD_GRADES else value


def _distinct(tags: list[Tag]) -> list[Tag]:
    return list(dict.fromkeys(tags))


def _whole_number(value: object) -> object:
    """`5.0` is the integer 5 in JSON (and JSON Schema); `5.5` and `"5"` stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Spaces at the ends are trimmed before the length is checked; the patterns say so to clients.
Title = Annotated[
    SafeLine,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=120),
    Field(json_schema_extra={"pattern": r"\S[\s\S]+\S"}),
]
Description = Annotated[SafeText, StringConstraints(strip_whitespace=True, max_length=2000)]
Rupiah = Annotated[
    int, Field(strict=True, ge=1, le=MAX_PRICE_PER_UNIT), BeforeValidator(_whole_number)
]
Quantity = Annotated[int, Field(strict=True, ge=0, le=MAX_QUANTITY), BeforeValidator(_whole_number)]
MinOrder = Annotated[int, Field(strict=True, ge=1, le=MAX_QUANTITY), BeforeValidator(_whole_number)]
Grade = Annotated[
    SafeLine,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20),
    Field(json_schema_extra={"pattern": r"\S"}),
    AfterValidator(_grade),
]
CommodityCode = Annotated[
    str,
    AfterValidator(known_commodity_code),  # `Bawang_Merah` in, `bawang-merah` out
    Field(
        json_schema_extra={"enum": list(COMMODITY_CODES)},
        description=f"A commodity id from `GET {CATALOGUE_ROUTE}` (case, spaces and "
        "underscores are forgiven: `Bawang_Merah` is `bawang-merah`).",
    ),
]
"""A catalogue code: declared as the catalogue's enum, checked with a bilingual `FieldError`
(rather than pydantic's enum error listing all 38 codes)."""
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_distinct)]

_SHALLOTS: dict[str, Any] = {
    "kind": "produce",
    "commodity": "bawang-merah",
    "title": "Bawang merah Amuntai super",
    "description": "Panen minggu ini, kering angin.",
    "unit": "kg",
    "price_per_unit": 32000,
    "quantity_available": 100,
    "min_order": 5,
    "grade": "A",
    "origin_region": "63.08.05",
    "harvest_date": "2026-11-20",
    "best_before": "2026-12-20",
    "tags": ["segar", "produk-lokal"],
}
_SKIPJACK: dict[str, Any] = {
    "kind": "catch",
    "commodity": "cakalang",
    "title": "Cakalang segar Batam",
    "unit": "ekor",
    "price_per_unit": 45000,
    "quantity_available": 50,
    "origin_region": "21.71",
    "catch_date": "2026-11-22",
    "tags": ["tangkapan-tradisional"],
}


class ListingDraft(BaseModel):
    """Everything a seller may set on a listing, checked as a whole.

    Each field is checked against the catalogues and against the fields before it (a unit
    against the commodity, a best-before date against the harvest), and every field that is
    wrong is reported at once.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [_SHALLOTS, _SKIPJACK], "allOf": rules_as_json_schema()},
    )

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

    @field_validator("commodity")
    @classmethod
    def _of_the_kind(cls, code: str, info: ValidationInfo) -> str:
        check_commodity_kind(code, info.data.get("kind"))
        return code

    @field_validator("unit")
    @classmethod
    def _sold_per(cls, unit: Unit, info: ValidationInfo) -> Unit:
        check_unit(info.data.get("commodity"), unit)
        return unit

    @field_validator("min_order")
    @classmethod
    def _within_stock(cls, min_order: int, info: ValidationInfo) -> int:
        check_min_order(min_order, info.data.get("quantity_available"))
        return min_order

    @field_validator("harvest_date", "catch_date")
    @classmethod
    def _for_the_kind(cls, value: date | None, info: ValidationInfo) -> date | None:
        check_date_for_kind(info.field_name, value, info.data.get("kind"))
        return value

    @field_validator("best_before")
    @classmethod
    def _after_production(cls, value: date | None, info: ValidationInfo) -> date | None:
        produced = info.data.get("harvest_date") or info.data.get("catch_date")
        check_best_before(value, produced)
        return value

    @property
    def produced_on(self) -> date | None:
        """The harvest or catch date, whichever this kind of listing carries."""
        return self.catch_date if self.kind is Kind.CATCH else self.harvest_date


class ListingPatch(BaseModel):
    """A partial edit: only the fields sent change, each with the draft's limits.

    Fields left out stay as they are. `grade`, `harvest_date`, `catch_date` and `best_before`
    may be sent as `null` to clear them; the others may not be null. Rules between fields are
    checked on the listing as it would be after the edit (`apply_patch`), because a new
    `min_order` alone can only be judged against the stock already on the listing.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {"price_per_unit": 30000, "quantity_available": 80},
                {"title": "Bawang merah Amuntai, panen baru", "best_before": None},
            ]
        },
    )

    kind: Kind | MISSING = MISSING
    commodity: CommodityCode | MISSING = MISSING
    title: Title | MISSING = MISSING
    description: Description | MISSING = MISSING
    unit: Unit | MISSING = MISSING
    price_per_unit: Rupiah | MISSING = MISSING
    quantity_available: Quantity | MISSING = MISSING
    min_order: MinOrder | MISSING = MISSING
    grade: Grade | MISSING | None = MISSING
    origin_region: RegionCode | MISSING = MISSING
    harvest_date: date | MISSING | None = MISSING
    catch_date: date | MISSING | None = MISSING
    best_before: date | MISSING | None = MISSING
    tags: Tags | MISSING = MISSING


class InvalidEditError(Exception):
    """The listing as it would be after an edit breaks a rule; `errors` are pydantic's, each
    carrying its `FieldError`, for the web layer to render like any body's field errors."""

    def __init__(self, errors: list[ErrorDetails]) -> None:
        super().__init__(f"{len(errors)} field error(s) in the edited listing")
        self.errors = errors


def apply_patch(current: ListingDraft, patch: ListingPatch) -> ListingDraft:
    """The listing as it would be after `patch`, re-checked as a whole (else `InvalidEditError`).

    Only fields the client actually sent are applied; a `null` clears an optional field.
    """
    merged = current.model_dump() | patch.model_dump(exclude_unset=True)
    try:
        return ListingDraft.model_validate(merged)
    except ValidationError as error:
        raise InvalidEditError(error.errors(include_url=False)) from error
