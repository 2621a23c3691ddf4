"""Specification: a service reached around the gateway refuses every request it did not sign."""

from __future__ import annotations

import time

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.identity import (
    IDENTITY_HEADER,
    LEEWAY_SECONDS,
    LIFETIME_SECONDS,
    Identity,
    Role,
    sign_identity,
)

from tests.integration.test_listing_reaches_orders import SHALLOTS

SERVICE_ROUTES = [
    ("listings", "POST", "/v1/listings"),
    ("listings", "GET", "/v1/listings/abc"),
    ("orders", "GET", "/v1/orders/listing-snapshots/abc"),
]
ADMIN = Identity(subject="mallory", role=Role.ADMIN)
LISTING_GET = {"audience": "listings", "method": "GET", "path": "/v1/listings/abc"}


def _forged_headers(
    stack: Stack, service: str, method: str, path: str
) -> dict[str, dict[str, str]]:
    secret = stack.secrets.internal_secret.encode()
    real = sign_identity(ADMIN, secret, audience=service, method=method, path=path)
    header, payload, _ = real.split(".")
    with_wrong_key = sign_identity(ADMIN, b"k" * 32, audience=service, method=method, path=path)
    return {
        "no header": {},
        "wrong key": {IDENTITY_HEADER: with_wrong_key},
        "payload without mac": {IDENTITY_HEADER: f"{header}.{payload}."},
        "garbage": {IDENTITY_HEADER: "x.y"},
        "jwt instead": {"Authorization": "Bearer abc.def.ghi"},
    }


class TestDirectCalls:
    @pytest.mark.parametrize(("service", "method", "path"), SERVICE_ROUTES)
    @pytest.mark.parametrize(
        "forgery", ["no header", "wrong key", "payload without mac", "garbage", "jwt instead"]
    )
    async def test_unsigned_or_forged_identity_is_refused(
        self, stack: Stack, service: str, method: str, path: str, forgery: str
    ) -> None:
        headers = _forged_headers(stack, service, method, path)[forgery]
        async with httpx.AsyncClient(base_url=stack.url(service), timeout=10) as direct:
            response = await direct.request(method, path, json=SHALLOTS, headers=headers)

        assert response.status_code == 401, response.text
        assert response.json()["type"].endswith("/gateway-signature-required")

    async def test_a_replayed_old_signature_is_refused(self, stack: Stack) -> None:
        """A header captured a minute ago (correctly signed) no longer works."""
        secret = stack.secrets.internal_secret.encode()
        captured_at = time.time() - LIFETIME_SECONDS - LEEWAY_SECONDS - 1
        old = sign_identity(ADMIN, secret, **LISTING_GET, now=captured_at)
        async with httpx.AsyncClient(base_url=stack.url("listings"), timeout=10) as direct:
            response = await direct.get("/v1/listings/abc", headers={IDENTITY_HEADER: old})
        assert response.status_code == 401

    async def test_a_header_minted_for_listings_is_refused_by_orders(self, stack: Stack) -> None:
        secret = stack.secrets.internal_secret.encode()
        path = "/v1/orders/listing-snapshots/abc"
        for_listings = sign_identity(ADMIN, secret, audience="listings", method="GET", path=path)
        async with httpx.AsyncClient(base_url=stack.url("orders"), timeout=10) as direct:
            response = await direct.get(path, headers={IDENTITY_HEADER: for_listings})
        assert response.status_code == 401
        assert response.json()["type"].endswith("/gateway-signature-required")

    @pytest.mark.parametrize(
        ("method", "path"),
        [("DELETE", "/v1/listings/abc"), ("GET", "/v1/listings/other")],
    )
    async def test_a_header_minted_for_one_request_is_refused_for_another(
        self, stack: Stack, method: str, path: str
    ) -> None:
        """Captured on `GET /v1/listings/abc`, it opens no other method or path."""
        header = sign_identity(ADMIN, stack.secrets.internal_secret.encode(), **LISTING_GET)
        async with httpx.AsyncClient(base_url=stack.url("listings"), timeout=10) as direct:
            response = await direct.request(method, path, headers={IDENTITY_HEADER: header})
        assert response.status_code == 401
        assert response.json()["type"].endswith("/gateway-signature-required")

    async def test_the_gateways_signature_is_what_services_accept(self, stack: Stack) -> None:
        """Control: the same call signed with the shared secret gets past the check."""
        header = sign_identity(ADMIN, stack.secrets.internal_secret.encode(), **LISTING_GET)
        async with httpx.AsyncClient(base_url=stack.url("listings"), timeout=10) as direct:
            response = await direct.get("/v1/listings/abc", headers={IDENTITY_HEADER: header})
        assert response.status_code == 404
