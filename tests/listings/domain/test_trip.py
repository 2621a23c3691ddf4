"""A trip's pre-listing: what a fisher announces, when it lands, and when it is called off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lumbung_listings.domain.access import PUBLIC_BY_ID, PUBLIC_SEARCH
from lumbung_listings.domain.lifecycle import Actor, Status, transition
from lumbung_listings.domain.stock import (
    RejectReason,
    StockState,
    can_reserve,
    status_for_stock,
    trip_refusal,
)
from lumbung_listings.domain.trip import (
    MAX_DAYS_AHEAD,
    TripDraft,
    VesselClass,
    calls_off,
    check_landing_window,
    fingerprint,
    trip_listing_id,
)
from lumbung_listings.domain.vocabulary import Kind, Unit
from lumbung_shared.errors import ConflictError, DomainError, FieldError, ForbiddenError
from pydantic import ValidationError

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def trip(**changes: Any) -> dict[str, Any]:
    return {
        "commodity": "cakalang",
        "title": "Cakalang Pulau Pramuka",
        "price_per_unit": 42000,
        "expected_quantity": 60,
        "min_order": 5,
        "landing_site_id": "ppi-pulau-pramuka",
        "zone_id": "perairan-kepulauan-seribu",
        "expected_landing_at": "2026-11-27T05:00:00+07:00",
        **changes,
    }


def error_types(body: dict[str, Any]) -> dict[str, str]:
    """Each refused field and why: the bilingual rule's code, else pydantic's error type."""
    with pytest.raises(ValidationError) as caught:
        TripDraft.model_validate(body)
    found = {}
    for error in caught.value.errors():
        cause = error.get("ctx", {}).get("error")
        found[str(error["loc"][0])] = cause.code if isinstance(cause, FieldError) else error["type"]
    return found


class TestTripDraft:
    def test_is_catch_per_kg_at_the_landing_sites_regency(self) -> None:
        listing = TripDraft.model_validate(trip()).as_listing()
        assert (listing.kind, listing.unit) == (Kind.CATCH, Unit.KG)
        assert listing.origin_region == "31.01"  # PPI Pulau Pramuka, Kepulauan Seribu
        assert listing.quantity_available == 60
        assert listing.catch_date is None  # known at landing

    def test_a_fishing_boat_unless_told(self) -> None:
        draft = TripDraft.model_validate(trip())
        assert draft.vessel_class is VesselClass.FISHING_BOAT
        block = draft.trip_block()
        assert block["vessel_class"] == "fishing_boat"
        assert block["expected_quantity"] == 60
        assert (block["landed_at"], block["called_off_at"]) == (None, None)

    def test_produce_is_no_trips_catch(self) -> None:
        assert error_types(trip(commodity="bawang-merah"))["commodity"] == (
            "commodity-kind-mismatch"
        )

    def test_a_minimum_above_the_expected_catch_is_refused(self) -> None:
        assert error_types(trip(min_order=61))["min_order"] == "min-order-exceeds-stock"

    def test_an_unknown_landing_site_is_refused(self) -> None:
        assert error_types(trip(landing_site_id="ppn-atlantis"))["landing_site_id"] == (
            "unknown-landing-site"
        )

    @pytest.mark.parametrize("zone", ["Selat Bali", "selat--bali", "-selat", "x" * 81])
    def test_a_zone_must_be_a_zone_slug(self, zone: str) -> None:
        assert "zone_id" in error_types(trip(zone_id=zone))

    def test_a_landing_time_needs_its_utc_offset(self) -> None:
        assert "expected_landing_at" in error_types(trip(expected_landing_at="2026-11-27T05:00"))

    def test_status_stock_and_seller_are_not_for_the_client(self) -> None:
        fields = error_types(trip(status="active", seller_id="x", quantity_available=1))
        assert set(fields) == {"status", "seller_id", "quantity_available"}

    def test_nothing_expected_is_no_trip(self) -> None:
        assert "expected_quantity" in error_types(trip(expected_quantity=0))


class TestLandingWindow:
    def test_within_the_coming_fortnight_is_fine(self) -> None:
        check_landing_window(NOW + timedelta(hours=1), NOW)
        check_landing_window(NOW + timedelta(days=MAX_DAYS_AHEAD), NOW)

    @pytest.mark.parametrize(
        "offset", [timedelta(0), -timedelta(minutes=1), timedelta(days=MAX_DAYS_AHEAD, seconds=1)]
    )
    def test_now_the_past_or_further_ahead_is_a_422_naming_the_field(
        self, offset: timedelta
    ) -> None:
        with pytest.raises(DomainError) as caught:
            check_landing_window(NOW + offset, NOW)
        assert caught.value.status == 422
        assert caught.value.extra["field"] == "expected_landing_at"


class TestCallingOff:
    def test_danger_for_the_trips_vessel_calls_it_off(self) -> None:
        assert calls_off("fishing_boat", {"fishing_boat": "danger", "large_ship": "safe"})

    @pytest.mark.parametrize("risks", [{"fishing_boat": "caution"}, {"large_ship": "danger"}, {}])
    def test_anything_less_or_for_another_vessel_does_not(self, risks: dict[str, str]) -> None:
        assert not calls_off("fishing_boat", risks)


class TestIdempotency:
    def test_the_same_key_of_the_same_seller_names_the_same_trip(self) -> None:
        assert trip_listing_id("fisher-1", "k") == trip_listing_id("fisher-1", "k")
        assert len(trip_listing_id("fisher-1", "k")) == 32

    def test_another_seller_or_key_names_another(self) -> None:
        ids = {trip_listing_id(s, k) for s in ("fisher-1", "fisher-2") for k in ("k", "l")}
        assert len(ids) == 4

    def test_the_fingerprint_is_the_body_as_validated(self) -> None:
        same = TripDraft.model_validate(trip(expected_quantity=60.0))
        assert fingerprint(same) == fingerprint(TripDraft.model_validate(trip()))
        assert fingerprint(TripDraft.model_validate(trip(expected_quantity=61))) != fingerprint(
            same
        )


class TestTripLifecycle:
    @pytest.mark.parametrize("target", [Status.ACTIVE, Status.SOLD_OUT, Status.CALLED_OFF])
    def test_only_the_trip_machinery_ends_a_pre_listing(self, target: Status) -> None:
        assert transition(Status.PRE_LISTED, target, Actor.SYSTEM) is target
        with pytest.raises(ForbiddenError):
            transition(Status.PRE_LISTED, target, Actor.SELLER)

    @pytest.mark.parametrize("target", [Status.PAUSED, Status.ARCHIVED, Status.DRAFT])
    def test_a_trip_at_sea_is_neither_paused_nor_archived(self, target: Status) -> None:
        with pytest.raises(ConflictError):
            transition(Status.PRE_LISTED, target, Actor.SELLER)

    def test_a_called_off_trip_can_only_be_archived(self) -> None:
        assert transition(Status.CALLED_OFF, Status.ARCHIVED, Actor.SELLER) is Status.ARCHIVED
        with pytest.raises(ConflictError):
            transition(Status.CALLED_OFF, Status.ACTIVE, Actor.SELLER)

    def test_buyers_find_trips_at_sea_and_open_called_off_ones(self) -> None:
        assert Status.PRE_LISTED in PUBLIC_SEARCH
        assert Status.CALLED_OFF not in PUBLIC_SEARCH
        assert {Status.PRE_LISTED, Status.CALLED_OFF} <= PUBLIC_BY_ID


class TestReservingATrip:
    AT_SEA = StockState(Status.PRE_LISTED, quantity_available=60, min_order=5, price_per_unit=1)

    def test_the_expected_catch_is_reservable(self) -> None:
        assert can_reserve(self.AT_SEA, 20, 1) is None
        assert can_reserve(self.AT_SEA, 61, 1) is RejectReason.INSUFFICIENT

    def test_a_fully_reserved_trip_stays_at_sea(self) -> None:
        assert status_for_stock(Status.PRE_LISTED, 0) is Status.PRE_LISTED

    def test_a_called_off_trip_takes_no_order(self) -> None:
        called_off = StockState(Status.CALLED_OFF, 60, 1, 1)
        assert can_reserve(called_off, 1, 1) is RejectReason.INACTIVE

    def test_an_order_released_by_the_trip_never_takes_stock_again(self) -> None:
        refused = trip_refusal(Status.ACTIVE, ["o-1"], "o-1", seller_named=True)
        assert refused is RejectReason.INSUFFICIENT

    def test_a_pre_order_must_have_passed_checkouts_pre_order_rules(self) -> None:
        refused = trip_refusal(Status.PRE_LISTED, [], "o-2", seller_named=False)
        assert refused is RejectReason.INACTIVE
        assert trip_refusal(Status.PRE_LISTED, [], "o-2", seller_named=True) is None
        assert trip_refusal(Status.ACTIVE, [], "o-2", seller_named=False) is None
