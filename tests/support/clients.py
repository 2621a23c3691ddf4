"""Callers of the running stack: tokens for each role and HTTP clients."""

from __future__ import annotations

from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer


def token_for(
    stack: Stack, role: str, subject: str | None = None, regions: tuple[str, ...] = ()
) -> str:
    """An access token signed with the stack's active key, as the gateway will verify it."""
    issuer = TokenIssuer(
        KeySet.from_setting(stack.secrets.jwt_keys), "https://lumbung.id", "lumbung-api"
    )
    return issuer.issue(subject or f"{role}-{uuid4().hex[:8]}", Role(role), regions)


def bearer(stack: Stack, role: str, subject: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(stack, role, subject)}"}


async def agency_with_key(
    client: httpx.AsyncClient, admin: dict[str, str], region: str, key_name: str
) -> tuple[str, str]:
    """A real agency account scoped to `region` and an API key for it, made through the admin API.

    Returns the account id and the key (shown once).
    """
    from tests.gateway.helpers import PASSWORD, new_phone  # noqa: PLC0415 -- avoids a cycle

    account = await client.post(
        "/v1/admin/accounts",
        json={
            "phone": new_phone(),
            "password": PASSWORD,
            "display_name": "BPBD Hulu Sungai Utara",
            "role": "agency",
            "regions": [region],
        },
        headers=admin,
    )
    assert account.status_code == 201, account.text
    key = await client.post(
        "/v1/admin/api-keys",
        json={"account_id": account.json()["id"], "name": key_name, "regions": [region]},
        headers=admin,
    )
    assert key.status_code == 201, key.text
    return account.json()["id"], key.json()["key"]
