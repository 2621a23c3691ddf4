"""Specification: sign-up, sign-in, rotating refresh tokens and sign-out, on the real stack."""

from __future__ import annotations

import httpx
import pytest
from devstack.stack import Stack

from tests.gateway.helpers import PASSWORD, auth, login, new_phone, register, signed_in
from tests.support.mongo import database


class TestRegistration:
    async def test_phone_is_normalised_and_password_stored_as_argon2(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        local = new_phone()
        account = await register(gateway, "fisher", region="73.71", phone=local)

        assert account["phone"] == "+62" + local[1:]
        assert account["role"] == "fisher"
        assert account["regions"] == ["73.71"]
        assert "password" not in str(account)
        async with database(stack, "gateway") as db:
            stored = await db.accounts.find_one({"_id": account["id"]})
        assert stored is not None
        assert stored["password_hash"].startswith("$argon2id$")
        assert PASSWORD not in str(stored)

    async def test_any_spelling_of_the_number_signs_in(self, gateway: httpx.AsyncClient) -> None:
        local = new_phone()
        await register(gateway, phone=local)
        spelled = f"+62 {local[1:4]}-{local[4:8]}-{local[8:]}"

        response = await login(gateway, spelled)

        assert response.status_code == 200, response.text

    @pytest.mark.parametrize("role", ["agency", "admin", "superuser"])
    async def test_privileged_roles_cannot_be_self_registered(
        self, gateway: httpx.AsyncClient, role: str
    ) -> None:
        response = await gateway.post(
            "/v1/auth/register",
            json={
                "phone": new_phone(),
                "password": PASSWORD,
                "display_name": "Mallory",
                "role": role,
                "home_region": "31",
            },
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"

    async def test_one_account_per_phone_number(self, gateway: httpx.AsyncClient) -> None:
        account = await register(gateway)
        again = await gateway.post(
            "/v1/auth/register",
            json={
                "phone": account["phone"],
                "password": PASSWORD,
                "display_name": "Twin",
                "role": "buyer",
                "home_region": "63",
            },
        )
        assert again.status_code == 409
        assert again.json()["type"].endswith("/phone-taken")

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [
            ("phone", "021-5551234", "invalid-phone"),
            ("password", "12345678901", "weak-password"),
            ("home_region", "63.8", "invalid-input"),
        ],
    )
    async def test_bad_input_is_refused_in_the_callers_language(
        self, gateway: httpx.AsyncClient, field: str, value: str, code: str
    ) -> None:
        body = {
            "phone": new_phone(),
            "password": PASSWORD,
            "display_name": "Bu Sari",
            "role": "buyer",
            "home_region": "63.08",
            field: value,
        }
        english = await gateway.post(
            "/v1/auth/register", json=body, headers={"Accept-Language": "en"}
        )
        indonesian = await gateway.post("/v1/auth/register", json=body)

        assert english.status_code == indonesian.status_code == 422
        assert english.json()["type"] == indonesian.json()["type"]
        assert english.json()["type"].endswith("/" + code)
        assert english.json()["title"] == english.json()["message"]["en"]
        assert indonesian.json()["title"] == indonesian.json()["message"]["id"]


class TestSessions:
    async def test_access_token_identifies_the_account(self, gateway: httpx.AsyncClient) -> None:
        session = await signed_in(gateway, "buyer")

        me = await gateway.get("/v1/auth/me", headers=auth(session))

        assert me.status_code == 200
        assert me.json()["id"] == session["account"]["id"]
        assert session["token_type"] == "Bearer"
        assert 0 < session["expires_in"] <= 3600

    async def test_wrong_password_is_401_without_saying_which_part(
        self, gateway: httpx.AsyncClient
    ) -> None:
        account = await register(gateway)
        wrong = await login(gateway, account["phone"], "not-the-password")
        unknown = await login(gateway, new_phone(), "not-the-password")

        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json()["type"] == unknown.json()["type"]

    async def test_refresh_rotates_and_the_old_token_is_single_use(
        self, gateway: httpx.AsyncClient
    ) -> None:
        session = await signed_in(gateway)
        first = session["refresh_token"]

        rotated = await gateway.post("/v1/auth/refresh", json={"refresh_token": first})
        assert rotated.status_code == 200, rotated.text
        second = rotated.json()["refresh_token"]
        assert second != first
        assert (await gateway.get("/v1/auth/me", headers=auth(rotated.json()))).status_code == 200

        replay = await gateway.post("/v1/auth/refresh", json={"refresh_token": first})
        assert replay.status_code == 401
        assert replay.json()["type"].endswith("/refresh-token-reused")
        # Reuse ends the whole sign-in: the thief's and the owner's newest token alike.
        after = await gateway.post("/v1/auth/refresh", json={"refresh_token": second})
        assert after.status_code == 401

    async def test_refresh_tokens_are_stored_hashed(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        session = await signed_in(gateway)
        async with database(stack, "gateway") as db:
            stored = await db.refresh_tokens.find_one({"subject": session["account"]["id"]})
            by_plain = await db.refresh_tokens.find_one({"_id": session["refresh_token"]})
        assert stored is not None
        assert by_plain is None
        assert session["refresh_token"] not in str(stored)

    async def test_logout_revokes_the_refresh_token(self, gateway: httpx.AsyncClient) -> None:
        session = await signed_in(gateway)
        body = {"refresh_token": session["refresh_token"]}

        assert (await gateway.post("/v1/auth/logout", json=body)).status_code == 204
        refused = await gateway.post("/v1/auth/refresh", json=body)

        assert refused.status_code == 401
        assert refused.json()["type"].endswith("/invalid-refresh-token")
