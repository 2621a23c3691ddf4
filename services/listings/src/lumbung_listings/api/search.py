"""`GET /v1/listings`: search with filters and cursor pages, or offline sync with `since`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from lumbung_shared.web.identity import Caller

from lumbung_listings.api.deps import Searching, Syncing
from lumbung_listings.api.views import ListingPage, SyncPage, Tombstone, listing_view
from lumbung_listings.domain.access import searchable_statuses
from lumbung_listings.domain.filters import build_filters
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.search import SortOrder, page_size
from lumbung_listings.domain.vocabulary import Kind, Tag

router = APIRouter(prefix="/v1/listings", tags=["search"])

SYNC_CURSOR_EXPIRED = {
    "description": "Sync cursor expired (`sync-cursor-expired`): the phone has not synced "
    "for longer than deleted listings are kept, so it may have missed a deletion. Resync "
    "from scratch with `since=0` (live listings only) and replace the local copy.",
    "content": {
        "application/problem+json": {
            "schema": {
                "type": "object",
                "required": ["type", "title", "status"],
                "properties": {
                    "type": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "status": {"type": "integer", "enum": [410]},
                    "detail": {"type": "string"},
                    "message": {
                        "type": "object",
                        "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
                    },
                    "resync_since": {"type": "string", "enum": ["0"]},
                },
            }
        }
    },
}


@router.get("", response_model=ListingPage | SyncPage, responses={410: SYNC_CURSOR_EXPIRED})
async def search_listings(
    *,
    caller: Caller,
    search_listings: Searching,
    sync_listings: Syncing,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in title/description")
    ] = None,
    commodity: Annotated[str | None, Query(max_length=40)] = None,
    kind: Kind | None = None,
    region: Annotated[
        str | None, Query(max_length=8, description="Province/regency/district")
    ] = None,
    price_min: Annotated[int | None, Query(ge=0)] = None,
    price_max: Annotated[int | None, Query(ge=0)] = None,
    seller: Annotated[str | None, Query(max_length=64, description="Seller id, or `me`")] = None,
    status: Annotated[list[Status] | None, Query(max_length=5)] = None,
    tag: Annotated[list[Tag] | None, Query(max_length=10)] = None,
    supply_at_risk: bool | None = None,
    sort: SortOrder = SortOrder.NEWEST,
    limit: Annotated[int | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Sync cursor: `0` the first time (live listings only), then the "
            "`next_cursor` of the previous answer",
        ),
    ] = None,
) -> ListingPage | SyncPage:
    """Search listings (buyers see active ones; a seller sees all their own with `seller=me`).

    With `since`, answer an offline sync instead: every change after that cursor, including
    tombstones for listings to drop. Changes show within a fraction of a second (the settle
    window); `has_more` false means the phone is up to date. A cursor older than the tombstone
    retention is answered 410 `sync-cursor-expired`: resync from `since=0`.
    """
    seller_id = caller.subject if seller == "me" else seller
    size = page_size(limit)
    if since is not None:
        batch = await sync_listings(caller, seller_id, since, size)
        return SyncPage(
            items=[listing_view(row) for row in batch.kept],
            removed=[_tombstone(row) for row in batch.removed],
            next_cursor=batch.next_cursor,
            has_more=batch.has_more,
        )
    filters = build_filters(
        allowed=searchable_statuses(caller, seller_id),
        requested=status,
        commodity=commodity,
        kind=kind,
        region=region,
        price_min=price_min,
        price_max=price_max,
        seller_id=seller_id,
        tags=tag,
        q=q,
        supply_at_risk=supply_at_risk,
        sort=sort,
    )
    page = await search_listings(filters, size, cursor)
    return ListingPage(items=[listing_view(row) for row in page.rows], next_cursor=page.next_cursor)


def _tombstone(row: dict[str, Any]) -> Tombstone:
    return Tombstone(
        id=row["_id"],
        status=row["status"],
        deleted=bool(row.get("deleted")),
        version=row["version"],
        updated_at=row["updated_at"],
    )
