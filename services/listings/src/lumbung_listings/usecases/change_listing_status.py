"""Publish, pause, resume or archive a listing, as the lifecycle allows the caller."""

from __future__ import annotations

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.access import actor_of, stale_version
from lumbung_listings.domain.cooperative import NotAMemberError, is_current
from lumbung_listings.domain.lifecycle import Status, transition
from lumbung_listings.domain.stock import status_for_stock
from lumbung_listings.storage.cooperatives import CooperativeRepository
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.usecases.listing_access import load_own, save_change


class ChangeListingStatus:
    """Moves a listing through its lifecycle; a resumed listing without stock is sold out.

    A cooperative resumes a listing made for one member only while they are its member.
    """

    def __init__(
        self, listings: ListingRepository, cooperatives: CooperativeRepository | None = None
    ) -> None:
        self._listings = listings
        self._cooperatives = cooperatives

    async def __call__(
        self, listing_id: str, editor: Identity, target: Status, version: int | None
    ) -> Document:
        doc = await load_own(self._listings, listing_id, editor)
        if version is not None and doc["version"] != version:
            raise stale_version(doc["version"])
        current = Status(doc["status"])
        status = transition(current, target, actor_of(editor))
        if status is current:
            return doc
        if status is Status.ACTIVE:
            await self._producers_still_members(doc)
            status = status_for_stock(Status.ACTIVE, doc["quantity_available"])
        return await save_change(self._listings, doc, {"status": status.value})

    async def _producers_still_members(self, doc: Document) -> None:
        """A listing made for one member is sold again only while they are still a member."""
        terms = doc.get("aggregator")
        if not terms or terms.get("pooled") or self._cooperatives is None:
            return
        producer = doc["producer_ids"][0]
        if not is_current(await self._cooperatives.membership(terms["aggregator_id"], producer)):
            raise NotAMemberError(producer)
