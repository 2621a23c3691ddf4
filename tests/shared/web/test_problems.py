"""Every error a service returns is RFC 9457 problem+json, in Indonesian or English."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from lumbung_shared.errors import ConflictError, Message
from lumbung_shared.web.middleware import CorrelationMiddleware
from lumbung_shared.web.problems import PROBLEM_JSON, install_problem_handlers
from pydantic import BaseModel, ConfigDict, Field, Json


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(gt=0)
    unit: str = Field(default="kg", max_length=8)
    extra: Json[dict[str, str]] | None = None


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


class TestInvalidInput:
    async def test_every_wrong_field_at_once_in_indonesian_by_default(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/orders", json={"quantity": 0, "unit": "karung-besar", "colour": "merah"}
        )

        problem = response.json()
        assert (response.status_code, problem["type"]) == (
            422,
            "https://lumbung.id/problems/invalid-input",
        )
        assert problem["title"] == "Data tidak valid (3 kolom): quantity, unit, colour."
        assert problem["detail"] == "Periksa kolom: quantity, unit, colour."
        assert (
            problem["message"]["en"] == "The data is not valid (3 fields): quantity, unit, colour."
        )
        assert problem["errors"] == [
            {
                "loc": ["body", "quantity"],
                "field": "quantity",
                "type": "greater_than",
                "msg": "Harus lebih dari 0.",
            },
            {
                "loc": ["body", "unit"],
                "field": "unit",
                "type": "string_too_long",
                "msg": "Maksimal 8 karakter.",
            },
            {
                "loc": ["body", "colour"],
                "field": "colour",
                "type": "extra_forbidden",
                "msg": "Kolom ini tidak dikenal.",
            },
        ]

    async def test_in_english_when_asked(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/orders", json={"quantity": 0}, headers={"Accept-Language": "en"}
        )

        problem = response.json()
        assert problem["title"] == "The data is not valid (1 field): quantity."
        assert problem["detail"] == "Check the fields: quantity."
        assert [e["msg"] for e in problem["errors"]] == ["Must be greater than 0."]

    async def test_the_title_names_the_first_five_and_the_detail_all(
        self, client: httpx.AsyncClient
    ) -> None:
        extra = {name: 1 for name in "abcdefg"}
        response = await client.post("/orders", json={"quantity": 1, **extra})

        problem = response.json()
        assert problem["title"] == "Data tidak valid (7 kolom): a, b, c, d, e dan lainnya."
        assert problem["detail"] == "Periksa kolom: a, b, c, d, e, f, g."
        assert len(problem["errors"]) == 7

    async def test_a_missing_body_names_the_body(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/orders")

        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"loc": ["body"], "field": "body", "type": "missing", "msg": "Wajib diisi."}
        ]

    async def test_json_of_the_wrong_shape_is_invalid_data_422(
        self, client: httpx.AsyncClient
    ) -> None:
        """It parses, so it is not malformed: an array where the object belongs is a wrong value."""
        response = await client.post("/orders", json=[{"quantity": 1}])

        assert response.status_code == 422
        (error,) = response.json()["errors"]
        assert (error["field"], error["msg"]) == ("body", "Harus berupa objek JSON.")


class TestMalformedJson:
    @pytest.mark.parametrize("body", [b'{"quantity": ', b"{'quantity': 1}", b"quantity=1&"])
    async def test_is_400_malformed_json(self, client: httpx.AsyncClient, body: bytes) -> None:
        response = await client.post(
            "/orders", content=body, headers={"Content-Type": "application/json"}
        )

        problem = response.json()
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM_JSON
        assert problem["type"] == "https://lumbung.id/problems/malformed-json"
        assert problem["title"] == "Isi permintaan bukan JSON yang valid."
        assert problem["message"]["en"] == "The request body is not valid JSON."
        assert isinstance(problem["position"], int)
        assert "errors" not in problem

    async def test_bad_json_inside_a_json_string_field_is_that_field_s_422(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/orders", json={"quantity": 1, "extra": "{"})

        assert response.status_code == 422
        (error,) = response.json()["errors"]
        assert (error["field"], error["type"]) == ("extra", "json_invalid")

    async def test_in_english_when_asked(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/orders",
            content=b"{",
            headers={"Content-Type": "application/json", "Accept-Language": "en-GB"},
        )

        assert response.json()["detail"] == "The request body is not valid JSON."


class TestCorrelationIds:
    async def test_a_well_formed_id_is_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/nowhere", headers={"X-Correlation-ID": "abc-123"})
        assert response.headers["x-correlation-id"] == "abc-123"

    async def test_a_missing_or_unsafe_id_is_replaced(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/nowhere", headers={"X-Correlation-ID": "<script>"})
        assert response.headers["x-correlation-id"] != "<script>"
        assert len(response.headers["x-correlation-id"]) == 32
