"""Every error a service returns is RFC 9457 problem+json, in Indonesian or English."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from lumbung_shared.errors import ConflictError, Message
from lumbung_shared.web.middleware import CorrelationMiddleware
from lumbung_shared.web.problems import PROBLEM_JSON, install_problem_handlers
from pydantic import BaseModel


class Body(BaseModel):
    quantity: int


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)

    @app.post("/orders")
    async def place(body: Body) -> dict[str, int]:
        return {"quantity": body.quantity}

    @app.post("/orders/1/ship")
    async def ship() -> None:
        raise ConflictError(
            "invalid-transition",
            Message(id="Pesanan masih menunggu.", en="The order is still pending."),
            current_state="pending",
        )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as c:
        yield c


class TestProblemDetails:
    async def test_domain_errors_keep_their_code_status_and_extra_members(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/orders/1/ship")
        assert response.status_code == 409
        assert response.headers["content-type"] == PROBLEM_JSON
        problem = response.json()
        assert problem["type"] == "https://lumbung.id/problems/invalid-transition"
        assert problem["title"] == "Pesanan masih menunggu."
        assert problem["current_state"] == "pending"
        assert problem["message"] == {
            "id": "Pesanan masih menunggu.",
            "en": "The order is still pending.",
        }

    async def test_english_when_the_caller_prefers_it(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/orders/1/ship", headers={"Accept-Language": "en-US,en;q=0.9,id;q=0.5"}
        )
        assert response.json()["title"] == "The order is still pending."

    async def test_invalid_input_is_422_with_the_offending_fields(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/orders", json={"quantity": "lots"})
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["errors"][0]["loc"] == ["body", "quantity"]

    async def test_unknown_routes_are_problems_too(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/nowhere")
        assert response.status_code == 404
        assert response.json()["type"].endswith("/not-found")

    async def test_unexpected_errors_reveal_nothing(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/boom")
        assert response.status_code == 500
        assert "secret internals" not in response.text
        assert "Traceback" not in response.text


class TestCorrelationIds:
    async def test_a_well_formed_id_is_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/nowhere", headers={"X-Correlation-ID": "abc-123"})
        assert response.headers["x-correlation-id"] == "abc-123"

    async def test_a_missing_or_unsafe_id_is_replaced(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/nowhere", headers={"X-Correlation-ID": "<script>"})
        assert response.headers["x-correlation-id"] != "<script>"
        assert len(response.headers["x-correlation-id"]) == 32
