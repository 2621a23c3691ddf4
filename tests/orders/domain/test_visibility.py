"""Specification of who may see the orders service's copy of a listing."""

from __future__ import annotations

import pytest
from lumbung_orders.domain.visibility import buyer_may_see_listing, may_see_listing
from lumbung_shared.web.identity import Identity, Role

OWNER = Identity(subject="farmer-1", role=Role.FARMER)
OTHER_FARMER = Identity(subject="farmer-2", role=Role.FARMER)
BUYER = Identity(subject="buyer-1", role=Role.BUYER)
AGENCY = Identity(subject="farmer-1", role=Role.AGENCY)
ANONYMOUS = Identity(subject="anonymous", role=Role.ANONYMOUS)
ADMIN = Identity(subject="admin-1", role=Role.ADMIN)
EVERYONE = [OWNER, OTHER_FARMER, BUYER, AGENCY, ANONYMOUS, ADMIN]


class TestPublicListings:
    @pytest.mark.parametrize("status", ["active", "paused", "sold_out"])
    @pytest.mark.parametrize("who", EVERYONE, ids=lambda i: i.role.value)
    def test_are_seen_by_everyone(self, status: str, who: Identity) -> None:
        assert may_see_listing(who, "farmer-1", status)


class TestHiddenListings:
    @pytest.mark.parametrize("status", ["draft", "archived"])
    @pytest.mark.parametrize("who", [OWNER, ADMIN], ids=["owner", "admin"])
    def test_are_seen_by_their_seller_and_admins(self, status: str, who: Identity) -> None:
        assert may_see_listing(who, "farmer-1", status)

    @pytest.mark.parametrize("status", ["draft", "archived"])
    @pytest.mark.parametrize(
        "who",
        [OTHER_FARMER, BUYER, AGENCY, ANONYMOUS],
        ids=["other-farmer", "buyer", "agency-with-the-same-subject", "anonymous"],
    )
    def test_are_hidden_from_everyone_else(self, status: str, who: Identity) -> None:
        assert not may_see_listing(who, "farmer-1", status)

    def test_an_unknown_status_is_hidden(self) -> None:
        assert not may_see_listing(BUYER, "farmer-1", "under-review")


class TestAtCheckout:
    def test_a_buyer_sees_public_listings(self) -> None:
        assert buyer_may_see_listing("buyer-1", "farmer-1", "sold_out")

    def test_a_buyer_does_not_see_another_sellers_draft(self) -> None:
        assert not buyer_may_see_listing("buyer-1", "farmer-1", "draft")
