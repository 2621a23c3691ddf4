"""Specification: every access token the gateway did not issue, or no longer honours, is a 401.

Each forged token is sent to a real proxied route; none may reach the service.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from devstack.stack import Stack
from lumbung_gateway.domain.keys import KeySet

from tests.support.clients import token_for

ROUTE = "/v1/listings/does-not-matter"
ISSUER = "https://lumbung.id"
AUDIENCE = "lumbung-api"


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "farmer-forged",
        "role": "admin",
        "regions": [],
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "forged",
    }
    claims.update(changes)
    return claims


def _sign(
    stack: Stack, claims: dict[str, Any], kid: str | None = None, secret: bytes | None = None
) -> str:
    key = KeySet.from_setting(stack.secrets.jwt_keys).active
    return jwt.encode(
        claims,
        secret or key.secret,
        algorithm="HS256",
        headers={"kid": kid or key.kid, "typ": "at+jwt"},
    )


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


FORGERIES: dict[str, Callable[[Stack], str]] = {
    "wrong secret": lambda s: _sign(s, _claims(), secret=b"x" * 48),
    "expired": lambda s: _sign(s, _claims(exp=int(time.time()) - 3600, iat=0, nbf=0)),
    "wrong audience": lambda s: _sign(s, _claims(aud="someone-else")),
    "wrong issuer": lambda s: _sign(s, _claims(iss="https://evil.example")),
    "unknown kid": lambda s: _sign(s, _claims(), kid="retired-2019"),
    "alg none": lambda s: (
        f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': 'k1'})}.{_b64(_claims())}."
    ),
    "anonymous role": lambda s: _sign(s, _claims(role="anonymous")),
    "missing exp": lambda s: _sign(s, {k: v for k, v in _claims().items() if k != "exp"}),
    "tampered payload": lambda s: ".".join(
        [token_for(s, "buyer").split(".")[0], _b64(_claims()), token_for(s, "buyer").split(".")[2]]
    ),
    "garbage": lambda s: "not-a-jwt",
}


class TestForgedTokens:
    @pytest.mark.parametrize("kind", sorted(FORGERIES))
    async def test_refused_with_401(
        self, stack: Stack, gateway: httpx.AsyncClient, kind: str
    ) -> None:
        token = FORGERIES[kind](stack)

        response = await gateway.get(ROUTE, headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 401, response.text
        assert response.headers["content-type"] == "application/problem+json"
        expected = "token-expired" if kind == "expired" else "invalid-token"
        assert response.json()["type"].split("/")[-1] == expected

    @pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer x y", "Token abc"])
    async def test_unusable_authorization_headers_are_401(
        self, gateway: httpx.AsyncClient, header: str
    ) -> None:
        response = await gateway.get(ROUTE, headers={"Authorization": header})
        assert response.status_code == 401

    async def test_a_valid_token_passes_the_same_route(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        """Control: the route itself answers (404 from listings), so the 401s above are real."""
        response = await gateway.get(
            ROUTE, headers={"Authorization": f"Bearer {token_for(stack, 'buyer')}"}
        )
        assert response.status_code == 404
        assert response.json()["type"].endswith("/not-found")
