"""Search listings: one keyset page of what the validated filters match."""

from __future__ import annotations

from lumbung_listings.domain.filters import ListingFilters
from lumbung_listings.storage.search import ListingSearch, Page


class SearchListings:
    """Up to `size` matching listings after `cursor`, in the filters' sort order."""

    def __init__(self, search: ListingSearch) -> None:
        self._search = search

    async def __call__(self, filters: ListingFilters, size: int, cursor: str | None) -> Page:
        return await self._search.page(filters, size, cursor)
