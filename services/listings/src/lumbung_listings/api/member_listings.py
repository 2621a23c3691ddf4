"""Routes of an aggregator selling for its members: listings on their behalf, pools, stock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses

from lumbung_listings.api.cooperative_views import ContributionsView, contribution_rows
from lumbung_listings.api.deps import Aggregator, MemberListingsDep
from lumbung_listings.api.views import ListingView, listing_view
from lumbung_listings.domain.access import etag
from lumbung_listings.domain.member_listing import Contributions, MemberListingDraft

router = APIRouter(tags=["cooperatives"])


@router.post(
    "/v1/cooperatives/me/listings",
    status_code=201,
    response_model=ListingView,
    responses=problem_responses(400, 401, 403, 409, 422),
)
async def create_member_listing(
    aggregator: Aggregator,
    member_listings: MemberListingsDep,
    response: Response,
    listing: MemberListingDraft,
    draft: Annotated[bool, Query(description="Keep it as an unpublished draft")] = False,
) -> ListingView:
    """List for one member (`producer_id`) or pool members' stock (`contributions`); 403 for
    anyone who is not a current member."""
    doc = await member_listings.create(aggregator, listing, publish=not draft)
    response.headers["Location"] = f"/v1/listings/{doc['_id']}"
    response.headers["ETag"] = etag(doc["version"])
    return listing_view(doc)


@router.post(
    "/v1/listings/{listing_id}/contributions",
    response_model=ListingView,
    responses=problem_responses(400, 401, 403, 404, 412, 422),
)
async def add_contributions(
    listing_id: str,
    aggregator: Aggregator,
    member_listings: MemberListingsDep,
    response: Response,
    body: Contributions,
) -> ListingView:
    """Add members' units to a pool; they are sold after every earlier contribution."""
    doc = await member_listings.add(listing_id, aggregator, body.contributions)
    response.headers["ETag"] = etag(doc["version"])
    return listing_view(doc)


@router.get(
    "/v1/listings/{listing_id}/contributions",
    response_model=ContributionsView,
    responses=problem_responses(401, 404),
)
async def show_contributions(
    listing_id: str, caller: Caller, member_listings: MemberListingsDep
) -> ContributionsView:
    """Stock by member: all members for the aggregator or an admin, your own row for a member."""
    doc, rows = await member_listings.stock_of(listing_id, caller)
    return ContributionsView(
        listing_id=doc["_id"],
        pooled=bool(doc["aggregator"].get("pooled")),
        quantity_available=doc["quantity_available"],
        members=contribution_rows(rows),
    )
