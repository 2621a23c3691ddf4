"""Specification: every request runs under one correlation id, echoed back, and is logged once.

The caller's `X-Correlation-Id` (else `X-Request-Id`) is kept when well-formed; anything else
gets a fresh id. The access log line is only built when `lumbung.access` logs at INFO.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from lumbung_shared.observability import correlation_id
from lumbung_shared.web.middleware import CorrelationMiddleware

FRESH_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.add_middleware(CorrelationMiddleware)

    @app.get("/seen")
    async def seen() -> dict[str, str]:
        return {"correlation_id": correlation_id()}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        yield client


class TestCorrelationId:
    async def test_the_callers_id_is_used_and_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/seen", headers={"X-Correlation-Id": "tap-42"})

        assert response.json() == {"correlation_id": "tap-42"}
        assert response.headers["x-correlation-id"] == "tap-42"

    async def test_a_request_id_serves_when_no_correlation_id_came(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/seen", headers={"X-Request-Id": "req-7"})

        assert response.json() == {"correlation_id": "req-7"}

    async def test_the_correlation_id_wins_over_the_request_id(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = {"X-Request-Id": "req-7", "X-Correlation-Id": "tap-42"}
        response = await client.get("/seen", headers=headers)

        assert response.json() == {"correlation_id": "tap-42"}

    async def test_a_malformed_id_is_replaced_by_a_fresh_one(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = {"X-Correlation-Id": "<script>", "X-Request-Id": "x" * 200}
        response = await client.get("/seen", headers=headers)

        fresh = response.headers["x-correlation-id"]
        assert FRESH_ID.match(fresh)
        assert response.json() == {"correlation_id": fresh}


class TestAccessLog:
    async def test_one_line_per_request_at_info(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.INFO, logger="lumbung.access"):
            await client.get("/seen?x=1", headers={"X-Correlation-Id": "tap-42"})

        (line,) = [r for r in caplog.records if r.name == "lumbung.access"]
        assert (line.method, line.path, line.status) == ("GET", "/seen", 200)  # type: ignore[attr-defined]
        assert line.ms >= 0  # type: ignore[attr-defined]

    async def test_nothing_is_logged_above_info(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger="lumbung.access"):
            response = await client.get("/seen")

        assert response.status_code == 200
        assert [r for r in caplog.records if r.name == "lumbung.access"] == []
