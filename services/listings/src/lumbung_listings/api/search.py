"""`GET /v1/listings`: search with filters and cursor pages, or offline sync with `since`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from lumbung_shared.web.identity import Caller, Identity
from lumbung_shared.web.state import from_state

from lumbung_listings.api.views import ListingPage, SyncPage, Tombstone, listing_view
from lumbung_listings.domain.access import searchable_statuses
from lumbung_listings.domain.filters import build_filters
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.search import SortOrder, page_size
from lumbung_listings.domain.sync import decode_sync_cursor
from lumbung_listings.domain.vocabulary import Kind, Tag
from lumbung_listings.storage.search import ListingSearch, sync_token

router = APIRouter(prefix="/v1/listings", tags=["search"])

PUBLIC_SYNC_STATUSES = [s.value for s in Status if s is not Status.DRAFT]


Search = Annotated[ListingSearch, Depends(from_state("search", ListingSearch))]


@router.get("", response_model=ListingPage | SyncPage)
async def search_listings(
    *,
    caller: Caller,
    search: Search,
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
        str | None, Query(max_length=200, description="Sync cursor, `0` first")
    ] = None,
) -> ListingPage | SyncPage:
    """Search listings (buyers see active ones; a seller sees all their own with `seller=me`).

    With `since`, answer an offline sync instead: every change after that cursor, including
    tombstones for listings to drop.
    """
    seller_id = caller.subject if seller == "me" else seller
    size = page_size(limit)
    if since is not None:
        return await _sync(caller, search, seller_id, since, size)
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
    page = await search.page(filters, size, cursor)
    return ListingPage(items=[listing_view(row) for row in page.rows], next_cursor=page.next_cursor)


async def _sync(
    caller: Identity, search: ListingSearch, seller_id: str | None, token: str, size: int
) -> SyncPage:
    """A seller syncing their own listings keeps every status; everyone else keeps active ones."""
    since = decode_sync_cursor(token)
    own = seller_id is not None and (seller_id == caller.subject or caller.is_admin)
    scope: dict[str, Any] = {"status": {"$in": PUBLIC_SYNC_STATUSES}} if not own else {}
    if seller_id is not None:
        scope["seller_id"] = seller_id
    rows, last, more = await search.changes(scope, since, size)
    items, removed = [], []
    for row in rows:
        kept = not row.get("deleted") and (
            row["status"] != Status.ARCHIVED.value if own else row["status"] == Status.ACTIVE.value
        )
        if kept:
            items.append(listing_view(row))
        else:
            removed.append(_tombstone(row))
    return SyncPage(
        items=items, removed=removed, next_cursor=sync_token(last, token), has_more=more
    )


def _tombstone(row: dict[str, Any]) -> Tombstone:
    return Tombstone(
        id=row["_id"],
        status=row["status"],
        deleted=bool(row.get("deleted")),
        version=row["version"],
        updated_at=row["updated_at"],
    )
