"""The demo marketplace's plan, checked against the services' own rules without a stack.

If a catalogue, a state table or a BMKG threshold changes under it, these fail here in
milliseconds instead of in the middle of `make demo`.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from devstack import demo_data as data
from devstack.demo_client import DemoError, Gateway
from devstack.demo_photos import HEIGHT, WIDTH, draw_photo
from devstack.stack import BOOTSTRAP_ADMIN_PHONE, Secrets
from lumbung_gateway.domain.phones import normalise_phone
from lumbung_listings.domain.listing import ListingDraft
from lumbung_listings.domain.photos import reencode
from lumbung_orders.domain.states import Actor, OrderState, transition
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass, vessel_risk
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID
from PIL import Image

STATE_AFTER = {
    "confirm": OrderState.CONFIRMED,
    "ship": OrderState.SHIPPED,
    "deliver": OrderState.DELIVERED,
    "decline": OrderState.DECLINED,
    "cancel": OrderState.CANCELLED,
}


def plans() -> tuple[data.ListingPlan, ...]:
    return data.listings(random.Random(data.SEED))


class TestPeople:
    def test_every_phone_is_a_distinct_indonesian_mobile_in_canonical_form(self) -> None:
        phones = [p.phone for p in data.people()] + [data.AGENCY.phone, BOOTSTRAP_ADMIN_PHONE]

        assert [normalise_phone(phone) for phone in phones] == phones
        assert len(set(phones)) == len(phones)

    def test_farmers_fishers_and_buyers_fit_in_the_sign_in_burst_of_one_address(self) -> None:
        """The gateway lets one address sign in 30 times at once; the demo signs in each
        account once (plus the admin and the agency) and the README walkthrough twice more."""
        assert len(data.people()) + 2 + 2 <= 30


class TestListings:
    def test_a_few_hundred_listings_across_regions_and_commodities(self) -> None:
        listed = plans()

        assert len(listed) == 204
        assert len({p.body["origin_region"] for p in listed}) == 14
        assert len({p.body["commodity"] for p in listed}) >= 25

    def test_every_listing_is_one_the_listings_service_accepts(self) -> None:
        for plan in plans():
            ListingDraft.model_validate(plan.body)

    def test_the_same_seed_plans_the_same_marketplace(self) -> None:
        assert plans() == plans()

    def test_titles_are_unique_per_seller_so_a_resumed_load_can_skip_what_exists(self) -> None:
        keys = [(p.seller_phone, p.body["title"]) for p in plans()]

        assert len(set(keys)) == len(keys)


class TestOrders:
    def test_orders_end_in_every_state_but_the_two_only_time_reaches(self) -> None:
        held = set(data.ORDER_OUTCOMES)

        assert held == set(OrderState) - {OrderState.PENDING, OrderState.EXPIRED}

    @pytest.mark.parametrize("outcome", sorted(data.ORDER_OUTCOMES))
    def test_each_order_takes_moves_the_state_table_allows_to_its_outcome(
        self, outcome: str
    ) -> None:
        _, method, moves = data.ORDER_OUTCOMES[outcome]
        state = OrderState.REJECTED if outcome == "rejected" else OrderState.RESERVED
        for move in moves:
            actor = Actor.BUYER if move in data.BUYER_MOVES else Actor.SELLER
            state = transition(state, STATE_AFTER[move], actor).target
        if state is OrderState.DELIVERED and method == "cod":
            state = OrderState.COMPLETED  # cash at the door: delivery is the payment
        assert state == outcome

    def test_rejected_orders_ask_for_more_than_the_stock_and_others_for_less(self) -> None:
        listed = plans()
        for order in data.orders(random.Random(data.SEED), listed):
            stock = listed[order.listing_index].body["quantity_available"]
            assert isinstance(stock, int)
            assert (order.quantity > stock) == (order.outcome == "rejected")

    def test_no_buyer_places_more_orders_than_the_gateway_lets_an_account_place_at_once(
        self,
    ) -> None:
        per_buyer: dict[str, int] = {}
        for order in data.orders(random.Random(data.SEED), plans()):
            per_buyer[order.buyer_phone] = per_buyer.get(order.buyer_phone, 0) + 1

        assert max(per_buyer.values()) <= 10


class TestSeaAlert:
    def test_the_rough_sea_is_danger_for_fishing_boats(self) -> None:
        risks = vessel_risk(
            data.ROUGH_SEA["wind_speed_knots"], data.ROUGH_SEA["significant_wave_m"]
        )

        assert risks[VesselClass.FISHING_BOAT] is Risk.DANGER

    @pytest.mark.parametrize("zone_id", [data.ALERT_ZONE, "selat-bali"])
    def test_the_agency_may_report_for_the_demo_and_walkthrough_zones(self, zone_id: str) -> None:
        assert set(ZONES_BY_ID[zone_id].regency_codes) <= set(data.AGENCY_REGIONS)


class TestPhotos:
    def test_a_drawn_photo_is_a_small_jpeg_the_listings_service_keeps(self) -> None:
        photo = draw_photo("Bawang Merah Pak Hasan #1", (150, 40, 90), (230, 200, 210), 1)

        assert len(photo) < 40_000
        assert Image.open(io.BytesIO(photo)).size == (WIDTH, HEIGHT)
        assert reencode(photo).original.width == WIDTH


class TestLoopbackOnly:
    @pytest.mark.parametrize("url", ["https://api.lumbung.id", "http://10.0.0.8:8000"])
    async def test_the_loader_refuses_any_gateway_but_a_local_one(self, url: str) -> None:
        with pytest.raises(DemoError, match="only a local stack"):
            Gateway(url)


class TestBootstrapAdminSecret:
    def test_a_secrets_file_from_before_the_demo_gains_an_admin_and_keeps_its_keys(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "secrets.json"
        path.write_text(json.dumps({"internal_secret": "kept-a", "jwt_keys": "k1:kept-b"}))

        first = Secrets.load_or_create(path)
        again = Secrets.load_or_create(path)

        assert (first.internal_secret, first.jwt_keys) == ("kept-a", "k1:kept-b")
        assert first.bootstrap_admin_phone == BOOTSTRAP_ADMIN_PHONE
        assert len(first.bootstrap_admin_password) >= 32
        assert again == first
        assert path.stat().st_mode & 0o777 == 0o600
