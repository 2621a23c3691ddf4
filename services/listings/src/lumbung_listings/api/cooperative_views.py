"""What clients see of cooperatives: profiles, invitations, memberships and stock by member."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from lumbung_listings.domain.cooperative import AggregatorType, MembershipStatus
from lumbung_listings.domain.pool import MemberStock


class CooperativeView(BaseModel):
    """An aggregator's declared profile."""

    aggregator_id: str = Field(validation_alias="_id")
    name: str
    type: AggregatorType
    home_regency: str
    fee_basis_points: int = Field(description="1/100 %: 500 is 5 %; applies to new listings")
    updated_at: datetime


class InvitationView(BaseModel):
    """A single-use code to give to one farmer or fisher; it expires at `expires_at`."""

    code: str = Field(validation_alias="_id")
    aggregator_id: str
    sent_to_phone: str | None = None
    expires_at: datetime


class MembershipView(BaseModel):
    """One (cooperative, member) membership; the cooperative's name and fee for the member."""

    aggregator_id: str
    member_id: str
    member_role: str
    member_region: str | None = None
    status: MembershipStatus
    joined_at: datetime
    ended_at: datetime | None = None
    ended_by: str | None = None
    cooperative_name: str | None = None
    fee_basis_points: int | None = Field(default=None, description="1/100 %, as declared now")


class MemberStockView(BaseModel):
    """One member's units on a listing."""

    member_id: str
    contributed: int
    remaining: int = Field(description="On sale now")
    held: int = Field(description="Reserved for open orders")
    sold: int
    withdrawn: int = Field(description="Taken out when the member left")


class ContributionsView(BaseModel):
    """Stock by member on an aggregator's listing (a member sees only their own row)."""

    listing_id: str
    pooled: bool
    quantity_available: int
    members: list[MemberStockView]


class MemberContributionsView(BaseModel):
    """A member's own stock on one cooperative's listing."""

    listing_id: str
    aggregator_id: str
    members: list[MemberStockView]


def contribution_rows(rows: list[MemberStock]) -> list[MemberStockView]:
    return [
        MemberStockView(
            member_id=r.member_id,
            contributed=r.contributed,
            remaining=r.remaining,
            held=r.held,
            sold=r.sold,
            withdrawn=r.withdrawn,
        )
        for r in rows
    ]


def membership_view(doc: dict[str, Any], profile: dict[str, Any] | None) -> MembershipView:
    extra = (
        {"cooperative_name": profile["name"], "fee_basis_points": profile["fee_basis_points"]}
        if profile
        else {}
    )
    return MembershipView.model_validate({**doc, **extra})
