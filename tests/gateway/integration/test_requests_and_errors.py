"""Specification: bounded bodies, problem+json everywhere, and one correlation id end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.gateway.conftest import InProcess
from tests.gateway.helpers import PASSWORD, new_phone
from tests.integration.test_listing_reaches_orders import SHALLOTS
from tests.support.clients import bearer
from tests.support.kafka import tap


class TestBodyLimits:
    async def test_json_over_the_limit_is_413(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        body = {**SHALLOTS, "description": "x" * (300 * 1024)}
        response = await gateway.post("/v1/listings", json=body, headers=bearer(stack, "farmer"))
        assert response.status_code == 413
        assert response.json()["type"].endswith("/body-too-large")

    async def test_chunked_json_over_the_limit_is_413(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b"x" * 8192

        response = await gateway.post(
            "/v1/listings",
            content=chunks(),
            headers={**bearer(stack, "farmer"), "Content-Type": "application/json"},
        )
        assert response.status_code == 413

    async def test_uploads_stream_up_to_their_own_limit(
        self, stack: Stack, inprocess_gateway: InProcess
    ) -> None:
        farmer = bearer(stack, "farmer")
        photo = {"file": ("panen.jpg", b"\xff\xd8" + b"0" * 50_000, "image/jpeg")}
        async with inprocess_gateway(max_body_bytes=8 * 1024, max_upload_bytes=30_000) as client:
            too_big = await client.post("/v1/listings/x/photos", files=photo, headers=farmer)
            small = {"file": ("panen.jpg", b"\xff\xd8" + b"0" * 12_000, "image/jpeg")}
            passed = await client.post("/v1/listings/x/photos", files=small, headers=farmer)
        assert too_big.status_code == 413
        assert too_big.json()["max_bytes"] == 30_000
        # Larger than the JSON limit, under the upload limit: it reached the listings service.
        assert passed.status_code != 413


class TestProblems:
    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [("GET", "/v1/nothing-here", 404), ("GET", "/nowhere", 404), ("PUT", "/healthz", 405)],
    )
    async def test_errors_are_bilingual_problem_documents(
        self, gateway: httpx.AsyncClient, method: str, path: str, status: int
    ) -> None:
        english = await gateway.request(method, path, headers={"Accept-Language": "en-US,en"})
        indonesian = await gateway.request(method, path, headers={"Accept-Language": "id"})
        default = await gateway.request(method, path)

        for response in (english, indonesian, default):
            assert response.status_code == status
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].startswith("https://lumbung.id/problems/")
            assert "Traceback" not in response.text
        assert english.json()["title"] == english.json()["message"]["en"]
        assert indonesian.json()["title"] == indonesian.json()["message"]["id"]
        assert default.json()["title"] == default.json()["message"]["id"]

    async def test_malformed_json_is_a_400_problem_not_a_crash(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.post(
            "/v1/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://lumbung.id/problems/malformed-json"


class TestMethods:
    """The real services behind the real gateway: `Allow` names every route of a path."""

    async def test_options_on_a_services_path_names_its_methods(
        self, gateway: httpx.AsyncClient
    ) -> None:
        # GET /v1/listings (search) and POST /v1/listings (create) are two routers' routes.
        response = await gateway.options("/v1/listings")

        assert (response.status_code, response.headers["allow"]) == (
            204,
            "GET, HEAD, OPTIONS, POST",
        )

    async def test_an_undeclared_method_is_the_service_s_405_with_allow(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.put("/v1/listings", json={}, headers=bearer(stack, "farmer"))

        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
        assert response.json()["type"] == "https://lumbung.id/problems/method-not-allowed"

    async def test_an_undeclared_method_on_a_gateway_route_is_405(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.put("/v1/auth/login", json={})

        assert (response.status_code, response.headers["allow"]) == (405, "OPTIONS, POST")

    async def test_head_answers_the_get_s_headers_without_a_body(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        buyer = bearer(stack, "buyer")
        got = await gateway.get("/v1/zones", headers=buyer)
        head = await gateway.head("/v1/zones", headers=buyer)

        assert (got.status_code, head.status_code, head.content) == (200, 200, b"")
        assert head.headers["content-length"] == got.headers["content-length"]


class TestCorrelation:
    async def test_id_reaches_the_service_and_its_kafka_event(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        correlation = f"tap-{uuid4().hex}"
        async with tap(stack, Topic.LISTING_EVENTS) as events:
            created = await gateway.post(
                "/v1/listings",
                json=SHALLOTS,
                headers={**bearer(stack, "farmer"), "X-Request-ID": correlation},
            )
            assert created.status_code == 201
            assert created.headers["x-correlation-id"] == correlation
            listing_id = created.json()["id"]
            event = await events.wait_for(
                lambda e: getattr(e, "key", None) == listing_id, within=20
            )
        assert event.correlation_id == correlation

    async def test_a_fresh_id_when_the_caller_sends_none_or_junk(
        self, gateway: httpx.AsyncClient
    ) -> None:
        plain = await gateway.get("/healthz")
        junk = await gateway.get("/healthz", headers={"X-Correlation-ID": "bad id; {drop}"})
        assert len(plain.headers["x-correlation-id"]) >= 16
        assert junk.headers["x-correlation-id"] != "bad id; {drop}"


class TestBootstrapAdmin:
    async def test_first_admin_comes_from_settings_and_can_create_agencies(
        self, inprocess_gateway: InProcess
    ) -> None:
        phone = new_phone()
        async with inprocess_gateway(
            bootstrap_admin_phone=phone, bootstrap_admin_password=PASSWORD
        ) as client:
            signed_in = await client.post(
                "/v1/auth/login", json={"phone": phone, "password": PASSWORD}
            )
            assert signed_in.status_code == 200, signed_in.text
            assert signed_in.json()["account"]["role"] == "admin"
            token = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
            agency = await client.post(
                "/v1/admin/accounts",
                json={
                    "phone": new_phone(),
                    "password": PASSWORD,
                    "display_name": "Dinas Perikanan Kepulauan Seribu",
                    "role": "agency",
                    "regions": ["31.01"],
                },
                headers=token,
            )
        assert agency.status_code == 201, agency.text
        assert agency.json()["role"] == "agency"
