"""Every service describes its events (AsyncAPI; validated in test_contract_documents) and
refuses callers the gateway did not sign."""

from __future__ import annotations

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.web.identity import Identity, Role, sign_identity

KAFKA_SERVICES = ("listings", "orders", "weather_alerts")


class TestAsyncApi:
    @pytest.mark.parametrize("service", KAFKA_SERVICES)
    async def test_each_service_serves_an_asyncapi_3_1_document(
        self, stack: Stack, service: str
    ) -> None:
        async with httpx.AsyncClient(base_url=stack.url(service)) as client:
            document = (await client.get("/asyncapi.json")).json()
        assert document["asyncapi"] == "3.1.0"
        assert "lumbung.listing.events" in {c["address"] for c in document["channels"].values()}
        assert "listing_created" in document["components"]["messages"]

    async def test_orders_declares_what_it_receives(self, stack: Stack) -> None:
        async with httpx.AsyncClient(base_url=stack.url("orders")) as client:
            document = (await client.get("/asyncapi.json")).json()
        receives = [op for op in document["operations"].values() if op["action"] == "receive"]
        assert any("listing_created" in op["messages"][0]["$ref"] for op in receives)


class TestDirectCallsAreRefused:
    @pytest.mark.parametrize("service", ["listings", "orders"])
    async def test_without_the_gateways_signature(self, stack: Stack, service: str) -> None:
        path = "/v1/listings/x" if service == "listings" else "/v1/orders/listing-snapshots/x"
        async with httpx.AsyncClient(base_url=stack.url(service)) as client:
            unsigned = await client.get(path)
            forged = await client.get(
                path,
                headers={
                    "x-lumbung-identity": sign_identity(
                        Identity(subject="me", role=Role.ADMIN),
                        b"not-the-secret" * 3,
                        audience=service,
                        method="GET",
                        path=path,
                    )
                },
            )
        for response in (unsigned, forged):
            assert response.status_code == 401
            assert response.json()["type"].endswith("/gateway-signature-required")
