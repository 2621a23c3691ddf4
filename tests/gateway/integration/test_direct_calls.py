"""Specification: a service reached around the gateway refuses every request it did not sign."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.web.identity import IDENTITY_HEADER, Identity, Role, sign_identity

from tests.integration.test_listing_reaches_orders import SHALLOTS

SERVICE_ROUTES = [
    ("listings", "POST", "/v1/listings"),
    ("listings", "GET", "/v1/listings/abc"),
    ("orders", "GET", "/v1/orders/listing-snapshots/abc"),
]
ADMIN = Identity(subject="mallory", role=Role.ADMIN)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged_headers(stack: Stack) -> dict[str, dict[str, str]]:
    real = sign_identity(ADMIN, stack.secrets.internal_secret.encode())
    payload, _ = real.split(".")
    with_wrong_key = sign_identity(ADMIN, b"k" * 32)
    return {
        "no header": {},
        "wrong key": {IDENTITY_HEADER: with_wrong_key},
        "payload without mac": {IDENTITY_HEADER: payload + "."},
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
        headers = _forged_headers(stack)[forgery]
        async with httpx.AsyncClient(base_url=stack.url(service), timeout=10) as direct:
            response = await direct.request(method, path, json=SHALLOTS, headers=headers)

        assert response.status_code == 401, response.text
        assert response.json()["type"].endswith("/gateway-signature-required")

    async def test_a_replayed_old_signature_is_refused(self, stack: Stack) -> None:
        """A header captured an hour ago (correctly signed) no longer works."""
        secret = stack.secrets.internal_secret.encode()
        old = ADMIN.model_copy(update={"issued_at": int(time.time()) - 3600})
        payload = _b64(old.model_dump_json().encode())
        mac = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
        async with httpx.AsyncClient(base_url=stack.url("listings"), timeout=10) as direct:
            response = await direct.get(
                "/v1/listings/abc", headers={IDENTITY_HEADER: f"{payload}.{mac}"}
            )
        assert response.status_code == 401

    async def test_the_gateways_signature_is_what_services_accept(self, stack: Stack) -> None:
        """Control: the same call signed with the shared secret gets past the check."""
        header = sign_identity(ADMIN, stack.secrets.internal_secret.encode())
        async with httpx.AsyncClient(base_url=stack.url("listings"), timeout=10) as direct:
            response = await direct.get("/v1/listings/abc", headers={IDENTITY_HEADER: header})
        assert response.status_code == 404
