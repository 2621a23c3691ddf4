"""Specification of which listing an order may take stock of (issue 12: listings decides)."""

from __future__ import annotations

from lumbung_listings.domain.stock_reservation import OrderParty


class TestAnOrderNamingItsSeller:
    def test_takes_only_that_sellers_listings(self) -> None:
        party = OrderParty(buyer_id="buyer-1", seller_id="farmer-1")

        assert party.may_order_from("farmer-1")
        assert not party.may_order_from("farmer-2")


class TestAnOrderPlacedBeforeOrdersKnewTheListing:
    def test_takes_the_listing_of_whoever_sells_it(self) -> None:
        assert OrderParty(buyer_id="buyer-1", seller_id=None).may_order_from("farmer-2")

    def test_never_the_buyers_own_listing(self) -> None:
        assert not OrderParty(buyer_id="farmer-1", seller_id=None).may_order_from("farmer-1")
