"""What a buyer may filter listings by, validated once into one immutable value.

Every filter value is checked against the catalogues (commodity, region, tags) so a typo gets a
422 that names it instead of an empty page that looks like "nothing for sale". Each query word
also carries the commodities it names, so `shallot` finds a listing titled only "Bawang merah".
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbung_listings.domain.commodities import commodities_named_by, get_commodity
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.listing import MAX_PRICE_PER_UNIT
from lumbung_listings.domain.problems import invalid
from lumbung_listings.domain.regions import validate_region
from lumbung_listings.domain.search import SortOrder, query_tokens
from lumbung_listings.domain.vocabulary import Kind, Tag

MAX_FILTER_TAGS = 5


@dataclass(frozen=True)
class SearchWord:
    """One word of a buyer's query: found in a listing's words or in its commodity's names."""

    text: str
    commodities: frozenset[str] = frozenset()


def search_words(q: str | None) -> tuple[SearchWord, ...]:
    """The query's words, each with the catalogue codes whose Indonesian or English name has it.

    A listing matches when every word is in its stored words or names its commodity, so
    `bawang merah` and `shallots` find the same shallot listings while `bawang` alone also
    finds garlic; the commodity side needs no text index, it is an `$in` on the code.
    """
    return tuple(SearchWord(word, commodities_named_by(word)) for word in query_tokens(q or ""))


@dataclass(frozen=True)
class ListingFilters:
    """A validated search; `statuses` is already narrowed to what the caller may see."""

    statuses: frozenset[Status]
    commodity: str | None = None
    kind: Kind | None = None
    region: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    seller_id: str | None = None
    tags: tuple[Tag, ...] = ()
    words: tuple[SearchWord, ...] = ()
    supply_at_risk: bool | None = None
    sort: SortOrder = SortOrder.NEWEST


def check_price_range(price_min: int | None, price_max: int | None) -> None:
    """Prices are whole, non-negative rupiah and the range is not upside down."""
    for value in (price_min, price_max):
        if value is not None and not 0 <= value <= MAX_PRICE_PER_UNIT:
            raise invalid(
                "invalid-price-filter",
                "Batas harga harus rupiah bulat antara 0 dan 1 miliar.",
                "Price bounds must be whole rupiah between 0 and one billion.",
            )
    if price_min is not None and price_max is not None and price_min > price_max:
        raise invalid(
            "invalid-price-range",
            "Harga minimum lebih besar dari harga maksimum.",
            "The minimum price is above the maximum price.",
        )


def build_filters(
    *,
    allowed: frozenset[Status],
    requested: list[Status] | None,
    commodity: str | None,
    kind: Kind | None,
    region: str | None,
    price_min: int | None,
    price_max: int | None,
    seller_id: str | None,
    tags: list[Tag] | None,
    q: str | None,
    supply_at_risk: bool | None,
    sort: SortOrder,
) -> ListingFilters:
    """Validate each filter and narrow the statuses to the ones the caller may see."""
    check_price_range(price_min, price_max)
    if tags is not None and len(tags) > MAX_FILTER_TAGS:
        raise invalid(
            "too-many-tags",
            f"Paling banyak {MAX_FILTER_TAGS} label per pencarian.",
            f"At most {MAX_FILTER_TAGS} tags per search.",
        )
    statuses = allowed if not requested else allowed & frozenset(requested)
    return ListingFilters(
        statuses=statuses,
        commodity=get_commodity(commodity).code if commodity is not None else None,
        kind=kind,
        region=validate_region(region) if region is not None else None,
        price_min=price_min,
        price_max=price_max,
        seller_id=seller_id,
        tags=tuple(dict.fromkeys(tags or ())),
        words=search_words(q),
        supply_at_risk=supply_at_risk,
        sort=sort,
    )
