"""Reading many listings: filtered keyset pages, offline-sync changes and price-board rows.

Filters are plain equality, range and `$all` matches over stored fields (the search words and
region ancestors are stored arrays), so they work on FerretDB and use ordinary indexes on
MongoDB. Pages are keyset pages: the next page starts strictly after the last row's sort key
and id, so rows never repeat or vanish when listings are added while someone scrolls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lumbung_shared.mongo import Document
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_listings.domain.filters import ListingFilters
from lumbung_listings.domain.prices import WINDOW, PriceRow
from lumbung_listings.domain.search import (
    SORTS,
    Cursor,
    SortOrder,
    decode_cursor,
    encode_cursor,
    from_micros,
    micros,
)
from lumbung_listings.domain.sync import SyncCursor, SyncScope
from lumbung_listings.domain.vocabulary import Unit
from lumbung_listings.storage.documents import HIDDEN_FIELDS

MAX_PRICE_ROWS = 20_000  # a board over more live listings than this is sampled by recency


@dataclass(frozen=True)
class Page:
    """One page of documents and the cursor of the next (None on the last page)."""

    rows: list[Document]
    next_cursor: str | None


def filter_query(filters: ListingFilters) -> Document:
    """The Mongo filter for a validated search."""
    statuses = sorted(s.value for s in filters.statuses)
    query: Document = {"deleted": False}
    query["status"] = statuses[0] if len(statuses) == 1 else {"$in": statuses}
    optional = {
        "commodity": filters.commodity,
        "kind": filters.kind.value if filters.kind else None,
        "region_path": filters.region,
        "seller_id": filters.seller_id,
        "supply_at_risk": filters.supply_at_risk,
    }
    query.update({key: value for key, value in optional.items() if value is not None})
    price = {"$gte": filters.price_min, "$lte": filters.price_max}
    price = {op: value for op, value in price.items() if value is not None}
    if price:
        query["price_per_unit"] = price
    if filters.tags:
        query["tags"] = {"$all": [tag.value for tag in filters.tags]}
    plain = [word.text for word in filters.words if not word.commodities]
    if plain:
        query["keywords"] = {"$all": plain}
    naming = [word for word in filters.words if word.commodities]
    if naming:
        query["$and"] = [
            {"$or": [{"keywords": word.text}, {"commodity": {"$in": sorted(word.commodities)}}]}
            for word in naming
        ]
    return query


def _after(cursor: Cursor) -> Document:
    """Rows strictly after the cursor in its sort order (ties broken by id the same way)."""
    spec = SORTS[cursor.sort]
    value: Any = from_micros(cursor.key) if cursor.sort is SortOrder.NEWEST else cursor.key
    beyond = "$lt" if spec.descending else "$gt"
    return {
        "$or": [
            {spec.field: {beyond: value}},
            {spec.field: value, "_id": {beyond: cursor.id}},
        ]
    }


def _cursor_of(doc: Document, sort: SortOrder) -> str:
    key = micros(doc["created_at"]) if sort is SortOrder.NEWEST else int(doc["price_per_unit"])
    return encode_cursor(Cursor(sort, key, doc["_id"]))


class ListingSearch:
    """Read-only queries over the listings collection."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def page(self, filters: ListingFilters, size: int, cursor: str | None) -> Page:
        """Up to `size` matching listings after `cursor`, in the filters' sort order."""
        if not filters.statuses:
            return Page([], None)
        query = filter_query(filters)
        if cursor is not None:
            query = {"$and": [query, _after(decode_cursor(cursor, filters.sort))]}
        spec = SORTS[filters.sort]
        direction = DESCENDING if spec.descending else ASCENDING
        found = self._collection.find(query, HIDDEN_FIELDS).sort(
            [(spec.field, direction), ("_id", direction)]
        )
        rows = await found.limit(size + 1).to_list(None)
        if len(rows) <= size:
            return Page(rows, None)
        return Page(rows[:size], _cursor_of(rows[size - 1], filters.sort))

    async def changes(
        self,
        scope: SyncScope,
        since: SyncCursor,
        boundary: int,
        size: int,
    ) -> tuple[list[Document], SyncCursor | None, bool]:
        """Listings changed after `since` and before `boundary` (µs), oldest change first.

        Only those in the scope's statuses (all when None) and of its seller (any when None);
        while `since` has an origin, tombstones stamped at or before it are left out in the
        query itself, so a page is never empty while more is to come. Returns the rows, the
        cursor of the last one (None when there is none) and whether more rows follow.
        """
        query: Document = {} if scope.statuses is None else {"status": {"$in": scope.statuses}}
        if scope.seller_id is not None:
            query["seller_id"] = scope.seller_id
        moment = from_micros(since.key)
        clauses: list[Document] = [
            query,
            {
                "$or": [
                    {"updated_at": {"$gt": moment}},
                    {"updated_at": moment, "_id": {"$gt": since.id}},
                ]
            },
            {"updated_at": {"$lt": from_micros(boundary)}},
        ]
        if since.origin is not None:
            live = {"deleted": {"$ne": True}, "status": {"$in": sorted(scope.kept)}}
            clauses.append({"$or": [live, {"updated_at": {"$gt": from_micros(since.origin)}}]})
        found = self._collection.find({"$and": clauses}, HIDDEN_FIELDS).sort(
            [("updated_at", ASCENDING), ("_id", ASCENDING)]
        )
        rows = await found.limit(size + 1).to_list(None)
        more = len(rows) > size
        rows = rows[:size]
        if not rows:
            return [], None, False
        last = rows[-1]
        return rows, SyncCursor(micros(last["updated_at"]), last["_id"]), more

    async def price_rows(
        self,
        commodity: str | None,
        region: str | None,
        now: datetime,
        seller_type: str | None = None,
    ) -> list[PriceRow]:
        """Asking prices of active listings created in the board's window.

        `seller_type` keeps only aggregators' (`aggregator`) or individual sellers' listings;
        filtered here rather than in the query, since a missing field and `null` are matched
        differently across stores.
        """
        query: Document = {
            "status": "active",
            "deleted": False,
            "created_at": {"$gte": now - WINDOW},
        }
        if commodity is not None:
            query["commodity"] = commodity
        if region is not None:
            query["region_path"] = region
        projection = {
            "commodity": 1,
            "origin_region": 1,
            "price_per_unit": 1,
            "unit": 1,
            "created_at": 1,
            "aggregator": 1,
        }
        found = self._collection.find(query, projection).sort("created_at", DESCENDING)
        docs = await found.limit(MAX_PRICE_ROWS).to_list(None)
        if seller_type is not None:
            docs = [d for d in docs if bool(d.get("aggregator")) == (seller_type == "aggregator")]
        return [
            PriceRow(
                commodity=doc["commodity"],
                regency=doc["origin_region"],
                price_per_unit=doc["price_per_unit"],
                unit=Unit(doc["unit"]),
                created_at=doc["created_at"],
            )
            for doc in docs
        ]
