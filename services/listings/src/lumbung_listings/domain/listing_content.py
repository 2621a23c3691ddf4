"""What a listing stores besides the seller's words: derived search words and region ancestors.

Derived here, from the draft alone, so every write path (create, edit) stores the same fields.
"""

from __future__ import annotations

from typing import Any

from lumbung_listings.domain.commodities import get_commodity
from lumbung_listings.domain.listing import ListingDraft
from lumbung_listings.domain.regions import ancestors
from lumbung_listings.domain.search import listing_keywords


def content_fields(draft: ListingDraft) -> dict[str, Any]:
    """What a draft stores: its fields plus the derived search words and region ancestors."""
    commodity = get_commodity(draft.commodity)
    return {
        **draft.model_dump(mode="json"),
        "keywords": listing_keywords(
            draft.title, draft.description, commodity.name_id, commodity.name_en
        ),
        "region_path": ancestors(draft.origin_region),
    }


def draft_of(doc: dict[str, Any]) -> ListingDraft:
    """The seller-settable part of a stored listing, as a draft to patch."""
    return ListingDraft.model_validate(
        {name: doc[name] for name in ListingDraft.model_fields if doc.get(name) is not None}
    )
