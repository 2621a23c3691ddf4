"""Specification of checkout: what the request accepts and how a cart is priced and split."""

from __future__ import annotations

from typing import Any

import pytest
from lumbung_orders.domain.pricing import (
    ListingKind,
    ListingSnapshot,
    PlaceOrderRequest,
    Unit,
    price_order,
)
from lumbung_shared.errors import DomainError
from lumbung_shared.events.listings import ListingUpdated
from pydantic import ValidationError


def _snapshot(listing_id: str, seller_id: str, price: int, **changes: Any) -> ListingSnapshot:
    fields: dict[str, Any] = {
        "listing_id": listing_id,
        "seller_id": seller_id,
        "title": f"Produk {listing_id}",
        "kind": ListingKind.PRODUCE,
        "unit": Unit.KG,
        "price_per_unit": price,
        "status": "active",
        "origin_region": "63.08",
        "version": 1,
    }
    return ListingSnapshot(**(fields | changes))


def _body(*lines: tuple[str, int], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lines": [{"listing_id": listing, "quantity": qty} for listing, qty in lines],
        "delivery": {"method": "seller_delivery", "region_code": "63.08.01", "address": "Desa A"},
        "payment_method": "bank_transfer",
    }
    return body | changes


def _request(*lines: tuple[str, int], **changes: Any) -> PlaceOrderRequest:
    return PlaceOrderRequest.model_validate(_body(*lines, **changes))


SNAPSHOTS = {
    "rice": _snapshot("rice", "farmer-a", 13_500),
    "chili": _snapshot("chili", "farmer-b", 45_000),
    "tuna": _snapshot("tuna", "fisher-c", 80_000, kind=ListingKind.CATCH, unit=Unit.EKOR),
    "shallot": _snapshot("shallot", "farmer-a", 32_000),
}
PAUSED = _snapshot("rice", "f", 1, status="paused")
MIN_FIVE = _snapshot("rice", "f", 1, min_order=5)


class TestCartSplit:
    def test_makes_one_order_per_seller_in_cart_order(self) -> None:
        request = _request(("chili", 2), ("rice", 10), ("tuna", 3), ("shallot", 5))

        orders = price_order(request, SNAPSHOTS)

        assert [order.seller_id for order in orders] == ["farmer-b", "farmer-a", "fisher-c"]
        assert [line.listing_id for line in orders[1].lines] == ["rice", "shallot"]

    def test_a_single_seller_cart_is_one_order(self) -> None:
        assert len(price_order(_request(("rice", 1), ("shallot", 1)), SNAPSHOTS)) == 1


class TestTotals:
    def test_are_integers_computed_from_the_snapshot_price(self) -> None:
        [order] = price_order(_request(("rice", 10), ("shallot", 5)), SNAPSHOTS)

        assert [line.line_total for line in order.lines] == [135_000, 160_000]
        assert order.total == 295_000
        amounts = [order.total, *(line.line_total for line in order.lines)]
        assert all(type(amount) is int for amount in amounts)

    def test_freeze_the_snapshot_details_on_the_line(self) -> None:
        [order] = price_order(_request(("tuna", 3)), SNAPSHOTS)
        [line] = order.lines
        assert (line.price_per_unit, line.unit, line.kind) == (80_000, Unit.EKOR, ListingKind.CATCH)
        assert line.listing_version == 1

    def test_ignore_any_price_the_client_sends(self) -> None:
        body = _body(("rice", 1))
        body["lines"][0]["price_per_unit"] = 1
        with pytest.raises(ValidationError):
            PlaceOrderRequest.model_validate(body)


class TestUnorderableLines:
    @pytest.mark.parametrize(
        ("snapshots", "lines", "code"),
        [
            ({"rice": PAUSED}, [("rice", 1)], "listing-unavailable"),
            ({"rice": MIN_FIVE}, [("rice", 4)], "below-min-order"),
            ({"rice": _snapshot("rice", "f", 2**62)}, [("rice", 2)], "order-total-too-large"),
        ],
        ids=["inactive", "below-minimum", "too-large"],
    )
    def test_are_refused_with_a_bilingual_422(
        self, snapshots: dict[str, ListingSnapshot], lines: list[tuple[str, int]], code: str
    ) -> None:
        with pytest.raises(DomainError) as caught:
            price_order(_request(*lines), snapshots)

        assert (caught.value.status, caught.value.code) == (422, code)
        assert caught.value.message.id != caught.value.message.en

    def test_minimum_order_is_met_exactly(self) -> None:
        assert price_order(_request(("rice", 5)), {"rice": MIN_FIVE})[0].total == 5

    def test_buying_your_own_listing_is_refused(self) -> None:
        with pytest.raises(DomainError) as caught:
            price_order(_request(("rice", 1)), SNAPSHOTS, buyer_id="farmer-a")
        assert caught.value.code == "own-listing"


class TestListingsTheSnapshotsDoNotKnow:
    """Listings decides them: each becomes its own order with no seller yet (issue 12)."""

    def test_each_becomes_its_own_order_after_the_known_sellers(self) -> None:
        orders = price_order(_request(("ghost", 2), ("rice", 1), ("new", 3)), SNAPSHOTS)

        assert [order.seller_id for order in orders] == ["farmer-a", None, None]
        assert [[line.listing_id for line in order.lines] for order in orders] == [
            ["rice"],
            ["ghost"],
            ["new"],
        ]

    def test_keep_the_price_and_version_the_buyer_saw(self) -> None:
        line = {"listing_id": "new", "quantity": 3, "unit_price": 12_000, "listing_version": 1}
        request = PlaceOrderRequest.model_validate(_body() | {"lines": [line]})

        [order] = price_order(request, {})

        [priced] = order.lines
        assert (priced.price_per_unit, priced.listing_version, priced.line_total) == (
            12_000,
            1,
            36_000,
        )
        assert order.total == 36_000
        assert (priced.title, priced.kind, priced.unit, priced.origin_region) == (None,) * 4

    def test_without_a_price_have_no_total_yet(self) -> None:
        [order] = price_order(_request(("new", 3)), {})

        assert order.lines[0].price_per_unit is None
        assert order.total is None


class TestCheckoutBodyRules:
    """Rules of the body itself: pydantic reports each with the rest of the body's errors."""

    @pytest.mark.parametrize(
        "lines", [[("rice", 1), ("chili", 1), ("rice", 2)], [("new", 1), ("new", 2)]]
    )
    def test_a_listing_named_twice_is_a_duplicate_line(self, lines: list[tuple[str, int]]) -> None:
        with pytest.raises(ValidationError) as caught:
            _request(*lines)
        [error] = caught.value.errors()
        assert (error["loc"], error["ctx"]["error"].code) == (("lines",), "duplicate-line")

    def test_a_missing_address_is_reported_with_the_other_field_errors(self) -> None:
        body = _body(("rice", 1), payment_method="cash")
        body["delivery"] = {"method": "courier", "region_code": "63.08"}
        with pytest.raises(ValidationError) as caught:
            PlaceOrderRequest.model_validate(body)
        errors = {error["loc"]: error for error in caught.value.errors()}
        assert set(errors) == {("delivery",), ("payment_method",)}
        assert errors[("delivery",)]["ctx"]["error"].code == "address-required"

    @pytest.mark.parametrize(("sent", "kept"), [(30, 30), (30.0, 30)])
    def test_a_whole_number_may_arrive_as_a_json_float(self, sent: float, kept: int) -> None:
        assert _request(("new", sent)).lines[0].quantity == kept  # type: ignore[arg-type]

    @pytest.mark.parametrize("sent", ["30", True, 30.5])
    def test_text_booleans_and_fractions_are_not_quantities(self, sent: object) -> None:
        with pytest.raises(ValidationError) as caught:
            _request(("new", sent))  # type: ignore[arg-type]
        assert caught.value.errors()[0]["type"] == "int_type"

    def test_a_buyer_sent_price_is_bounded_so_no_total_overflows(self) -> None:
        body = _body()
        body["lines"] = [{"listing_id": "new", "quantity": 1, "unit_price": 10**12 + 1}]
        with pytest.raises(ValidationError) as caught:
            PlaceOrderRequest.model_validate(body)
        assert caught.value.errors()[0]["type"] == "less_than_equal"


class TestListingsTheBuyerMayNotSee:
    @pytest.mark.parametrize("status", ["draft", "archived", "some-future-status"])
    def test_are_not_found_so_their_status_stays_hidden(self, status: str) -> None:
        hidden = {"rice": _snapshot("rice", "farmer-a", 1, status=status)}

        with pytest.raises(DomainError) as caught:
            price_order(_request(("rice", 1)), hidden, buyer_id="buyer-1")

        assert caught.value.code == "listing-not-found"
        assert "listing_status" not in caught.value.extra

    @pytest.mark.parametrize("status", ["paused", "sold_out"])
    def test_public_but_not_for_sale_ones_are_unavailable(self, status: str) -> None:
        shown = {"rice": _snapshot("rice", "farmer-a", 1, status=status)}

        with pytest.raises(DomainError) as caught:
            price_order(_request(("rice", 1)), shown, buyer_id="buyer-1")

        assert caught.value.code == "listing-unavailable"
        assert caught.value.extra["listing_status"] == status


class TestRequestValidation:
    @pytest.mark.parametrize(
        "changes",
        [
            {"lines": []},
            {"lines": [{"listing_id": f"l{i}", "quantity": 1} for i in range(51)]},
            {"lines": [{"listing_id": "rice", "quantity": 0}]},
            {"lines": [{"listing_id": "rice", "quantity": 100_001}]},
            {"lines": [{"listing_id": "rice", "quantity": 1.5}]},
            {"lines": [{"listing_id": "rice", "quantity": "3"}]},
            {"payment_method": "credit_card"},
            {"note": "x" * 501},
            {"buyer_id": "someone"},
            {"delivery": {"method": "drone", "region_code": "63.08"}},
            {"delivery": {"method": "pickup", "region_code": "63"}},
            {"delivery": {"method": "pickup", "region_code": "63.08.1"}},
            {"delivery": {"method": "pickup", "region_code": "6308"}},
            {"delivery": {"method": "courier", "region_code": "63.08"}},
            {"delivery": {"method": "courier", "region_code": "63.08", "address": "a" * 301}},
        ],
        ids=[
            "no-lines",
            "51-lines",
            "zero-quantity",
            "huge-quantity",
            "fractional-quantity",
            "string-quantity",
            "unknown-payment",
            "long-note",
            "unknown-field",
            "unknown-delivery",
            "province-only",
            "bad-district",
            "no-dots",
            "courier-without-address",
            "long-address",
        ],
    )
    def test_refuses_a_malformed_body(self, changes: dict[str, Any]) -> None:
        with pytest.raises(ValidationError):
            _request(("rice", 1), **changes)

    @pytest.mark.parametrize("region", ["63.08", "63.08.01", "31.01"])
    def test_accepts_regency_and_district_codes(self, region: str) -> None:
        request = _request(("rice", 1), delivery={"method": "pickup", "region_code": region})
        assert request.delivery.region_code == region

    def test_accepts_the_limits(self) -> None:
        lines = [(f"l{i}", 100_000) for i in range(50)]
        request = _request(*lines, note="n" * 500)
        assert len(request.lines) == 50


class TestSnapshotContract:
    def test_a_listing_event_payload_validates_as_a_snapshot(self) -> None:
        payload = ListingUpdated(
            listing_id="rice",
            seller_id="farmer-a",
            kind="processed",
            commodity="beras",
            title="Beras Hulu Sungai",
            unit="karung",
            price_per_unit=650_000,
            quantity_available=40,
            min_order=2,
            status="active",
            origin_region="63.08",
            version=7,
        )

        snapshot = ListingSnapshot.model_validate(payload.model_dump(mode="json"))

        assert (snapshot.kind, snapshot.unit, snapshot.min_order) == (
            ListingKind.PROCESSED,
            Unit.KARUNG,
            2,
        )
