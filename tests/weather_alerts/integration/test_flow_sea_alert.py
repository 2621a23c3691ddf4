"""Flow 4 of the brief, end to end on the real stack, through the gateway:

a 2.8 m wave observation → alert (tinggi, danger for fishing boats) → the agency's webhook
receiver verifies the signed CAP-shaped alert → fishers get "danger" advice → the catch listing
is flagged "supply at risk" (listings) and the open catch order "delivery at risk" (orders) →
a calm observation → `sea_alert.cancelled` on Kafka → both flags clear.
"""

from __future__ import annotations

import json
import time
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic
from lumbung_weather_alerts.domain.webhooks import verify

from tests.support.clients import bearer
from tests.support.kafka import tap
from tests.support.polling import eventually
from tests.weather_alerts.integration.conftest import agency_headers, observation
from tests.weather_alerts.integration.http_servers import FlakyReceiver

REGENCY = "31.01"  # Kepulauan Seribu
CATCH = {
    "kind": "catch",
    "commodity": "cakalang",
    "title": "Cakalang segar Pulau Pramuka",
    "unit": "kg",
    "price_per_unit": 45000,
    "quantity_available": 50,
    "min_order": 1,
    "origin_region": REGENCY,
}


async def catch_listing_with_open_order(
    stack: Stack, gateway: httpx.AsyncClient
) -> tuple[dict[str, str], dict[str, Any], dict[str, str], dict[str, Any]]:
    """A fisher's catch from the regency, and a buyer's order for it (known to orders)."""
    fisher = bearer(stack, "fisher", f"fisher-{uuid4().hex[:8]}")
    created = await gateway.post("/v1/listings", json=CATCH, headers=fisher)
    assert created.status_code == 201, created.text
    listing = created.json()

    async def snapshot() -> bool | None:
        response = await gateway.get(
            f"/v1/orders/listing-snapshots/{listing['id']}", headers=fisher
        )
        return True if response.status_code == 200 else None

    await eventually(snapshot)
    buyer = bearer(stack, "buyer", f"buyer-{uuid4().hex[:8]}")
    placed = await gateway.post(
        "/v1/orders",
        json={
            "lines": [{"listing_id": listing["id"], "quantity": 5}],
            "delivery": {"method": "courier", "region_code": "31.71", "address": "Jl. Muara 1"},
            "payment_method": "cod",
        },
        headers={**buyer, "Idempotency-Key": uuid4().hex},
    )
    assert placed.status_code == 202, placed.text
    return fisher, listing, buyer, placed.json()["orders"][0]


async def listing_flag(
    gateway: httpx.AsyncClient, headers: dict[str, str], listing_id: str, expected: bool
) -> bool | None:
    listing = (await gateway.get(f"/v1/listings/{listing_id}", headers=headers)).json()
    return True if listing.get("supply_at_risk") is expected else None


async def order_flag(
    gateway: httpx.AsyncClient, headers: dict[str, str], order_id: str, expected: bool
) -> bool | None:
    order = (await gateway.get(f"/v1/orders/{order_id}", headers=headers)).json()
    return True if order.get("delivery_at_risk") is expected else None


class TestFlowFour:
    async def test_rough_sea_alerts_agency_fishers_and_marketplace_then_all_clears(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone([REGENCY])
        receiver = FlakyReceiver()
        await receiver.start()
        try:
            agency = agency_headers(stack, "bpbd-kepulauan-seribu", regions=(REGENCY,))
            subscription = await gateway.post(
                "/v1/subscriptions",
                json={
                    "url": f"http://127.0.0.1:{receiver.port}/cap",
                    "regency_prefixes": [REGENCY],
                    "min_severity": "Severe",
                },
                headers=agency,
            )
            assert subscription.status_code == 201, subscription.text
            secret = subscription.json()["secret"]
            fisher, listing, buyer, order = await catch_listing_with_open_order(stack, gateway)

            async with tap(stack, Topic.SEA_ALERT_EVENTS) as events:
                # 1. 2.8 m observed → alert: tinggi, danger for fishing boats.
                rough = await gateway.post(
                    "/v1/observations", json=observation(zone["id"], 2.8), headers=agency
                )
                assert rough.status_code == 201, rough.text
                alert = rough.json()["alert"]
                assert alert["category"] == "tinggi"
                assert alert["vessel_risks"]["fishing_boat"] == "danger"
                await events.wait_for(
                    lambda e: e.type == "sea_alert.issued" and e.key == zone["id"]
                )

                # 2. The agency's receiver verifies the signed, CAP-shaped alert.
                async def first_webhook() -> bool | None:
                    return True if receiver.received else None

                await eventually(first_webhook)
                delivered = receiver.received[0]
                verify([secret], delivered.headers, delivered.body, now=int(time.time()))
                cap = json.loads(delivered.body)["data"]["cap"]
                assert cap["identifier"] == alert["identifier"]
                assert cap["info"][0]["severity"] == "Severe"

                # 3. Fishers in the zone's regencies are told "danger".
                advice = await gateway.get(
                    "/v1/advisories", params={"regency": REGENCY, "vessel": "fishing_boat"}
                )
                assert advice.json()["level"] == "danger"
                mine = [z for z in advice.json()["zones"] if z["zone_id"] == zone["id"]]
                assert mine[0]["level"] == "danger"

                # 4. The marketplace flags the catch and the open order.
                await eventually(lambda: listing_flag(gateway, fisher, listing["id"], True))
                await eventually(lambda: order_flag(gateway, buyer, order["id"], True))

                # 5. The sea calms → Cancel on Kafka → flags clear.
                calm = await gateway.post(
                    "/v1/observations",
                    json=observation(zone["id"], 0.3, wind_speed_knots=4),
                    headers=agency,
                )
                assert calm.json()["outcome"] == "cancelled"
                cancelled = await events.wait_for(
                    lambda e: e.type == "sea_alert.cancelled" and e.key == zone["id"]
                )
                assert alert["identifier"] in cancelled.payload.references
                await eventually(lambda: listing_flag(gateway, fisher, listing["id"], False))
                await eventually(lambda: order_flag(gateway, buyer, order["id"], False))

            async def cancel_webhook() -> bool | None:
                return True if len(receiver.received) >= 2 else None

            await eventually(cancel_webhook)
            body = json.loads(receiver.received[1].body)
            assert body["type"] == "sea_alert.cancelled"
            assert body["data"]["cap"]["msgType"] == "Cancel"
        finally:
            await receiver.stop()
