"""Routes of cooperatives (aggregators): profile, invitations, roster and memberships.

An aggregator manages `/v1/cooperatives/me/...`; a farmer or fisher joins with a code and sees
their own memberships under `/v1/cooperatives/memberships`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from lumbung_shared.web.responses import problem_responses

from lumbung_listings.api.cooperative_views import (
    CooperativeView,
    InvitationView,
    MemberContributionsView,
    MembershipView,
    contribution_rows,
    membership_view,
)
from lumbung_listings.api.deps import Admin, Aggregator, CooperativesDep, Member, MemberListingsDep
from lumbung_listings.domain.cooperative import (
    MEMBER_ID,
    AcceptInvitation,
    CooperativeProfile,
    InvitationRequest,
)

router = APIRouter(prefix="/v1/cooperatives", tags=["cooperatives"])
MemberPath = Annotated[str, Path(pattern=MEMBER_ID)]


@router.put("/me", response_model=CooperativeView, responses=problem_responses(400, 401, 403, 422))
async def save_profile(
    aggregator: Aggregator, cooperatives: CooperativesDep, profile: CooperativeProfile
) -> CooperativeView:
    """Declare the cooperative: name, type, home regency, fee (a new fee: new listings only)."""
    return CooperativeView.model_validate(await cooperatives.save_profile(aggregator, profile))


@router.get("/me", response_model=CooperativeView, responses=problem_responses(401, 403, 409))
async def show_profile(aggregator: Aggregator, cooperatives: CooperativesDep) -> CooperativeView:
    """The calling aggregator's profile (409 until declared)."""
    return CooperativeView.model_validate(await cooperatives.profile(aggregator.subject))


@router.post(
    "/me/invitations",
    status_code=201,
    response_model=InvitationView,
    responses=problem_responses(400, 401, 403, 409, 422),
)
async def invite(
    aggregator: Aggregator, cooperatives: CooperativesDep, request: InvitationRequest
) -> InvitationView:
    """A single-use code for one farmer or fisher to join with; it expires."""
    return InvitationView.model_validate(await cooperatives.invite(aggregator, request))


@router.get(
    "/me/members", response_model=list[MembershipView], responses=problem_responses(401, 403)
)
async def roster(aggregator: Aggregator, cooperatives: CooperativesDep) -> list[MembershipView]:
    """The roster: every membership, current and ended."""
    return [membership_view(m, None) for m in await cooperatives.roster(aggregator.subject)]


@router.get(
    "/{aggregator_id}/members",
    response_model=list[MembershipView],
    responses=problem_responses(401, 403, 422),
)
async def audit_roster(
    aggregator_id: MemberPath, admin: Admin, cooperatives: CooperativesDep
) -> list[MembershipView]:
    """Any cooperative's roster, for an admin auditing it."""
    del admin
    return [membership_view(m, None) for m in await cooperatives.roster(aggregator_id)]


@router.delete(
    "/me/members/{member_id}",
    response_model=MembershipView,
    responses=problem_responses(401, 403, 404, 422),
)
async def remove_member(
    member_id: MemberPath, aggregator: Aggregator, cooperatives: CooperativesDep
) -> MembershipView:
    """End a member's membership: their unreserved stock leaves the pools, open orders stay."""
    ended = await cooperatives.end(aggregator.subject, member_id, aggregator)
    return membership_view(ended, None)


@router.post(
    "/memberships",
    status_code=201,
    response_model=MembershipView,
    responses=problem_responses(400, 401, 403, 404, 409, 410, 422),
)
async def join(
    member: Member, cooperatives: CooperativesDep, body: AcceptInvitation, response: Response
) -> MembershipView:
    """Join a cooperative with its invitation code (your consent to sell through it)."""
    membership = await cooperatives.accept(member, body.code)
    response.headers["Location"] = f"/v1/cooperatives/memberships/{membership['aggregator_id']}"
    profile = await cooperatives.profile(membership["aggregator_id"])
    return membership_view(membership, profile)


@router.get(
    "/memberships", response_model=list[MembershipView], responses=problem_responses(401, 403)
)
async def my_memberships(member: Member, cooperatives: CooperativesDep) -> list[MembershipView]:
    """Your memberships, each with the cooperative's name and declared fee."""
    return [membership_view(m, p) for m, p in await cooperatives.memberships_of(member.subject)]


@router.get(
    "/memberships/contributions",
    response_model=list[MemberContributionsView],
    responses=problem_responses(401, 403),
)
async def my_contributions(
    member: Member, member_listings: MemberListingsDep
) -> list[MemberContributionsView]:
    """Your stock on cooperatives' listings: contributed, on sale, held, sold, withdrawn."""
    return [
        MemberContributionsView(
            listing_id=doc["_id"], aggregator_id=doc["seller_id"], members=contribution_rows(rows)
        )
        for doc, rows in await member_listings.of_member(member)
    ]


@router.delete(
    "/memberships/{aggregator_id}",
    response_model=MembershipView,
    responses=problem_responses(401, 403, 404, 422),
)
async def leave(
    aggregator_id: MemberPath, member: Member, cooperatives: CooperativesDep
) -> MembershipView:
    """Leave a cooperative: your unreserved stock leaves its pools; open orders are honoured."""
    return membership_view(await cooperatives.end(aggregator_id, member.subject, member), None)
