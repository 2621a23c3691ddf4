"""The price board: what a commodity sells for, per regency, from the marketplace's own listings.

Buying direct is 11-25 % cheaper than retail (seed 004); a board of live listing prices makes
that visible to buyers and gives sellers a fair reference. The median is used rather than the
mean because one mistyped price (an extra zero) must not move the board.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lumbung_shared.regions import regency_of

from lumbung_listings.domain.vocabulary import Unit

WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class PriceRow:
    """One listing's asking price, as read from storage."""

    commodity: str
    regency: str  # a district code is rolled up to its regency
    price_per_unit: int
    unit: Unit
    created_at: datetime


@dataclass(frozen=True)
class PricePoint:
    """The board entry for one commodity, regency and unit; prices in whole rupiah."""

    commodity: str
    regency: str
    unit: Unit
    median: int
    min: int
    max: int
    count: int


def median_price(prices: Sequence[int]) -> int | None:
    """The median in whole rupiah, or None when there are no prices.

    With an even count the two middle prices are averaged and the half rupiah is dropped
    (floor), so the board never shows a price that nobody asked and never uses floats.
    """
    return _median(prices) if prices else None


def _median(prices: Sequence[int]) -> int:
    ordered = sorted(prices)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


def in_window(row: PriceRow, now: datetime, window: timedelta = WINDOW) -> bool:
    """Whether a listing counts: created within `window` before `now` (inclusive), not later."""
    return now - window <= row.created_at <= now


def price_board(
    rows: Iterable[PriceRow], now: datetime, window: timedelta = WINDOW
) -> list[PricePoint]:
    """Median, minimum, maximum and count per (commodity, regency, unit) over the window.

    Units are never mixed: a price per `ekor` and a price per `kg` are different markets.
    `now` is passed in so the board is reproducible in tests and replays. Entries are sorted
    by commodity, regency and unit.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    groups: dict[tuple[str, str, Unit], list[int]] = defaultdict(list)
    for row in rows:
        if in_window(row, now, window):
            regency = regency_of(row.regency) or row.regency
            groups[(row.commodity, regency, row.unit)].append(row.price_per_unit)
    return [_point(key, prices) for key, prices in sorted(groups.items())]


def _point(key: tuple[str, str, Unit], prices: list[int]) -> PricePoint:
    commodity, regency, unit = key
    return PricePoint(
        commodity, regency, unit, _median(prices), min(prices), max(prices), len(prices)
    )
