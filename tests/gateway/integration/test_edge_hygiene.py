"""Specification: the gateway bounds what it reads, refuses hidden text and weak passwords,
and answers with security headers, no banner, and tokens that no cache keeps (issue 10)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
from devstack.stack import Stack

from tests.gateway.helpers import PASSWORD, auth, new_phone, register, signed_in
from tests.integration.test_listing_reaches_orders import SHALLOTS
from tests.support.clients import bearer

THIRTY_MB = 30 * 1024 * 1024


async def _raw_exchange(stack: Stack, request: bytes, seconds: float = 10) -> bytes:
    """Send bytes to the gateway on a raw socket; its answer: status line, headers and body."""
    address = urlsplit(stack.url("gateway"))
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        writer.write(request)
        await writer.drain()
        async with asyncio.timeout(seconds):
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.lower().split(b"\r\n")
                if line.startswith(b"content-length:")
            )
            return head + await reader.readexactly(length)
    finally:
        writer.close()


class TestAuthRoutesAreBoundedBeforeTheBodyIsRead:
    @pytest.mark.parametrize("path", ["/v1/auth/login", "/v1/auth/register"])
    async def test_a_declared_30_mb_body_is_refused_before_it_is_sent(
        self, stack: Stack, path: str
    ) -> None:
        """Only the headers and 2 bytes are sent: an answer proves nothing waited for 30 MB."""
        head = (
            f"POST {path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
            f"Content-Length: {THIRTY_MB}\r\n\r\n{{}}"
        )
        answer = await _raw_exchange(stack, head.encode())
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.split(b" ")[1] == b"413"
        assert b"application/problem+json" in rest
        assert b'"max_bytes":262144' in rest

    async def test_a_chunked_login_body_is_stopped_at_the_limit(
        self, gateway: httpx.AsyncClient
    ) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"phone": "0812", "password": "'
            for _ in range(64):
                yield b"x" * 8192

        response = await gateway.post(
            "/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert response.json()["type"].endswith("/body-too-large")


class TestHeaderBlocksAreBounded:
    async def test_a_64_kib_header_is_refused_with_431(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/v1/listings", headers={"X-Padding": "a" * 64 * 1024})
        assert response.status_code == 431
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/headers-too-large")
        assert response.json()["message"]["en"].startswith("Request headers too large")

    async def test_an_8_mb_header_is_refused_too(self, stack: Stack) -> None:
        head = f"GET /v1/listings HTTP/1.1\r\nHost: gateway\r\nX-Padding: {'a' * 8 * 1024 * 1024}"
        answer = await _raw_exchange(stack, (head + "\r\n\r\n").encode(), seconds=30)
        assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == b"431"


class TestHiddenTextIsRefused:
    @pytest.mark.parametrize(
        "title",
        ["Bawang\x00merah", "Bawang \x1b[31mmerah", "Bawang \u202eharem", "Baw\u200bang merah"],
    )
    async def test_in_listing_titles(
        self, stack: Stack, gateway: httpx.AsyncClient, title: str
    ) -> None:
        farmer = bearer(stack, "farmer", "petani-teks")
        response = await gateway.post(
            "/v1/listings", json={**SHALLOTS, "title": title}, headers=farmer
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["type"] == "unsafe_text"
        assert "title" in response.json()["message"]["en"]
        assert "title" in response.json()["message"]["id"]

    async def test_in_listing_descriptions_but_newlines_are_kept(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer = bearer(stack, "farmer", "petani-teks")
        hidden = {**SHALLOTS, "description": "Segar\u2066 dari Amuntai"}
        refused = await gateway.post("/v1/listings", json=hidden, headers=farmer)
        lines = {**SHALLOTS, "description": "Panen pagi.\nKualitas A."}
        kept = await gateway.post("/v1/listings", json=lines, headers=farmer)
        assert refused.status_code == 422
        assert kept.status_code == 201, kept.text
        assert kept.json()["description"] == "Panen pagi.\nKualitas A."

    async def test_titles_are_stored_in_nfc(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        farmer = bearer(stack, "farmer", "petani-teks")
        decomposed = {**SHALLOTS, "title": "Kopi Gayo cafe\u0301 100 kg"}
        created = await gateway.post("/v1/listings", json=decomposed, headers=farmer)
        assert created.status_code == 201, created.text
        assert created.json()["title"] == "Kopi Gayo caf\u00e9 100 kg"

    @pytest.mark.parametrize("name", ["Pak\x00Budi", "Pak \u202eBudi", "Pak\u200dBudi", "\x1b[2J"])
    async def test_in_display_names(self, gateway: httpx.AsyncClient, name: str) -> None:
        response = await gateway.post(
            "/v1/auth/register",
            json={
                "phone": new_phone(),
                "password": PASSWORD,
                "display_name": name,
                "role": "farmer",
                "home_region": "63.08",
            },
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["type"] == "unsafe_text"


class TestGuessablePasswordsAreRefused:
    @pytest.mark.parametrize("password", ["password", "12345678a", "bismillah1", "qwertyuiop"])
    async def test_at_sign_up(self, gateway: httpx.AsyncClient, password: str) -> None:
        phone = new_phone()
        response = await gateway.post(
            "/v1/auth/register",
            json={
                "phone": phone,
                "password": password,
                "display_name": "Bu Sari",
                "role": "buyer",
                "home_region": "63.08",
            },
        )
        assert response.status_code == 422
        problem = response.json()
        assert problem["type"].endswith("/weak-password")
        assert problem["message"]["id"].startswith("Kata sandi")
        assert (
            await gateway.post("/v1/auth/login", json={"phone": phone, "password": password})
        ).status_code == 401


class TestResponseHeaders:
    async def test_token_responses_are_not_stored_by_any_cache(
        self, gateway: httpx.AsyncClient
    ) -> None:
        account = await register(gateway)
        login = await gateway.post(
            "/v1/auth/login", json={"phone": account["phone"], "password": PASSWORD}
        )
        refreshed = await gateway.post(
            "/v1/auth/refresh", json={"refresh_token": login.json()["refresh_token"]}
        )
        for response in (login, refreshed):
            assert response.status_code == 200
            assert response.headers["cache-control"] == "no-store"
            assert response.headers["pragma"] == "no-cache"

    async def test_every_response_has_security_headers_and_no_banner(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        session = await signed_in(gateway)
        responses = [
            await gateway.get("/healthz"),
            await gateway.get("/v1/listings", headers=auth(session)),
            await gateway.get("/v1/listings/nope", headers=auth(session)),
            await gateway.get("/openapi.json"),
        ]
        for response in responses:
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert "server" not in response.headers

    async def test_the_docs_page_allows_only_its_own_script_and_cannot_be_framed(
        self, gateway: httpx.AsyncClient
    ) -> None:
        docs = await gateway.get("/docs")
        policy = docs.headers["content-security-policy"]
        assert docs.status_code == 200
        assert "script-src 'self';" in policy  # served offline, no inline script (issue 14)
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert docs.headers["x-frame-options"] == "DENY"

    async def test_services_answer_without_a_banner_too(self, stack: Stack) -> None:
        for service in ("listings", "orders", "weather_alerts"):
            async with httpx.AsyncClient(base_url=stack.url(service)) as direct:
                response = await direct.get("/healthz")
            assert "server" not in response.headers
            assert response.headers["x-content-type-options"] == "nosniff"
