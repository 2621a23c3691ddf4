"""Routes for a fisher's trip: announce its expected catch as a pre-listing, then land it.

Reading a trip is reading its listing (`GET /v1/listings/{id}`: the view carries the trip).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, Response
from lumbung_shared.web.responses import problem_responses

from lumbung_listings.api.deps import Announcing, CallingOff, Fisher, Landing
from lumbung_listings.api.views import ListingView, listing_view
from lumbung_listings.domain.access import etag
from lumbung_listings.domain.landing import LandingReport
from lumbung_listings.domain.trip import TripDraft

router = APIRouter(prefix="/v1/listings", tags=["trips"])

KEY_PATTERN: Final = r"^[!-~]+$"
"""Visible ASCII without spaces (a UUID fits), as the orders service accepts."""
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=KEY_PATTERN,
        description="A key of your own for this announcement (a UUID fits); a retry with the "
        "same key and body gets the same trip back instead of a second one.",
        examples=["3b9f6a0e-8c1d-4f2a-9e7b-5d4c3a2b1f00"],
    ),
]
REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` when this answers an earlier request with the same key.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


def _answer(response: Response, doc: dict[str, Any]) -> ListingView:
    response.headers["ETag"] = etag(doc["version"])
    response.headers["Cache-Control"] = "private, no-cache"
    return listing_view(doc)


@router.post(
    "/trips",
    status_code=201,
    response_model=ListingView,
    responses={201: {"headers": REPLAYED}, **problem_responses(400, 401, 403, 409, 422)},
)
async def announce_trip(
    fisher: Fisher,
    announce: Announcing,
    response: Response,
    trip: TripDraft,
    idempotency_key: IdempotencyKey,
) -> ListingView:
    """Announce a trip's expected catch as a pre-listing buyers can reserve (cash on delivery).

    A danger alert in force for the vessel class in the zone refuses it (409, do not sail); a
    danger alert issued later calls it off, releasing every reservation.
    """
    announced = await announce(fisher.subject, idempotency_key, trip)
    response.headers["Location"] = f"/v1/listings/{announced.listing['_id']}"
    if announced.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return _answer(response, announced.listing)


@router.post(
    "/{listing_id}/call-off",
    response_model=ListingView,
    responses=problem_responses(401, 403, 404, 409),
)
async def call_off_trip(
    listing_id: str, fisher: Fisher, call_off: CallingOff, response: Response
) -> ListingView:
    """Call your trip off (not sailing after all): every reservation is released, its buyers'
    orders end cancelled (`trip_cancelled`), nothing charged. A repeat answers the same."""
    return _answer(response, await call_off(listing_id, fisher))


@router.post(
    "/{listing_id}/landing",
    response_model=ListingView,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def land_catch(
    listing_id: str, fisher: Fisher, land: Landing, response: Response, report: LandingReport
) -> ListingView:
    """Land the trip's catch: it goes on sale at the actual quantity; reservations beyond it
    are released, the newest first."""
    return _answer(response, await land(listing_id, fisher, report.actual_quantity))
