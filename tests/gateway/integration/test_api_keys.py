"""Specification: agency API keys — issued by an admin, shown once, hashed, scoped, revocable."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from devstack.stack import Stack

from tests.gateway.helpers import PASSWORD, new_phone, register
from tests.support.clients import bearer
from tests.support.mongo import database


async def _agency(gateway: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    response = await gateway.post(
        "/v1/admin/accounts",
        json={
            "phone": new_phone(),
            "password": PASSWORD,
            "display_name": "BPBD Kota Batam",
            "role": "agency",
            "regions": ["21.71"],
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text
    account: dict[str, Any] = response.json()
    return account


async def _issue(
    gateway: httpx.AsyncClient, admin: dict[str, str], account_id: str, regions: list[str]
) -> httpx.Response:
    return await gateway.post(
        "/v1/admin/api-keys",
        json={"account_id": account_id, "name": "early warning system", "regions": regions},
        headers=admin,
    )


class TestApiKeys:
    async def test_key_acts_as_the_agency_until_revoked(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        admin = bearer(stack, "admin")
        agency = await _agency(gateway, admin)
        issued = await _issue(gateway, admin, agency["id"], ["21.71", "31"])
        assert issued.status_code == 201, issued.text
        key = issued.json()["key"]
        assert key.startswith("lmb_")

        me = await gateway.get("/v1/auth/me", headers={"X-API-Key": key})
        assert me.status_code == 200
        assert me.json()["id"] == agency["id"]
        as_seller = await gateway.post("/v1/listings", json={}, headers={"X-API-Key": key})
        assert as_seller.status_code == 403  # the service saw role agency, not a seller

        listed = await gateway.get(
            "/v1/admin/api-keys", params={"account_id": agency["id"]}, headers=admin
        )
        [shown] = listed.json()
        assert "key" not in shown
        assert shown["regions"] == ["21.71", "31"]
        assert shown["last_used_at"] is not None

        revoked = await gateway.delete(f"/v1/admin/api-keys/{shown['id']}", headers=admin)
        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"] is not None
        refused = await gateway.get("/v1/auth/me", headers={"X-API-Key": key})
        assert refused.status_code == 401
        assert refused.json()["type"].endswith("/invalid-api-key")

    async def test_only_the_hash_is_stored(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        admin = bearer(stack, "admin")
        agency = await _agency(gateway, admin)
        key = (await _issue(gateway, admin, agency["id"], ["21"])).json()["key"]
        async with database(stack, "gateway") as db:
            stored = await db.api_keys.find_one({"account_id": agency["id"]})
        assert stored is not None
        assert key not in str(stored)

    @pytest.mark.parametrize("regions", [["21.71.01"], ["x"], []])
    async def test_scope_is_provinces_or_regencies(
        self, stack: Stack, gateway: httpx.AsyncClient, regions: list[str]
    ) -> None:
        admin = bearer(stack, "admin")
        agency = await _agency(gateway, admin)
        assert (await _issue(gateway, admin, agency["id"], regions)).status_code == 422

    async def test_keys_are_only_for_agency_accounts(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer = await register(gateway, role="farmer", region="21.71")
        response = await _issue(gateway, bearer(stack, "admin"), farmer["id"], ["21"])
        assert response.status_code == 422
        assert response.json()["type"].endswith("/not-an-agency")

    async def test_a_key_for_an_account_that_does_not_exist_is_404(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        response = await _issue(gateway, bearer(stack, "admin"), "f" * 32, ["21"])
        assert response.status_code == 404
        assert response.json()["type"].endswith("/not-found")

    @pytest.mark.parametrize(
        "key", ["lmb_000000000000_" + "A" * 43, "not-a-key", "lmb_short", "x" * 5000]
    )
    async def test_unknown_or_malformed_keys_are_401(
        self, gateway: httpx.AsyncClient, key: str
    ) -> None:
        response = await gateway.get("/v1/listings/x", headers={"X-API-Key": key})
        assert response.status_code == 401

    async def test_token_and_key_together_are_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        headers = {**bearer(stack, "admin"), "X-API-Key": "lmb_000000000000_" + "A" * 43}
        assert (await gateway.get("/v1/listings/x", headers=headers)).status_code == 401
