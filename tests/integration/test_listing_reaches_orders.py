"""Foundation flow: a listing created through the gateway reaches the orders read model.

listings writes the listing and its `listing.created` event in one document; the relay
publishes it to the real Kafka broker; orders consumes it into its own database (FerretDB).
"""

from __future__ import annotations

from typing import Any

import httpx
from devstack.stack import Stack

from tests.support.clients import bearer
from tests.support.polling import eventually

SHALLOTS = {
    "kind": "produce",
    "commodity": "bawang-merah",
    "title": "Bawang merah Amuntai 100 kg",
    "unit": "kg",
    "price_per_unit": 32000,
    "quantity_available": 100,
    "min_order": 5,
    "origin_region": "63.08",
}


async def snapshot_in_orders(
    gateway: httpx.AsyncClient, headers: dict[str, str], listing_id: str
) -> dict[str, Any] | None:
    response = await gateway.get(f"/v1/orders/listing-snapshots/{listing_id}", headers=headers)
    return response.json() if response.status_code == 200 else None


class TestListingCreatedFlow:
    async def test_created_listing_appears_in_orders_read_model(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer = bearer(stack, "farmer")
        created = await gateway.post("/v1/listings", json=SHALLOTS, headers=farmer)
        assert created.status_code == 201, created.text
        listing = created.json()

        snapshot = await eventually(
            lambda: snapshot_in_orders(gateway, bearer(stack, "buyer"), listing["id"])
        )

        assert snapshot["seller_id"] == listing["seller_id"]
        assert snapshot["price_per_unit"] == 32000
        assert snapshot["quantity_available"] == 100
        assert snapshot["version"] == 1

    async def test_correlation_id_is_returned_by_the_gateway(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.post(
            "/v1/listings",
            json=SHALLOTS,
            headers={**bearer(stack, "fisher"), "X-Correlation-ID": "test-corr-123"},
        )
        assert response.status_code == 201
        assert response.headers["x-correlation-id"] == "test-corr-123"
