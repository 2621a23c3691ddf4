"""Edit a listing: the seller's patch against the version they saw (412 if it moved on).

A trip's pre-listing is not edited: buyers reserved its expected catch as announced, and its
quantity is settled by landing it; once landed it is a listing like any other.
"""

from __future__ import annotations

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.access import stale_version
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.listing import ListingPatch, apply_patch
from lumbung_listings.domain.listing_content import content_fields, draft_of
from lumbung_listings.domain.problems import invalid
from lumbung_listings.domain.stock import status_for_stock
from lumbung_listings.domain.trip import TRIP_AT_SEA_OR_OFF, trip_not_editable
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.risk import SupplyRiskRepository
from lumbung_listings.usecases.listing_access import load_own, save_change


class EditListing:
    """Applies a seller's edit; a listing that moved region or kind is re-checked for risk."""

    def __init__(self, listings: ListingRepository, risk: SupplyRiskRepository) -> None:
        self._listings = listings
        self._risk = risk

    async def __call__(
        self, listing_id: str, editor: Identity, version: int, patch: ListingPatch
    ) -> Document:
        doc = await load_own(self._listings, listing_id, editor)
        if doc["version"] != version:
            raise stale_version(doc["version"])
        if Status(doc["status"]) in TRIP_AT_SEA_OR_OFF:
            raise trip_not_editable(Status(doc["status"]))
        pooled = bool((doc.get("aggregator") or {}).get("pooled"))
        if pooled and "quantity_available" in patch.model_fields_set:
            raise invalid(
                "pool-quantity-derived",
                "Stok iklan gabungan adalah jumlah setoran anggota; tambahkan setoran.",
                "A pooled listing's stock is the sum of its members' contributions; add "
                "contributions instead.",
            )
        draft = apply_patch(draft_of(doc), patch)
        fields = {
            **content_fields(draft),
            "status": status_for_stock(Status(doc["status"]), draft.quantity_available).value,
        }
        if draft.kind != doc["kind"] or draft.origin_region != doc["origin_region"]:
            risks = await self._risk.active_for(draft.kind, draft.origin_region)
            fields.update(risk_alert_ids=risks, supply_at_risk=bool(risks))
        return await save_change(self._listings, doc, fields)
