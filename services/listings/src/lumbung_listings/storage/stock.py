"""Stock counters on listing documents, changed only through guarded single-document updates.

The guard (built by the use case) names the version read a moment before and what must still
hold (active, enough units, this order not recorded yet in `reserved_orders`); the guard and
the write are one operation, so two racing orders cannot both pass it.
"""

from __future__ import annotations

from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document
from lumbung_shared.outbox import Notify, merge_updates, outbox_push
from pymongo.asynchronous.collection import AsyncCollection

MAX_MEMBER_LISTINGS = 500


class ListingStock:
    """Reads and conditionally updates the stock counters of listings."""

    def __init__(self, listings: AsyncCollection[Document], on_event: Notify) -> None:
        self._listings = listings
        self._on_event = on_event

    async def find(self, listing_id: str) -> Document | None:
        """The listing (deleted ones too) with its reservation markers, without its outbox."""
        return await self._listings.find_one({"_id": listing_id}, {"outbox": 0})

    async def change(
        self,
        doc: Document,
        fields: Document,
        guard: Document,
        marker: Document,
        events: list[Envelope[Any]],
    ) -> bool:
        """Set `fields` and apply `marker` if `doc` is unchanged and `guard` holds; else False."""
        update = merge_updates({"$set": fields}, marker, outbox_push(*events))
        result = await self._listings.update_one(
            {"_id": doc["_id"], "version": doc["version"], **guard}, update
        )
        if result.modified_count == 0:
            return False
        self._on_event(doc["_id"])
        return True

    async def drop_marker(self, listing_id: str, order_id: str) -> None:
        """Forget that `order_id` reserved stock here; the units themselves do not move.

        Filtered by `_id` alone: `$pull` of a marker that is not there changes nothing, so a
        `reserved_orders` guard would add nothing but a full collection read on FerretDB.
        """
        await self._listings.update_one(
            {"_id": listing_id}, {"$pull": {"reserved_orders": order_id}}
        )

    async def with_producer(self, member_id: str, seller_id: str | None = None) -> list[Document]:
        """Undeleted aggregator listings `member_id` produces for (of `seller_id`, if given).

        A scan on FerretDB (only `_id` is indexed there); read when a member leaves or looks
        up their own contributions, both rare.
        """
        query: Document = {"producer_ids": member_id, "deleted": False}
        if seller_id is not None:
            query["seller_id"] = seller_id
        found = self._listings.find(query, {"outbox": 0}).sort("created_at", 1)
        return await found.limit(MAX_MEMBER_LISTINGS).to_list(None)
