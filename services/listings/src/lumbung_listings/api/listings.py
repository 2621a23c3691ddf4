"""Routes for one listing: create, read, edit, move through its lifecycle, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.exceptions import RequestValidationError
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, ConfigDict, WithJsonSchema

from lumbung_listings.api.deps import (
    Creating,
    Deleting,
    Editing,
    ListingOwner,
    Reading,
    Seller,
    StatusChanging,
)
from lumbung_listings.api.views import ListingView, listing_view
from lumbung_listings.domain.access import IF_MATCH_PATTERN, etag, parse_if_match
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.listing import InvalidEditError, ListingDraft, ListingPatch

router = APIRouter(prefix="/v1/listings", tags=["listings"])

_IF_MATCH = Header(
    alias="if-match",
    pattern=IF_MATCH_PATTERN,
    description='The listing version being changed, as its `ETag` (`"3"`)',
)
IfMatch = Annotated[str, _IF_MATCH]
"""Required on an edit: a patch is made against the version the seller saw (else 412)."""
OptionalIfMatch = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN}),  # absent, never `null`
    _IF_MATCH,
]
WRITE = (400, 401, 403, 404, 422)  # a body, a seller's role, a listing id


class StatusChange(BaseModel):
    """The status a seller wants the listing in."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "paused"}]}
    )

    status: Status


def _with_etag(response: Response, doc: dict[str, Any]) -> ListingView:
    response.headers["ETag"] = etag(doc["version"])
    response.headers["Cache-Control"] = "private, no-cache"
    return listing_view(doc)


@router.post(
    "", status_code=201, response_model=ListingView, responses=problem_responses(400, 401, 403, 422)
)
async def create_listing(
    seller: Seller,
    create_listing: Creating,
    response: Response,
    listing: ListingDraft,
    draft: Annotated[bool, Query(description="Keep it as an unpublished draft")] = False,
) -> ListingView:
    """Create a listing of produce, catch or processed goods for the calling seller."""
    doc = await create_listing(seller.subject, listing, publish=not draft)
    response.headers["Location"] = f"/v1/listings/{doc['_id']}"
    return _with_etag(response, doc)


@router.get("/{listing_id}", response_model=ListingView, responses=problem_responses(404))
async def get_listing(
    listing_id: str, caller: Caller, read_listing: Reading, response: Response
) -> ListingView:
    """One listing by id; drafts and archived listings only for their seller."""
    return _with_etag(response, await read_listing(listing_id, caller))


@router.patch("/{listing_id}", response_model=ListingView, responses=problem_responses(*WRITE, 412))
async def edit_listing(
    *,
    listing_id: str,
    seller: ListingOwner,
    edit_listing: Editing,
    response: Response,
    patch: ListingPatch,
    if_match: IfMatch,
) -> ListingView:
    """Edit the seller-settable fields; `If-Match` must name the current version (else 412).

    A missing `If-Match` is a 422 naming the header, with any wrong body fields in the same
    answer (not a separate 428 round trip).

    Rules between fields are checked on the edited listing; what breaks them is a 422 listing
    every such field, like any invalid body.
    """
    version = parse_if_match(if_match)
    try:
        doc = await edit_listing(listing_id, seller, version, patch)
    except InvalidEditError as error:
        raise RequestValidationError(
            [{**item, "loc": ("body", *item["loc"])} for item in error.errors]
        ) from error
    return _with_etag(response, doc)


@router.post(
    "/{listing_id}/status",
    response_model=ListingView,
    responses=problem_responses(*WRITE, 409, 412),
)
async def change_status(
    *,
    listing_id: str,
    seller: ListingOwner,
    change_listing_status: StatusChanging,
    response: Response,
    change: StatusChange,
    if_match: OptionalIfMatch = None,
) -> ListingView:
    """Publish, pause, resume or archive a listing (`If-Match` optional, checked when sent)."""
    version = None if if_match is None else parse_if_match(if_match)
    doc = await change_listing_status(listing_id, seller, change.status, version)
    return _with_etag(response, doc)


@router.delete(
    "/{listing_id}",
    status_code=204,
    response_class=Response,
    responses={
        204: {"description": "Deleted (also when it already was)"},
        **problem_responses(401, 403, 404, 412),
    },
)
async def delete_listing(
    listing_id: str, seller: ListingOwner, delete_listing: Deleting
) -> Response:
    """Delete a listing and its photos; phones learn of it through sync tombstones."""
    await delete_listing(listing_id, seller)
    return Response(status_code=204)
