"""Listings through the gateway: fields, validation, versions, ownership, lifecycle and events.

Issue points 1 (the listing), 5 (ownership and the allow-list) and 7 (events out).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.listings.integration.helpers import Seller, about, collect_until, shallots, skipjack
from tests.support.clients import bearer
from tests.support.kafka import tap
from tests.support.mongo import database

EN = {"Accept-Language": "en"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"].endswith(code)
    assert body["message"]["id"]
    assert body["message"]["en"]
    return body


class TestCreate:
    async def test_a_listing_carries_every_field_and_emits_created(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway, "fisher")
        body = skipjack(
            grade="a",
            catch_date="2026-01-10",
            best_before="2026-01-14",
            tags=["segar", "tangkapan-tradisional"],
            description="Ditangkap dengan pancing ulur.",
            min_order=2,
        )
        async with tap(stack, Topic.LISTING_EVENTS) as t:
            listing = await seller.lists(body)
            seen = await collect_until(
                t, lambda s: about(listing["id"], s, "listing.created") != []
            )
        created = about(listing["id"], seen, "listing.created")[0]

        assert listing["seller_id"] == seller.id
        assert (listing["status"], listing["version"], listing["grade"]) == ("active", 1, "A")
        assert listing["tags"] == ["segar", "tangkapan-tradisional"]
        assert listing["catch_date"] == "2026-01-10"
        assert (created.quantity_available, created.seller_id) == (50, seller.id)

    async def test_a_draft_is_not_public_until_published(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        draft = await seller.lists(shallots(), draft="true")
        assert draft["status"] == "draft"
        as_buyer = await gateway.get(f"/v1/listings/{draft['id']}", headers=bearer(stack, "buyer"))
        assert as_buyer.status_code == 404

        published = await gateway.post(
            f"/v1/listings/{draft['id']}/status", json={"status": "active"}, headers=seller.headers
        )
        assert published.json()["status"] == "active"
        as_buyer = await gateway.get(f"/v1/listings/{draft['id']}", headers=bearer(stack, "buyer"))
        assert as_buyer.status_code == 200

    @pytest.mark.parametrize(
        ("change", "field", "code"),
        [
            ({"commodity": "durian-emas"}, "commodity", "unknown-commodity"),
            ({"origin_region": "99.99"}, "origin_region", "unknown-region"),
            ({"origin_region": "63-08"}, "origin_region", "malformed-region"),
            ({"price_per_unit": -5}, "price_per_unit", "greater_than_equal"),
            ({"price_per_unit": 1.5}, "price_per_unit", "int_type"),
            ({"unit": "liter"}, "unit", "unit-not-allowed"),
            ({"unit": "gantang"}, "unit", "enum"),
            ({"min_order": 500}, "min_order", "min-order-exceeds-stock"),
            ({"seller_id": "someone-else"}, "seller_id", "extra_forbidden"),
            ({"status": "sold_out"}, "status", "extra_forbidden"),
            ({"kind": "catch"}, "commodity", "commodity-kind-mismatch"),
        ],
    )
    async def test_bad_input_is_a_bilingual_problem_and_stores_nothing(
        self,
        stack: Stack,
        gateway: httpx.AsyncClient,
        change: dict[str, Any],
        field: str,
        code: str,
    ) -> None:
        seller = Seller(stack, gateway)
        response = await gateway.post(
            "/v1/listings", json=shallots(**change), headers={**seller.headers, **EN}
        )
        body = assert_problem(response, 422, "invalid-input")
        assert [(error["field"], error["type"]) for error in body["errors"]] == [(field, code)]
        async with database(stack, "listings") as db:
            assert await db.listings.count_documents({"seller_id": seller.id}) == 0

    async def test_a_buyer_cannot_create(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post(
            "/v1/listings", json=shallots(), headers=bearer(stack, "buyer")
        )
        assert response.status_code == 403


class TestEditWithVersions:
    async def test_if_match_edits_and_a_stale_version_gets_412(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        url = f"/v1/listings/{listing['id']}"

        async with tap(stack, Topic.LISTING_EVENTS) as t:
            edited = await gateway.patch(
                url,
                json={"price_per_unit": 30000, "title": "Bawang merah super"},
                headers={**seller.headers, "If-Match": '"1"'},
            )
            seen = await collect_until(
                t, lambda s: about(listing["id"], s, "listing.updated") != []
            )
        updated = about(listing["id"], seen, "listing.updated")[0]
        assert edited.status_code == 200, edited.text
        assert edited.headers["etag"] == '"2"'
        assert (edited.json()["price_per_unit"], edited.json()["version"]) == (30000, 2)
        assert (updated.price_per_unit, updated.version) == (30000, 2)

        stale = await gateway.patch(
            url, json={"price_per_unit": 1}, headers={**seller.headers, "If-Match": '"1"'}
        )
        assert_problem(stale, 412, "stale-version")
        missing = await gateway.patch(url, json={"price_per_unit": 1}, headers=seller.headers)
        body = assert_problem(missing, 422, "invalid-input")
        assert [(e["loc"], e["type"]) for e in body["errors"]] == [
            (["header", "if-match"], "missing")
        ]
        assert (await seller.listing(listing["id"]))["price_per_unit"] == 30000

    async def test_stock_counters_and_owner_cannot_be_mass_assigned(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        for forbidden in ({"seller_id": "x"}, {"status": "archived"}, {"version": 9}):
            response = await gateway.patch(
                f"/v1/listings/{listing['id']}",
                json=forbidden,
                headers={**seller.headers, "If-Match": '"1"'},
            )
            body = assert_problem(response, 422, "invalid-input")
            assert [error["type"] for error in body["errors"]] == ["extra_forbidden"]
        assert (await seller.listing(listing["id"]))["version"] == 1


class TestOwnership:
    async def test_another_seller_gets_404_and_a_buyer_403(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        owner = Seller(stack, gateway)
        listing = await owner.lists(shallots())
        url = f"/v1/listings/{listing['id']}"
        other = Seller(stack, gateway, "fisher")
        matched = {**other.headers, "If-Match": '"1"'}

        assert (
            await gateway.patch(url, json={"price_per_unit": 1}, headers=matched)
        ).status_code == 404
        paused = await gateway.post(
            f"{url}/status", json={"status": "paused"}, headers=other.headers
        )
        assert paused.status_code == 404
        assert (await gateway.delete(url, headers=other.headers)).status_code == 404
        buyer = {**bearer(stack, "buyer"), "If-Match": '"1"'}
        assert (
            await gateway.patch(url, json={"price_per_unit": 1}, headers=buyer)
        ).status_code == 403
        assert (await owner.listing(listing["id"]))["version"] == 1

    async def test_an_admin_may_moderate(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        owner = Seller(stack, gateway)
        listing = await owner.lists(shallots())
        response = await gateway.post(
            f"/v1/listings/{listing['id']}/status",
            json={"status": "paused"},
            headers=bearer(stack, "admin"),
        )
        assert response.json()["status"] == "paused"


class TestLifecycle:
    async def test_pause_resume_archive_emit_status_changes(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        url = f"/v1/listings/{listing['id']}/status"
        async with tap(stack, Topic.LISTING_EVENTS) as t:
            for target in ("paused", "active", "archived"):
                response = await gateway.post(url, json={"status": target}, headers=seller.headers)
                assert response.json()["status"] == target
            seen = await collect_until(
                t, lambda s: len(about(listing["id"], s, "listing.status_changed")) >= 3
            )
        changed = about(listing["id"], seen, "listing.status_changed")
        changes = [(c.previous_status, c.status) for c in changed]
        assert changes == [("active", "paused"), ("paused", "active"), ("active", "archived")]
        again = await gateway.post(url, json={"status": "active"}, headers=seller.headers)
        assert_problem(again, 409, "listing-status-conflict")
        sold_out = await gateway.post(url, json={"status": "sold_out"}, headers=seller.headers)
        assert_problem(sold_out, 409, "listing-status-conflict")

    async def test_delete_emits_deleted_and_the_listing_is_gone(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        url = f"/v1/listings/{listing['id']}"
        async with tap(stack, Topic.LISTING_EVENTS) as t:
            assert (await gateway.delete(url, headers=seller.headers)).status_code == 204
            seen = await collect_until(
                t, lambda s: about(listing["id"], s, "listing.deleted") != []
            )
        assert about(listing["id"], seen, "listing.deleted")[0].version == 2
        assert (await gateway.get(url, headers=seller.headers)).status_code == 404
        assert (await gateway.delete(url, headers=seller.headers)).status_code == 204  # a retry
