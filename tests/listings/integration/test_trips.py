"""A fisher's trip as a pre-listing, on the real stack through the gateway (issue 16 point 5).

How orders reserve, and what call-off and landing do to them, is
`tests/orders/integration/test_trip_pre_orders.py`; this file is the listing's side: announcing,
retrying, reading, what may not be done to a trip at sea, and how alerts call trips off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events.sea_alerts import SeaAlertCancelled, SeaAlertIssued

from tests.listings.integration.helpers import Seller
from tests.support.clients import bearer
from tests.support.kafka import event, publish
from tests.support.polling import eventually


def trip(zone_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "commodity": "tongkol",
        "title": "Tongkol Tual, mendarat besok pagi",
        "price_per_unit": 30000,
        "expected_quantity": 80,
        "landing_site_id": "ppn-tual",
        "zone_id": zone_id,
        "expected_landing_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        **changes,
    }


def new_zone() -> str:
    return f"perairan-uji-{uuid4().hex[:8]}"


async def announce(
    gateway: httpx.AsyncClient, seller: Seller, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = {**seller.headers, "Idempotency-Key": key or uuid4().hex}
    return await gateway.post("/v1/listings/trips", json=body, headers=headers)


def alert(
    kind: type[SeaAlertIssued | SeaAlertCancelled],
    alert_id: str,
    zone: str,
    risks: dict[str, str] | None = None,
    key: str | None = None,
) -> Any:
    payload = kind(
        alert_id=alert_id,
        zone_id=zone,
        regency_codes=["81.72"],
        category="tinggi",
        severity="Severe",
        vessel_risks=risks or {"fishing_boat": "danger"},
        expires=datetime.now(UTC) + timedelta(hours=6),
    )
    return event(payload, key=key or zone, producer="weather_alerts")


async def status_becomes(seller: Seller, listing_id: str, status: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        listing = await seller.listing(listing_id)
        return listing if listing["status"] == status else None

    return await eventually(probe, within=30, interval=0.2)


class TestAnnouncing:
    async def test_a_fisher_announces_a_trip_as_a_pre_listing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        zone = new_zone()
        response = await announce(gateway, fisher, trip(zone))
        assert response.status_code == 201, response.text
        listing = response.json()
        assert response.headers["Location"] == f"/v1/listings/{listing['id']}"
        assert "Idempotent-Replayed" not in response.headers
        assert (listing["status"], listing["kind"], listing["unit"]) == (
            "pre_listed",
            "catch",
            "kg",
        )
        assert (listing["quantity_available"], listing["origin_region"]) == (80, "81.72")
        assert listing["trip"]["landing_site_name"] == "PPN Tual"
        assert listing["trip"]["zone_id"] == zone
        assert listing["trip"]["vessel_class"] == "fishing_boat"
        assert listing["trip"]["expected_quantity"] == 80
        assert "reserved_orders" not in listing
        assert "creation_fingerprint" not in listing

        # Anyone reads it by id, and buyers find it in search.
        anyone = await gateway.get(f"/v1/listings/{listing['id']}")
        assert anyone.json()["trip"]["landing_site_id"] == "ppn-tual"
        found = await gateway.get("/v1/listings", params={"seller": fisher.id})
        assert [item["id"] for item in found.json()["items"]] == [listing["id"]]

    async def test_a_retry_gets_the_same_trip_and_another_body_under_the_key_is_a_422(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        body, key = trip(new_zone()), uuid4().hex
        first = await announce(gateway, fisher, body, key)
        again = await announce(gateway, fisher, body, key)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json()["id"] == first.json()["id"]
        assert again.headers["Idempotent-Replayed"] == "true"
        other = await announce(gateway, fisher, {**body, "expected_quantity": 81}, key)
        assert other.status_code == 422, other.text
        assert other.json()["type"].endswith("idempotency-key-reused")
        mine = await gateway.get("/v1/listings", params={"seller": fisher.id})
        assert len(mine.json()["items"]) == 1

    async def test_what_is_no_trip_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher, zone = Seller(stack, gateway, "fisher"), new_zone()
        farmer = Seller(stack, gateway, "farmer")
        assert (await announce(gateway, farmer, trip(zone))).status_code == 403
        no_key = await gateway.post("/v1/listings/trips", json=trip(zone), headers=fisher.headers)
        assert no_key.status_code == 422, no_key.text
        past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
        late = await announce(gateway, fisher, trip(zone, expected_landing_at=past))
        assert late.status_code == 422, late.text
        assert late.json()["type"].endswith("landing-time-out-of-range")
        produce = await announce(gateway, fisher, trip(zone, commodity="bawang-merah"))
        assert produce.status_code == 422, produce.text
        nowhere = await announce(gateway, fisher, trip(zone, landing_site_id="ppn-atlantis"))
        assert nowhere.status_code == 422, nowhere.text


class TestATripAtSea:
    async def test_is_neither_edited_nor_moved_by_hand_and_only_its_fisher_lands_it(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        listing = (await announce(gateway, fisher, trip(new_zone()))).json()
        url = f"/v1/listings/{listing['id']}"
        edit = await gateway.patch(
            url,
            json={"quantity_available": 500},
            headers={**fisher.headers, "If-Match": f'"{listing["version"]}"'},
        )
        assert edit.status_code == 409, edit.text
        assert edit.json()["type"].endswith("trip-not-editable")
        for status in ("active", "paused", "archived"):
            moved = await gateway.post(
                f"{url}/status", json={"status": status}, headers=fisher.headers
            )
            assert moved.status_code in {403, 409}, (status, moved.text)
        admin = bearer(stack, "admin")
        by_admin = await gateway.post(f"{url}/landing", json={"actual_quantity": 1}, headers=admin)
        assert by_admin.status_code == 403, by_admin.text
        assert (await fisher.listing(listing["id"]))["status"] == "pre_listed"

    async def test_an_ordinary_listing_is_not_landed(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        ordinary = await fisher.lists(
            {
                "kind": "catch",
                "commodity": "tongkol",
                "title": "Tongkol segar",
                "unit": "kg",
                "price_per_unit": 30000,
                "quantity_available": 10,
                "origin_region": "81.72",
            }
        )
        landed = await gateway.post(
            f"/v1/listings/{ordinary['id']}/landing",
            json={"actual_quantity": 5},
            headers=fisher.headers,
        )
        assert landed.status_code == 409, landed.text
        assert landed.json()["type"].endswith("trip-not-at-sea")


class TestCallingOffByHand:
    async def test_the_fisher_calls_the_trip_off_and_only_then_may_delete_it(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        listing = (await announce(gateway, fisher, trip(new_zone()))).json()
        url = f"/v1/listings/{listing['id']}"
        deleted = await gateway.delete(url, headers=fisher.headers)
        assert deleted.status_code == 409, deleted.text
        assert deleted.json()["type"].endswith("trip-at-sea")
        other = Seller(stack, gateway, "fisher")
        assert (await gateway.post(f"{url}/call-off", headers=other.headers)).status_code == 404

        called_off = await gateway.post(f"{url}/call-off", headers=fisher.headers)
        assert called_off.status_code == 200, called_off.text
        body = called_off.json()
        assert (body["status"], body["trip"]["alert_id"]) == ("called_off", None)
        again = await gateway.post(f"{url}/call-off", headers=fisher.headers)
        assert again.json()["version"] == body["version"]  # a retry changes nothing
        assert (await gateway.delete(url, headers=fisher.headers)).status_code == 204


class TestSeaAlerts:
    async def test_only_danger_for_the_trips_vessel_calls_it_off_and_a_late_copy_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher, zone = Seller(stack, gateway, "fisher"), new_zone()
        boat = (await announce(gateway, fisher, trip(zone))).json()
        ferry = (await announce(gateway, fisher, trip(zone, vessel_class="ferry"))).json()
        elsewhere = (await announce(gateway, fisher, trip(new_zone()))).json()

        caution = f"alert-{uuid4().hex[:8]}"
        await publish(stack, alert(SeaAlertIssued, caution, zone, {"fishing_boat": "caution"}))
        danger = f"alert-{uuid4().hex[:8]}"
        issued = alert(SeaAlertIssued, danger, zone)
        await publish(stack, issued)
        called_off = await status_becomes(fisher, boat["id"], "called_off")
        assert called_off["trip"]["alert_id"] == danger  # not the caution before it
        await publish(stack, issued)  # a redelivery changes nothing
        assert (await fisher.listing(ferry["id"]))["status"] == "pre_listed"
        assert (await fisher.listing(elsewhere["id"]))["status"] == "pre_listed"

        await publish(stack, alert(SeaAlertCancelled, danger, zone))
        await publish(stack, alert(SeaAlertCancelled, caution, zone))

        async def sails() -> dict[str, Any] | None:
            answer = await announce(gateway, fisher, trip(zone))
            return answer.json() if answer.status_code == 201 else None

        fresh = await eventually(sails, within=30, interval=0.3)
        await publish(stack, alert(SeaAlertIssued, danger, zone))  # late copy of an ended alert
        # A later alert on the same partition, over another zone, proves the copy was consumed.
        marker = f"alert-{uuid4().hex[:8]}"
        probe = (await announce(gateway, fisher, trip(new_zone()))).json()
        await publish(stack, alert(SeaAlertIssued, marker, probe["trip"]["zone_id"], key=zone))
        await status_becomes(fisher, probe["id"], "called_off")
        assert (await fisher.listing(fresh["id"]))["status"] == "pre_listed"
        again = await fisher.listing(called_off["id"])
        assert again["version"] == called_off["version"]
        await publish(stack, alert(SeaAlertCancelled, marker, probe["trip"]["zone_id"]))
