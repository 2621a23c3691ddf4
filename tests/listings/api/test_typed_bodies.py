"""`POST /v1/listings` and `PATCH /v1/listings/{id}` take named, typed bodies.

FastAPI validates them against `ListingDraft` and `ListingPatch`, so one 422 names every wrong
field (catalogue and cross-field rules included), each with its own code and a sentence in the
caller's language; what reaches the use case is a checked draft.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.listings.api.bare_app import SHALLOTS, State, as_caller

CREATE = as_caller("POST", "/v1/listings")


def refused(response: httpx.Response) -> dict[str, dict[str, Any]]:
    """The 422's field errors by field name."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("/invalid-input")
    return {error["field"]: error for error in body["errors"]}


class TestCreate:
    async def test_a_valid_draft_reaches_the_use_case_typed(
        self, client: httpx.AsyncClient, state: State
    ) -> None:
        response = await client.post("/v1/listings", json=SHALLOTS, headers=CREATE)
        assert response.status_code == 201, response.text
        assert response.json()["commodity"] == "bawang-merah"
        assert [draft.price_per_unit for draft in state.create_listing.drafts] == [32000]

    async def test_a_commodity_id_spelled_as_people_write_it_is_read_as_the_id(
        self, client: httpx.AsyncClient, state: State
    ) -> None:
        body = SHALLOTS | {"commodity": "Bawang_Merah"}
        response = await client.post("/v1/listings", json=body, headers=CREATE)
        assert response.status_code == 201, response.text
        assert state.create_listing.drafts[0].commodity == "bawang-merah"

    async def test_every_wrong_field_is_named_at_once(
        self, client: httpx.AsyncClient, state: State
    ) -> None:
        body = SHALLOTS | {
            "commodity": "shallot",
            "unit": "gantang",
            "price_per_unit": 0,
            "origin_region": "99.99",
            "catch_date": "2026-11-21",
            "seller_id": "someone-else",
        }
        errors = refused(await client.post("/v1/listings", json=body, headers=CREATE))
        assert {field: error["type"] for field, error in errors.items()} == {
            "commodity": "unknown-commodity",
            "unit": "enum",
            "price_per_unit": "greater_than_equal",
            "origin_region": "unknown-region",
            "catch_date": "date-not-for-kind",
            "seller_id": "extra_forbidden",
        }
        assert "GET /v1/catalogue/commodities" in errors["commodity"]["msg"]
        assert "bawang-merah" in errors["commodity"]["msg"]
        assert state.create_listing.drafts == []

    async def test_cross_field_rules_come_together_in_indonesian_by_default(
        self, client: httpx.AsyncClient
    ) -> None:
        body = SHALLOTS | {"unit": "liter", "min_order": 500, "best_before": "2026-11-01"}
        headers = {**CREATE, "Accept-Language": "id"}
        errors = refused(await client.post("/v1/listings", json=body, headers=headers))
        assert {field: error["type"] for field, error in errors.items()} == {
            "unit": "unit-not-allowed",
            "min_order": "min-order-exceeds-stock",
            "best_before": "best-before-too-early",
        }
        assert errors["unit"]["msg"].startswith("Bawang merah tidak dijual per 'liter'")
        assert errors["min_order"]["msg"] == "Pembelian minimum (500) melebihi stok (100)."

    async def test_malformed_json_is_a_400(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/listings",
            content=b'{"kind": "produce",',
            headers={**CREATE, "content-type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["type"].endswith("/malformed-json")


class TestEdit:
    @staticmethod
    def headers() -> dict[str, str]:
        return {**as_caller("PATCH", "/v1/listings/l1"), "If-Match": '"1"'}

    async def test_only_the_sent_fields_change(self, client: httpx.AsyncClient) -> None:
        response = await client.patch(
            "/v1/listings/l1", json={"price_per_unit": 30000}, headers=self.headers()
        )
        assert response.status_code == 200, response.text
        assert (response.json()["price_per_unit"], response.json()["title"]) == (
            30000,
            SHALLOTS["title"],
        )

    async def test_null_clears_an_optional_field(self, client: httpx.AsyncClient) -> None:
        response = await client.patch(
            "/v1/listings/l1", json={"harvest_date": None}, headers=self.headers()
        )
        assert response.status_code == 200, response.text
        assert response.json()["harvest_date"] is None

    async def test_null_for_a_field_that_cannot_be_cleared_is_refused_with_the_others(
        self, client: httpx.AsyncClient
    ) -> None:
        body = {"title": None, "commodity": "emas", "status": "archived"}
        errors = refused(await client.patch("/v1/listings/l1", json=body, headers=self.headers()))
        assert {field: error["type"] for field, error in errors.items()} == {
            "title": "string_type",
            "commodity": "unknown-commodity",
            "status": "extra_forbidden",
        }

    async def test_rules_between_fields_are_judged_on_the_edited_listing(
        self, client: httpx.AsyncClient
    ) -> None:
        """Stock of 3 is fine alone; against the listing's minimum order of 5 it is not."""
        body = {"quantity_available": 3, "kind": "catch"}
        errors = refused(await client.patch("/v1/listings/l1", json=body, headers=self.headers()))
        assert {field: (error["loc"], error["type"]) for field, error in errors.items()} == {
            "commodity": (["body", "commodity"], "commodity-kind-mismatch"),
            "min_order": (["body", "min_order"], "min-order-exceeds-stock"),
            "harvest_date": (["body", "harvest_date"], "date-not-for-kind"),
        }
