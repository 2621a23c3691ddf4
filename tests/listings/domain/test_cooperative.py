"""Specification: who may join a cooperative with which code, and what a member listing says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lumbung_listings.domain.cooperative import (
    CooperativeProfile,
    home_in_scope,
    invitation_problem,
    is_current,
)
from lumbung_listings.domain.listing import InvalidEditError
from lumbung_listings.domain.member_listing import MemberListingDraft
from pydantic import ValidationError

NOW = datetime(2026, 12, 2, 8, tzinfo=UTC)


def invitation(**changes: Any) -> dict[str, Any]:
    return {
        "_id": "K7QH2MZP9R",
        "aggregator_id": "coop-1",
        "expires_at": NOW + timedelta(hours=1),
        "used_by": None,
        **changes,
    }


class TestInvitation:
    def test_a_fresh_code_may_be_accepted(self) -> None:
        assert invitation_problem(invitation(), "farmer-1", NOW) is None

    def test_its_taker_may_accept_it_again(self) -> None:
        assert invitation_problem(invitation(used_by="farmer-1"), "farmer-1", NOW) is None

    @pytest.mark.parametrize(
        ("doc", "member", "status", "code"),
        [
            (None, "farmer-1", 404, "invitation-not-found"),
            (invitation(used_by="farmer-2"), "farmer-1", 409, "invitation-used"),
            (invitation(expires_at=NOW), "farmer-1", 410, "invitation-expired"),
            (invitation(), "coop-1", 409, "invitation-own"),
        ],
    )
    def test_refusals(
        self, doc: dict[str, Any] | None, member: str, status: int, code: str
    ) -> None:
        problem = invitation_problem(doc, member, NOW)
        assert problem is not None
        assert (problem.status, problem.code) == (status, code)
        assert problem.message.id
        assert problem.message.en


class TestMembership:
    def test_only_an_active_membership_is_current(self) -> None:
        assert is_current({"status": "active"})
        assert not is_current({"status": "ended"})
        assert not is_current(None)


class TestProfile:
    def test_the_fee_is_at_most_half(self) -> None:
        body = {"name": "Koperasi", "type": "koperasi", "home_regency": "63.08"}
        with pytest.raises(ValidationError):
            CooperativeProfile.model_validate({**body, "fee_basis_points": 5001})
        assert CooperativeProfile.model_validate({**body, "fee_basis_points": 0})

    def test_home_regency_lies_in_the_accounts_region(self) -> None:
        assert home_in_scope("63.08", ["63.08"])
        assert home_in_scope("63.08", [])
        assert not home_in_scope("63.08", ["21.71"])


BASE: dict[str, Any] = {
    "kind": "produce",
    "commodity": "bawang-merah",
    "title": "Bawang merah koperasi",
    "unit": "kg",
    "price_per_unit": 32000,
    "min_order": 5,
}


class TestMemberListing:
    def test_a_pools_stock_is_the_sum_of_its_contributions(self) -> None:
        body = MemberListingDraft.model_validate(
            {**BASE, "contributions": [{"member_id": "a", "quantity": 20}] * 5}
        )
        draft = body.listing("63.08")
        assert (draft.quantity_available, draft.origin_region) == (100, "63.08")
        assert body.member_ids() == ["a"]

    def test_a_pools_minimum_order_is_checked_against_its_sum(self) -> None:
        body = MemberListingDraft.model_validate(
            {**BASE, "contributions": [{"member_id": "a", "quantity": 2}]}
        )
        with pytest.raises(InvalidEditError):
            body.listing("63.08")

    def test_a_member_listing_takes_the_members_region(self) -> None:
        body = MemberListingDraft.model_validate(
            {**BASE, "producer_id": "a", "quantity_available": 10}
        )
        assert body.listing("63.08.05").origin_region == "63.08.05"

    @pytest.mark.parametrize(
        "extra",
        [
            {},
            {"producer_id": "a", "contributions": [{"member_id": "a", "quantity": 1}]},
            {"contributions": [{"member_id": "a", "quantity": 1}], "quantity_available": 5},
            {"producer_id": "a"},
        ],
    )
    def test_exactly_one_source_of_stock(self, extra: dict[str, Any]) -> None:
        with pytest.raises(ValidationError):
            MemberListingDraft.model_validate({**BASE, **extra})
