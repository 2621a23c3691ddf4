"""`GET /v1/listings`: search with filters and cursor pages, or offline sync with `since`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses

from lumbung_listings.api.deps import Searching, Syncing
from lumbung_listings.api.params import (
    CURSOR_PATTERN,
    CommodityFilter,
    PageCursor,
    PageSize,
    RegionFilter,
)
from lumbung_listings.api.views import ListingPage, SyncPage, Tombstone, listing_view
from lumbung_listings.domain.access import searchable_statuses
from lumbung_listings.domain.filters import MAX_FILTER_TAGS, build_filters
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.listing import MAX_PRICE_PER_UNIT
from lumbung_listings.domain.search import MAX_QUERY_LENGTH, SortOrder, page_size
from lumbung_listings.domain.sync import FROM_THE_START
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


SINCE_PATTERN = f"^({FROM_THE_START}|{CURSOR_PATTERN[1:-1]})$"
Price = Annotated[int | None, Query(ge=0, le=MAX_PRICE_PER_UNIT, description="Whole rupiah")]


@router.get(
    "",
    response_model=ListingPage | SyncPage,
    responses={410: SYNC_CURSOR_EXPIRED, **problem_responses(422)},
)
async def search_listings(
    *,
    caller: Caller,
    search_listings: Searching,
    sync_listings: Syncing,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_LENGTH,
            description="Words of the title or description, or of the commodity's Indonesian "
            "or English name (`bawang merah`, `shallots`); every word must match",
        ),
    ] = None,
    commodity: CommodityFilter = None,
    kind: Kind | None = None,
    region: RegionFilter = None,
    price_min: Price = None,
    price_max: Price = None,
    seller: Annotated[str | None, Query(max_length=64, description="Seller id, or `me`")] = None,
    status: Annotated[list[Status] | None, Query(max_length=len(Status))] = None,
    tag: Annotated[list[Tag] | None, Query(max_length=MAX_FILTER_TAGS)] = None,
    supply_at_risk: bool | None = None,
    sort: SortOrder = SortOrder.NEWEST,
    limit: PageSize = None,
    cursor: PageCursor = None,
    since: Annotated[
        str | None,
        Query(
            pattern=SINCE_PATTERN,
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
