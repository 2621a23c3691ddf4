"""The price board: what a commodity sells for per regency in live listings."""

from __future__ import annotations

from datetime import datetime

from lumbung_listings.domain.prices import PricePoint, price_board
from lumbung_listings.storage.search import ListingSearch


class ShowPriceBoard:
    """Median/min/max asking price per commodity per regency over the board's window."""

    def __init__(self, search: ListingSearch) -> None:
        self._search = search

    async def __call__(
        self,
        commodity: str | None,
        region: str | None,
        now: datetime,
        seller_type: str | None = None,
    ) -> list[PricePoint]:
        rows = await self._search.price_rows(commodity, region, now, seller_type)
        return price_board(rows, now)
