"""Catch pre-orders (issue 16 point 5) on the real stack, through the gateway.

A fisher announces a trip's expected catch; buyers reserve part of it through the normal order
saga. A danger alert for the trip's vessel class over its zone (put straight on the sea-alert
topic, as weather_alerts would) calls the trip off: the buyers' orders end cancelled with the
reason, the stock is back, nothing was charged. Landing less than was reserved keeps the oldest
reservations that fit and releases the newest.

Each test fishes a zone of its own and alerts a regency no other test lists goods from (Tual),
and cancels its alert, so the shared stack is left without an alert in force.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic
from lumbung_shared.events.sea_alerts import SeaAlertCancelled, SeaAlertIssued

from tests.orders.integration.flows import (
    Party,
    act,
    cart,
    order_of,
    place,
    place_one,
    reaches,
    stock_becomes,
)
from tests.support.kafka import EventTap, event, publish, tap
from tests.support.polling import eventually

REGENCY = "81.72"  # Kota Tual, where PPN Tual lands


def trip(zone_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "commodity": "cakalang",
        "title": "Cakalang Tual, mendarat lusa",
        "price_per_unit": 42000,
        "expected_quantity": 60,
        "min_order": 5,
        "landing_site_id": "ppn-tual",
        "zone_id": zone_id,
        "vessel_class": "fishing_boat",
        "expected_landing_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        **changes,
    }


async def announce(
    gateway: httpx.AsyncClient, fisher: Party, body: dict[str, Any]
) -> httpx.Response:
    headers = {**fisher.headers, "Idempotency-Key": uuid4().hex}
    return await gateway.post("/v1/listings/trips", json=body, headers=headers)


async def announced(gateway: httpx.AsyncClient, fisher: Party, zone_id: str, **changes: Any) -> Any:
    """A trip's pre-listing, once the orders service knows it (so it can be ordered)."""
    response = await announce(gateway, fisher, trip(zone_id, **changes))
    assert response.status_code == 201, response.text
    listing = response.json()

    async def known() -> Any:
        answer = await gateway.get(
            f"/v1/orders/listing-snapshots/{listing['id']}", headers=fisher.headers
        )
        return answer.json() if answer.status_code == 200 else None

    await eventually(known)
    return listing


async def listing_of(gateway: httpx.AsyncClient, party: Party, listing_id: str) -> Any:
    response = await gateway.get(f"/v1/listings/{listing_id}", headers=party.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def listing_becomes(
    gateway: httpx.AsyncClient, party: Party, listing_id: str, status: str
) -> Any:
    async def probe() -> Any:
        listing = await listing_of(gateway, party, listing_id)
        return listing if listing["status"] == status else None

    return await eventually(probe, within=30, interval=0.2)


def sea_alert(kind: type[SeaAlertIssued | SeaAlertCancelled], alert_id: str, zone: str) -> Any:
    payload = kind(
        alert_id=alert_id,
        zone_id=zone,
        regency_codes=[REGENCY],
        category="tinggi",
        severity="Severe",
        vessel_risks={"fishing_boat": "danger", "barge": "danger", "large_ship": "safe"},
        expires=datetime.now(UTC) + timedelta(hours=6),
    )
    return event(payload, key=zone, producer="weather_alerts")


@asynccontextmanager
async def danger_alert(stack: Stack, zone: str) -> AsyncIterator[str]:
    """A danger alert for fishing boats over `zone`, cancelled when the block ends."""
    alert_id = f"alert-{uuid4().hex[:8]}"
    await publish(stack, sea_alert(SeaAlertIssued, alert_id, zone))
    try:
        yield alert_id
    finally:
        await publish(stack, sea_alert(SeaAlertCancelled, alert_id, zone))


def new_zone() -> str:
    return f"perairan-uji-{uuid4().hex[:8]}"


async def released_nothing(events: EventTap, order_id: str) -> None:
    """Listings answered the order's cancellation without giving its kilograms back twice."""
    released = await events.wait_for(
        lambda e: getattr(e, "type", None) == "stock.released" and e.payload.order_id == order_id
    )
    assert released.payload.lines == []


class TestCalledOff:
    async def test_a_danger_alert_calls_the_trip_off_and_releases_every_reservation(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher, shipper = Party(stack, "fisher"), Party(stack, "fisher")
        buyers = [Party(stack, "buyer"), Party(stack, "buyer")]
        zone = new_zone()
        listing = await announced(gateway, fisher, zone)
        big_ship = await announced(gateway, shipper, zone, vessel_class="large_ship")
        assert (listing["status"], listing["trip"]["zone_id"]) == ("pre_listed", zone)

        paid_ahead = await place(gateway, buyers[0], cart((listing["id"], 20), payment="ewallet"))
        assert paid_ahead.status_code == 422, paid_ahead.text
        assert paid_ahead.json()["type"].endswith("pre-order-cash-on-delivery")

        orders = [await place_one(gateway, buyer, listing["id"], 20) for buyer in buyers]
        for buyer, order in zip(buyers, orders, strict=True):
            reserved = await reaches(gateway, buyer, order["id"], "reserved")
            assert reserved["pre_order"] == {"landed": False}
            assert reserved["expires_at"] is None  # the confirm clock starts at landing
        await stock_becomes(gateway, fisher, listing["id"], 20)
        early = await act(gateway, fisher, orders[0]["id"], "confirm")
        assert early.status_code == 409, early.text
        assert early.json()["type"].endswith("pre-order-not-landed")

        async with (
            tap(stack, Topic.LISTING_EVENTS, Topic.STOCK_EVENTS) as events,
            danger_alert(stack, zone) as alert_id,
        ):
            told = await events.wait_for(
                lambda e: (
                    getattr(e, "type", None) == "listing.trip_called_off"
                    and e.payload.listing_id == listing["id"]
                )
            )
            assert sorted(told.payload.order_ids) == sorted(order["id"] for order in orders)
            assert told.payload.alert_id == alert_id
            called_off = await listing_becomes(gateway, fisher, listing["id"], "called_off")
            assert called_off["quantity_available"] == 60  # every reservation is back
            assert called_off["trip"]["alert_id"] == alert_id
            assert called_off["trip"]["called_off_at"] is not None
            for buyer, order in zip(buyers, orders, strict=True):
                cancelled = await reaches(gateway, buyer, order["id"], "cancelled")
                last = cancelled["timeline"][-1]
                assert (last["actor"], last["reason"]) == ("system", "trip_called_off")
                assert cancelled["cancellation_notice"]["en"].startswith("The fishing trip")
                assert cancelled["cancellation_notice"]["id"].startswith("Perjalanan melaut")
                assert cancelled["payment_status"] == "unpaid"
                assert cancelled["refund_requested"] is False
                await released_nothing(events, order["id"])

            # The large ship is safe in the same sea: its trip stays at sea.
            assert (await listing_of(gateway, shipper, big_ship["id"]))["status"] == "pre_listed"
            # No new trip sails into the danger, and nobody orders from the called-off one.
            refused = await announce(gateway, Party(stack, "fisher"), trip(zone))
            assert refused.status_code == 409, refused.text
            assert refused.json()["type"].endswith("trip-zone-in-danger")
            assert refused.json()["alert_ids"] == [alert_id]

            async def ordering_refused() -> httpx.Response | None:
                answer = await place(gateway, buyers[0], cart((listing["id"], 20)))
                return answer if answer.status_code == 422 else None

            late = await eventually(ordering_refused, within=30, interval=0.3)
            assert late.json()["type"].endswith("listing-unavailable")

        async def sailing_again() -> httpx.Response | None:
            answer = await announce(gateway, Party(stack, "fisher"), trip(zone))
            return answer if answer.status_code == 201 else None

        await eventually(sailing_again, within=30, interval=0.3)  # once the alert is cancelled
        assert (await listing_of(gateway, fisher, listing["id"]))["quantity_available"] == 60


class TestCalledOffByTheFisher:
    async def test_the_buyers_order_ends_cancelled_with_the_fishers_reason(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher, buyer = Party(stack, "fisher"), Party(stack, "buyer")
        listing = await announced(gateway, fisher, new_zone())
        order = await place_one(gateway, buyer, listing["id"], 20)
        await reaches(gateway, buyer, order["id"], "reserved")
        response = await gateway.post(
            f"/v1/listings/{listing['id']}/call-off", headers=fisher.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["quantity_available"] == 60
        cancelled = await reaches(gateway, buyer, order["id"], "cancelled")
        assert cancelled["timeline"][-1]["reason"] == "trip_cancelled"
        assert cancelled["cancellation_notice"]["en"].startswith("The fisher called the trip off")


class TestLanding:
    async def test_landing_40_kg_against_60_reserved_keeps_the_two_oldest_orders(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Party(stack, "fisher")
        buyers = [Party(stack, "buyer") for _ in range(3)]
        listing = await announced(gateway, fisher, new_zone())
        orders = []
        for buyer in buyers:  # placed in order: each is reserved before the next is placed
            order = await place_one(gateway, buyer, listing["id"], 20)
            await reaches(gateway, buyer, order["id"], "reserved")
            orders.append(order)
        await stock_becomes(gateway, fisher, listing["id"], 0)
        assert (await listing_of(gateway, fisher, listing["id"]))["status"] == "pre_listed"

        landing = f"/v1/listings/{listing['id']}/landing"
        stranger = await gateway.post(
            landing, json={"actual_quantity": 40}, headers=Party(stack, "fisher").headers
        )
        assert stranger.status_code == 404, stranger.text
        async with tap(stack, Topic.LISTING_EVENTS, Topic.STOCK_EVENTS) as events:
            landed = await gateway.post(
                landing, json={"actual_quantity": 40}, headers=fisher.headers
            )
            assert landed.status_code == 200, landed.text
            told = await events.wait_for(
                lambda e: (
                    getattr(e, "type", None) == "listing.trip_landed"
                    and e.payload.listing_id == listing["id"]
                )
            )
            assert told.payload.kept_order_ids == [orders[0]["id"], orders[1]["id"]]
            assert told.payload.released_order_ids == [orders[2]["id"]]
            await released_nothing(events, orders[2]["id"])
        body = landed.json()
        assert (body["status"], body["quantity_available"]) == ("sold_out", 0)
        assert body["trip"]["actual_quantity"] == 40
        assert body["trip"]["landed_at"] is not None
        assert body["catch_date"] is not None

        (first, first_buyer), (second, second_buyer), (third, third_buyer) = zip(
            orders, buyers, strict=True
        )
        newest = await reaches(gateway, third_buyer, third["id"], "cancelled")
        assert newest["timeline"][-1]["reason"] == "catch_short"
        assert newest["cancellation_notice"]["en"].startswith("The catch landed short")

        async def landed_for(buyer: Party, order_id: str) -> Any:
            order = await order_of(gateway, buyer, order_id)
            return order if order["pre_order"] == {"landed": True} else None

        for buyer, order in ((first_buyer, first), (second_buyer, second)):
            kept = await eventually(lambda b=buyer, o=order: landed_for(b, o["id"]), within=30)
            assert kept["state"] == "reserved"
            assert kept["expires_at"] is not None  # the seller's confirm clock runs now
        confirmed = await act(gateway, fisher, first["id"], "confirm")
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["state"] == "confirmed"

        # A retried landing answers the same; another quantity after landing is a conflict.
        again = await gateway.post(landing, json={"actual_quantity": 40}, headers=fisher.headers)
        assert again.status_code == 200, again.text
        assert again.json()["version"] == body["version"]
        other = await gateway.post(landing, json={"actual_quantity": 50}, headers=fisher.headers)
        assert other.status_code == 409, other.text
        assert other.json()["type"].endswith("trip-not-at-sea")
        assert (await listing_of(gateway, fisher, listing["id"]))["quantity_available"] == 0
