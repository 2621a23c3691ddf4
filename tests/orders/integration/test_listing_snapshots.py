"""The orders service's copy of a listing shows each caller only what listings would show.

Listings are made through the gateway by a farmer; their snapshots reach orders over Kafka.
Drafts and archived listings are their seller's (and admins') business: anyone else gets the
same 404 as for a listing that does not exist.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from devstack.stack import Stack

from tests.orders.integration.flows import SHALLOTS, Party, cart, place
from tests.support.polling import eventually


async def snapshot(gateway: httpx.AsyncClient, party: Party, listing_id: str) -> httpx.Response:
    return await gateway.get(f"/v1/orders/listing-snapshots/{listing_id}", headers=party.headers)


async def listing_in(
    stack: Stack, gateway: httpx.AsyncClient, status: str
) -> tuple[Party, dict[str, Any]]:
    """A listing of a new farmer in `status`, once orders' copy of it is in that status too."""
    owner = Party(stack, "farmer")
    created = await gateway.post(
        "/v1/listings",
        json=SHALLOTS,
        headers=owner.headers,
        params={"draft": "true"} if status == "draft" else None,
    )
    assert created.status_code == 201, created.text
    listing: dict[str, Any] = created.json()
    if listing["status"] != status:
        changed = await gateway.post(
            f"/v1/listings/{listing['id']}/status", json={"status": status}, headers=owner.headers
        )
        assert changed.status_code == 200, changed.text

    async def copied() -> bool | None:
        response = await snapshot(gateway, owner, listing["id"])
        return True if response.status_code == 200 and response.json()["status"] == status else None

    await eventually(copied)
    return owner, listing


class TestHiddenListingSnapshots:
    @pytest.mark.parametrize("status", ["draft", "archived"])
    async def test_are_not_found_for_buyers_and_other_farmers(
        self, stack: Stack, gateway: httpx.AsyncClient, status: str
    ) -> None:
        _, listing = await listing_in(stack, gateway, status)

        for stranger in (Party(stack, "buyer"), Party(stack, "farmer")):
            response = await snapshot(gateway, stranger, listing["id"])
            assert response.status_code == 404, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["type"].endswith("/not-found")
            assert "seller_id" not in response.text

    @pytest.mark.parametrize("status", ["draft", "archived"])
    async def test_are_seen_by_their_seller_and_admins(
        self, stack: Stack, gateway: httpx.AsyncClient, status: str
    ) -> None:
        owner, listing = await listing_in(stack, gateway, status)

        for allowed in (owner, Party(stack, "admin")):
            response = await snapshot(gateway, allowed, listing["id"])
            assert response.status_code == 200, response.text
            assert (response.json()["listing_id"], response.json()["status"]) == (
                listing["id"],
                status,
            )

    async def test_a_hidden_listing_answers_like_an_unknown_one(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, listing = await listing_in(stack, gateway, "draft")
        buyer = Party(stack, "buyer")

        hidden = await snapshot(gateway, buyer, listing["id"])
        unknown = await snapshot(gateway, buyer, "no-such-listing")

        path_member = {"instance"}  # the one member naming the path asked for
        assert hidden.status_code == unknown.status_code == 404
        assert {k: v for k, v in hidden.json().items() if k not in path_member} == {
            k: v for k, v in unknown.json().items() if k not in path_member
        }


class TestPublicListingSnapshots:
    @pytest.mark.parametrize("status", ["active", "paused"])
    async def test_are_seen_by_everyone(
        self, stack: Stack, gateway: httpx.AsyncClient, status: str
    ) -> None:
        owner, listing = await listing_in(stack, gateway, status)

        for anyone in (owner, Party(stack, "buyer"), Party(stack, "farmer"), Party(stack, "admin")):
            response = await snapshot(gateway, anyone, listing["id"])
            assert response.status_code == 200, response.text
            assert response.json()["status"] == status


class TestCheckoutOfAHiddenListing:
    async def test_says_not_found_without_revealing_its_status(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, listing = await listing_in(stack, gateway, "draft")
        buyer = Party(stack, "buyer")

        response = await place(gateway, buyer, cart((listing["id"], 1)))

        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/listing-not-found")
        assert "draft" not in response.text
