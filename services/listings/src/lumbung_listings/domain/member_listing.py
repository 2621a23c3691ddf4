"""What an aggregator says when it lists for its members: one member's goods, or a pool.

The body is a listing draft plus who the goods are from: `producer_id` (on the member's behalf:
the member's region is the origin unless one is given) or `contributions` (a pool: its stock is
the sum of them, so `quantity_available` is not sent). Exactly one of the two.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    MISSING,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from lumbung_listings.domain.cooperative import MemberId
from lumbung_listings.domain.listing import InvalidEditError, ListingDraft, Quantity
from lumbung_listings.domain.listing_rules import check_min_order, rules_as_json_schema
from lumbung_listings.domain.regions import RegionCode

MAX_CONTRIBUTIONS = 200
MAX_CONTRIBUTION = 1_000_000


def _whole_number(value: object) -> object:
    """`20.0` is the integer 20 in JSON (and JSON Schema); `20.5` and `"20"` stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Units = Annotated[
    int, Field(strict=True, ge=1, le=MAX_CONTRIBUTION), BeforeValidator(_whole_number)
]


class ContributionIn(BaseModel):
    """Units one member puts into a pool."""

    model_config = ConfigDict(extra="forbid")

    member_id: MemberId
    quantity: Units


class Contributions(BaseModel):
    """More members' units for a pool (each a new contribution, sold after the earlier ones)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"contributions": [{"member_id": "f-1", "quantity": 20}]}]},
    )

    contributions: list[ContributionIn] = Field(min_length=1, max_length=50)


class MemberListingDraft(ListingDraft):
    """A listing an aggregator makes for one member (`producer_id`) or a pool (`contributions`)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "kind": "produce",
                    "commodity": "bawang-merah",
                    "title": "Bawang merah Amuntai, Koperasi Tani",
                    "unit": "kg",
                    "price_per_unit": 32000,
                    "contributions": [
                        {"member_id": "farmer-1", "quantity": 20},
                        {"member_id": "farmer-2", "quantity": 20},
                    ],
                }
            ],
            "oneOf": [
                {
                    "required": ["producer_id", "quantity_available"],
                    "not": {"required": ["contributions"]},
                },
                {
                    "required": ["contributions"],
                    "not": {
                        "anyOf": [
                            {"required": ["quantity_available"]},
                            {"required": ["producer_id"]},
                        ]
                    },
                },
            ],
            "allOf": rules_as_json_schema(),
        },
    )

    # Left out rather than null: a pool's quantity is derived, the origin is the member's.
    quantity_available: Quantity | MISSING = MISSING  # type: ignore[assignment]
    origin_region: RegionCode | MISSING = MISSING  # type: ignore[assignment]
    producer_id: MemberId | MISSING = MISSING
    contributions: (
        Annotated[list[ContributionIn], Field(min_length=1, max_length=MAX_CONTRIBUTIONS)] | MISSING
    ) = MISSING

    @field_validator("min_order")
    @classmethod
    def _within_stock(cls, min_order: int, info: ValidationInfo) -> int:
        """As a listing's; a pool's stock is known only once summed (checked on `listing`)."""
        stock = info.data.get("quantity_available")
        check_min_order(min_order, stock if isinstance(stock, int) else None)
        return min_order

    @model_validator(mode="after")
    def _one_source(self) -> MemberListingDraft:
        sent = self.model_fields_set
        if ("producer_id" in sent) == ("contributions" in sent):
            raise ValueError("send exactly one of producer_id and contributions")
        if "contributions" in sent and "quantity_available" in sent:
            raise ValueError("a pool's quantity_available is the sum of its contributions")
        if "producer_id" in sent and "quantity_available" not in sent:
            raise ValueError("quantity_available is required for a member's listing")
        return self

    @property
    def pooled(self) -> bool:
        return "contributions" in self.model_fields_set

    @property
    def producer(self) -> str | None:
        """The one member a non-pooled listing is for."""
        return self.producer_id if isinstance(self.producer_id, str) else None

    @property
    def pool(self) -> list[ContributionIn]:
        return self.contributions if isinstance(self.contributions, list) else []

    def member_ids(self) -> list[str]:
        """Every member named, in order, each once."""
        if self.producer is not None:
            return [self.producer]
        return list(dict.fromkeys(c.member_id for c in self.pool))

    def listing(self, origin_region: str) -> ListingDraft:
        """The plain listing draft, with the pool's quantity and the origin filled in."""
        fields: dict[str, Any] = {
            name: getattr(self, name)
            for name in ListingDraft.model_fields
            if name in self.model_fields_set
        }
        if self.pooled:
            fields["quantity_available"] = sum(c.quantity for c in self.pool)
        fields.setdefault("origin_region", origin_region)
        try:
            return ListingDraft.model_validate(fields)
        except ValidationError as error:
            raise InvalidEditError(error.errors(include_url=False)) from error
