"""An aggregator selling for its members: a listing on one member's behalf, or a pool.

Every member named must be a current member of the calling aggregator (else 403), checked
where the listing is written. The aggregator's fee is copied onto the listing at creation
(`aggregator` terms), so every event of the listing carries the terms it is sold under.
"""

from __future__ import annotations

from uuid import uuid4

from lumbung_shared.clock import utc_now
from lumbung_shared.errors import ForbiddenError
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.access import stale_version
from lumbung_listings.domain.cooperative import NotAMemberError
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.member_listing import ContributionIn, MemberListingDraft
from lumbung_listings.domain.pool import (
    Contribution,
    MemberStock,
    Share,
    available,
    stock_by_member,
)
from lumbung_listings.domain.problems import ListingNotFoundError, invalid
from lumbung_listings.domain.stock import status_for_stock
from lumbung_listings.messaging.events import listing_changed, listing_created
from lumbung_listings.storage.documents import CONTRIBUTIONS, POOL_HOLDS, public
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.risk import SupplyRiskRepository
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.usecases.cooperatives import Cooperatives
from lumbung_listings.usecases.create_listing import new_listing

EDITABLE_POOL = frozenset({Status.ACTIVE, Status.SOLD_OUT, Status.PAUSED, Status.DRAFT})


def _contributions(entries: list[ContributionIn]) -> list[Document]:
    return [
        Contribution(uuid4().hex[:12], c.member_id, c.quantity, c.quantity).as_doc()
        for c in entries
    ]


class MemberListings:
    """Creates members' listings and pools, adds contributions, shows stock by member."""

    def __init__(
        self,
        listings: ListingRepository,
        stock: ListingStock,
        risk: SupplyRiskRepository,
        cooperatives: Cooperatives,
    ) -> None:
        self._listings = listings
        self._stock = stock
        self._risk = risk
        self._cooperatives = cooperatives

    async def _members(self, aggregator_id: str, member_ids: list[str]) -> dict[str, Document]:
        current = await self._cooperatives.current_members(aggregator_id, member_ids)
        for member_id in member_ids:
            if member_id not in current:
                raise NotAMemberError(member_id)
        return current

    async def create(
        self, aggregator: Identity, body: MemberListingDraft, *, publish: bool
    ) -> Document:
        """A listing sold by the aggregator for its members, under its current fee."""
        profile = await self._cooperatives.profile(aggregator.subject)
        members = await self._members(aggregator.subject, body.member_ids())
        origin = profile["home_regency"]
        if body.producer is not None:
            origin = members[body.producer].get("member_region") or origin
        draft = body.listing(origin)
        status = (
            status_for_stock(Status.ACTIVE, draft.quantity_available) if publish else Status.DRAFT
        )
        risks = await self._risk.active_for(draft.kind, draft.origin_region)
        doc = new_listing(
            uuid4().hex,
            seller_id=aggregator.subject,
            draft=draft,
            status=status,
            risks=risks,
            now=utc_now(),
        )
        doc["aggregator"] = {
            "aggregator_id": aggregator.subject,
            "fee_basis_points": int(profile["fee_basis_points"]),
            "pooled": body.pooled,
        }
        doc["producer_ids"] = body.member_ids()
        doc[POOL_HOLDS] = []
        if body.pooled:
            doc[CONTRIBUTIONS] = _contributions(body.pool)
        await self._listings.insert(doc, listing_created(doc))
        return public(doc)

    async def _own_pool(self, listing_id: str, caller: Identity) -> Document:
        doc = await self._stock.find(listing_id)
        if doc is None or doc.get("deleted") or not doc.get("aggregator"):
            raise ListingNotFoundError
        if not caller.is_admin and doc["seller_id"] != caller.subject:
            raise ListingNotFoundError
        if not doc["aggregator"].get("pooled"):
            raise invalid(
                "not-a-pool",
                "Iklan ini bukan iklan gabungan (pool).",
                "This listing is not a pooled listing.",
            )
        return doc

    async def add(
        self, listing_id: str, aggregator: Identity, entries: list[ContributionIn]
    ) -> Document:
        """More members' units on a pool, sold after every earlier contribution."""
        doc = await self._own_pool(listing_id, aggregator)
        if Status(doc["status"]) not in EDITABLE_POOL:
            raise invalid(
                "pool-closed", "Iklan ini tidak menerima stok.", "This listing takes no stock."
            )
        new_ids = list(dict.fromkeys(c.member_id for c in entries))
        await self._members(doc["seller_id"], new_ids)
        pool = [*doc.get(CONTRIBUTIONS, []), *_contributions(entries)]
        quantity = available(Contribution.of(c) for c in pool)
        status = status_for_stock(Status(doc["status"]), quantity)
        fields = {
            CONTRIBUTIONS: pool,
            "producer_ids": list(dict.fromkeys([*doc.get("producer_ids", []), *new_ids])),
            "quantity_available": quantity,
            "status": status.value,
            "version": doc["version"] + 1,
            "updated_at": utc_now(),
        }
        after = {**doc, **fields}
        if not await self._listings.save(
            doc["_id"], doc["version"], fields, *listing_changed(doc, after)
        ):
            raise stale_version(await self._listings.version_of(doc["_id"]))
        return public(after)

    async def stock_of(
        self, listing_id: str, caller: Identity
    ) -> tuple[Document, list[MemberStock]]:
        """Stock by member: all of it for the aggregator (or an admin), a member's own for them."""
        doc = await self._stock.find(listing_id)
        if doc is None or doc.get("deleted") or not doc.get("aggregator"):
            raise ListingNotFoundError
        seller = caller.is_admin or doc["seller_id"] == caller.subject
        if not seller and caller.subject not in doc.get("producer_ids", []):
            raise ListingNotFoundError
        rows = self._rows(doc)
        if not seller:
            rows = [r for r in rows if r.member_id == caller.subject]
        return doc, rows

    def _rows(self, doc: Document) -> list[MemberStock]:
        holds = [Share.of(s) for h in doc.get(POOL_HOLDS, []) for s in h["shares"]]
        if doc["aggregator"].get("pooled"):
            return stock_by_member([Contribution.of(c) for c in doc.get(CONTRIBUTIONS, [])], holds)
        producer = doc["producer_ids"][0]
        held = sum(int(h["quantity"]) for h in doc.get(POOL_HOLDS, []))
        on_sale = int(doc["quantity_available"])
        return [MemberStock(producer, on_sale + held, on_sale, held, 0, 0)]

    async def of_member(self, member: Identity) -> list[tuple[Document, list[MemberStock]]]:
        """Every aggregator listing with the member's stock, each with their own row only."""
        if member.is_admin:
            raise ForbiddenError
        found = await self._stock.with_producer(member.subject)
        return [
            (doc, [r for r in self._rows(doc) if r.member_id == member.subject]) for doc in found
        ]
