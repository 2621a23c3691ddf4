"""Specification: a path says which methods it takes, and HEAD works wherever GET does.

A 405 names every method of the path in `Allow` (not only those of the first route that
matched it), `OPTIONS` on a known path is a 204 with that `Allow`, an unknown path is 404 for
any method, and HEAD answers the GET's status and headers without its body.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent
from lumbung_shared.secrets import generate_secret
from lumbung_shared.service import create_service_app
from lumbung_shared.settings import ServiceSettings
from lumbung_shared.web.methods import HeadAsGetMiddleware
from lumbung_shared.web.problems import PROBLEM_JSON, install_problem_handlers

orders = APIRouter(prefix="/v1/orders")


@orders.get("")
async def list_orders() -> list[dict[str, str]]:
    return [{"id": "o1", "state": "pending"}]


@orders.post("", status_code=201)
async def place_order() -> dict[str, str]:
    return {"id": "o2"}


@orders.get("/{order_id}")
async def read_order(order_id: str) -> dict[str, str]:
    return {"id": order_id}


@orders.patch("/{order_id}")
async def amend_order(order_id: str) -> dict[str, str]:
    return {"id": order_id}


@orders.post("/{order_id}/ship")
async def ship_order(order_id: str) -> dict[str, str]:
    return {"id": order_id, "state": "shipped"}


@orders.get("/live/stream")
async def live() -> StreamingResponse:
    async def forever() -> AsyncIterator[bytes]:
        while True:
            yield b": heartbeat\n\n"
            await asyncio.sleep(0)

    return StreamingResponse(forever(), media_type="text/event-stream")


@orders.get("/live/events", response_class=EventSourceResponse)
async def live_events() -> AsyncIterable[ServerSentEvent]:
    while True:
        yield ServerSentEvent(data="heartbeat")
        await asyncio.sleep(0)


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(HeadAsGetMiddleware)
    app.include_router(orders)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://orders") as c:
        yield c


class TestMethodNotAllowed:
    async def test_allow_names_every_route_of_the_path(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/v1/orders")

        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"] == "https://lumbung.id/problems/method-not-allowed"
        assert response.json()["detail"] == "Gunakan salah satu: GET, HEAD, OPTIONS, POST."

    async def test_a_path_with_a_parameter(self, client: httpx.AsyncClient) -> None:
        response = await client.delete("/v1/orders/o1")

        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, OPTIONS, PATCH"

    async def test_head_where_there_is_no_get(self, client: httpx.AsyncClient) -> None:
        response = await client.head("/v1/orders/o1/ship")

        assert response.status_code == 405
        assert response.headers["allow"] == "OPTIONS, POST"


class TestOptions:
    async def test_a_known_path_is_204_with_its_methods(self, client: httpx.AsyncClient) -> None:
        response = await client.options("/v1/orders/o1/ship")

        assert response.status_code == 204
        assert response.headers["allow"] == "OPTIONS, POST"
        assert response.content == b""

    async def test_an_unknown_path_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.options("/v1/nowhere")

        assert response.status_code == 404
        assert response.json()["type"] == "https://lumbung.id/problems/not-found"


class TestHead:
    async def test_the_get_s_status_and_headers_without_the_body(
        self, client: httpx.AsyncClient
    ) -> None:
        got = await client.get("/v1/orders/o1")
        head = await client.head("/v1/orders/o1")

        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == got.headers["content-length"]
        assert head.headers["content-type"] == "application/json"

    @pytest.mark.parametrize("path", ["/v1/orders/live/stream", "/v1/orders/live/events"])
    async def test_an_event_stream_ends_after_its_headers(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        async with asyncio.timeout(10):  # a guard against a hang, not a timing assertion
            head = await client.head(path)

        assert head.status_code == 200
        assert head.headers["content-type"].startswith("text/event-stream")
        assert head.content == b""


class TestEveryService:
    async def test_a_service_app_answers_options_and_head(self) -> None:
        settings = ServiceSettings(
            service_name="orders", mongo_database="unused", internal_secret=generate_secret()
        )
        app = create_service_app(
            settings, title="t", description="d", routers=[orders], setup=_no_setup
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://orders") as c:
            options = await c.options("/v1/orders")
            head = await c.head("/v1/orders")

        assert (options.status_code, options.headers["allow"]) == (204, "GET, HEAD, OPTIONS, POST")
        assert (head.status_code, head.content) == (200, b"")


async def _no_setup(runtime: object) -> None:
    return None
