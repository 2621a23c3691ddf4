"""Specification: every response carries security headers; over-large requests stop early."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from lumbung_shared.web.guards import install_guards
from lumbung_shared.web.problems import install_problem_handlers
from pydantic import BaseModel


class Echo(BaseModel):
    text: str


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    install_guards(app, max_header_bytes=4096, max_body_bytes=1024, max_upload_bytes=4096)

    @app.post("/echo")
    async def echo(body: Echo) -> Echo:
        return body

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.get("/page")
    async def page() -> HTMLResponse:
        return HTMLResponse("<p>x</p>", headers={"Content-Security-Policy": "default-src 'self'"})

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 256):
        yield b"a" * 256


class TestSecurityHeaders:
    async def test_every_response_carries_them_errors_included(
        self, client: httpx.AsyncClient
    ) -> None:
        for response in (
            await client.post("/echo", json={"text": "x"}),
            await client.get("/nowhere"),
        ):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert "server" not in response.headers

    async def test_a_route_may_set_its_own_policy(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/page")
        assert response.headers["content-security-policy"] == "default-src 'self'"


class TestRequestLimits:
    async def test_a_declared_length_over_the_limit_is_refused_with_413(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/raw", content=b"{}", headers={"content-length": "5000000", "content-type": "x/y"}
        )
        assert response.status_code == 413
        assert response.json()["type"].endswith("/body-too-large")
        assert response.json()["max_bytes"] == 1024

    async def test_a_chunked_body_is_stopped_at_the_limit(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/raw", content=_chunks(4096))
        assert response.status_code == 413
        assert response.json()["type"].endswith("/body-too-large")

    async def test_a_typed_body_over_the_limit_is_413_not_400(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/echo", content=_chunks(2048), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413

    async def test_multipart_gets_the_upload_limit(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/raw", files={"photo": ("a.jpg", b"x" * 2000)})
        assert response.json() == {"size": response.json()["size"]}
        assert response.json()["size"] > 2000

    async def test_an_oversized_header_block_is_refused_with_431(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/echo", json={"text": "x"}, headers={"x-big": "a" * 5000})
        assert response.status_code == 431
        assert response.json()["type"].endswith("/headers-too-large")
        assert response.headers["content-type"] == "application/problem+json"

    async def test_bodies_within_the_limits_pass(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/echo", json={"text": "bawang"})
        assert (response.status_code, response.json()) == (200, {"text": "bawang"})
