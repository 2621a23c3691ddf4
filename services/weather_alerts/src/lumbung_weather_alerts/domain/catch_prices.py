"""What a species group's catch sells for near a port: the trip planner's price figure.

A fisher weighing a trip wants to know what the fish would fetch. The figure is the median
asking price per kg of Lumbung's own live catch listings of the group's commodities
(`lumbung_shared.fisheries`), taken in the landing site's regency; where fewer than a minimum
of listings stand there it widens to the province (the code's first two digits), then to the
whole country, and says which scope it is, so a thin figure is never passed off as local.

Only weight prices compare: a listing per `kg` counts as it is, one per `ton` is converted to
kg; one per `ekor` (per fish) is skipped, since a fish's weight is unknown and a per-fish price
would drag a per-kg median anywhere. The median (not the mean) keeps one mistyped price from
moving the figure, and it is taken the way the listings service's price board takes it (the
half rupiah of an even count dropped), so both show the same number for the same listings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from lumbung_shared.fisheries import SpeciesGroup, species_group_of
from lumbung_shared.regions import regency_of

PriceScope = Literal["regency", "province", "national"]

CATCH_KIND = "catch"
ON_SALE = "active"
KG_PER_TON = 1000


@dataclass(frozen=True)
class PriceFigure:
    """The median asking price per kg of a group's listings and where it was taken."""

    median_per_kg: int
    """Whole rupiah."""
    listings: int
    """How many listings it is the median of."""
    scope: PriceScope


@dataclass(frozen=True)
class ListedCatch:
    """What a listing's snapshot event says that bears on its price."""

    kind: str
    commodity: str
    unit: str
    price_per_unit: int
    status: str
    origin_region: str


@dataclass(frozen=True)
class CatchPriceEntry:
    """One listing as the price read model keeps it."""

    commodity: str
    group: SpeciesGroup
    price_per_unit: int
    unit: str
    price_per_kg: int | None
    """None when its unit is not a weight (`ekor`): kept, but never in a median."""
    regency_code: str | None
    """`NN.NN`; None when the listing names only a province."""
    province_code: str
    active: bool


@dataclass(frozen=True)
class PricedListing:
    """A counted listing's price per kg and its place, as a median reads it."""

    price_per_kg: int
    regency_code: str | None
    province_code: str


def price_per_kg(price_per_unit: int, unit: str) -> int | None:
    """The price per kg in whole rupiah (a ton's rounded half up), None for a non-weight unit."""
    if unit == "kg":
        return price_per_unit
    if unit == "ton":
        return (price_per_unit + KG_PER_TON // 2) // KG_PER_TON
    return None


def is_on_sale(status: str) -> bool:
    """Only listings a buyer can order from now stand for a price."""
    return status == ON_SALE


def catch_price_entry(listed: ListedCatch) -> CatchPriceEntry | None:
    """The read model's entry for a listing, or None when it is no catch of a species group."""
    group = species_group_of(listed.commodity) if listed.kind == CATCH_KIND else None
    if group is None:
        return None
    return CatchPriceEntry(
        commodity=listed.commodity,
        group=group,
        price_per_unit=listed.price_per_unit,
        unit=listed.unit,
        price_per_kg=price_per_kg(listed.price_per_unit, listed.unit),
        regency_code=regency_of(listed.origin_region),
        province_code=listed.origin_region.split(".")[0],
        active=is_on_sale(listed.status),
    )


def median(prices: Sequence[int]) -> int:
    """The median in whole rupiah; with an even count the middle two averaged, floored."""
    if not prices:
        raise ValueError("no prices")
    ordered = sorted(prices)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


def widening_median(
    listings: Iterable[PricedListing], regency_code: str | None, minimum: int
) -> PriceFigure | None:
    """The regency's median if at least `minimum` listings stand there, else the province's,
    else the country's (however few); None when no listing stands anywhere.

    Without a place the figure is national; a district code is read as its regency, a
    province code starts at the province. The country's figure is given even below the
    minimum: a thin national figure, labelled as such, tells a fisher more than none.
    """
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    everywhere = list(listings)
    if regency_code is not None:
        regency, province = regency_of(regency_code), regency_code.split(".")[0]
        here = [item.price_per_kg for item in everywhere if item.regency_code == regency]
        if regency is not None and len(here) >= minimum:
            return PriceFigure(median(here), len(here), "regency")
        around = [item.price_per_kg for item in everywhere if item.province_code == province]
        if len(around) >= minimum:
            return PriceFigure(median(around), len(around), "province")
    prices = [item.price_per_kg for item in everywhere]
    return PriceFigure(median(prices), len(prices), "national") if prices else None
