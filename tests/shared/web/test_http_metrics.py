"""Specification: every HTTP request is counted and timed under a bounded set of labels.

The route label is the matched route's template, never the path: a thousand made-up paths are
one `unmatched` series, a thousand ids one template's. Methods are the standard ones or
`other`, statuses their class; a HEAD is counted as HEAD; time is to the response's start.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from lumbung_shared.web.http_metrics import (
    ROUTE_TEMPLATE_SCOPE_KEY,
    HttpMetricsMiddleware,
    status_class,
)
from lumbung_shared.web.methods import HeadAsGetMiddleware
from lumbung_shared.web.problems import install_problem_handlers
from prometheus_client import CollectorRegistry
from starlette.types import Message, Receive, Scope, Send

REQUESTS = "lumbung_http_requests_total"
DURATION_COUNT = "lumbung_http_request_duration_seconds_count"

orders = APIRouter(prefix="/v1/orders")


@orders.get("/{order_id}")
async def read_order(order_id: str) -> dict[str, str]:
    if order_id == "missing":
        raise HTTPException(404)
    return {"id": order_id}


@orders.post("", status_code=201)
async def place_order() -> dict[str, str]:
    return {"id": "o1"}


@orders.get("/{order_id}/fail")
async def fail(order_id: str) -> dict[str, str]:
    raise RuntimeError("a bug")


def _app(registry: CollectorRegistry) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(orders)
    app.add_middleware(HttpMetricsMiddleware, registry=registry, service="orders")
    app.add_middleware(HeadAsGetMiddleware)
    return app


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
async def client(registry: CollectorRegistry) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(registry), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://orders.test") as client:
        yield client


def requests(registry: CollectorRegistry, method: str, route: str, status: str) -> float | None:
    labels = {"service": "orders", "method": method, "route": route, "status_class": status}
    return registry.get_sample_value(REQUESTS, labels)


def series(registry: CollectorRegistry) -> int:
    """Samples of the two HTTP families: each label set adds its own."""
    return sum(
        len(family.samples)
        for family in registry.collect()
        if family.name.startswith("lumbung_http_")
    )


class TestRouteLabel:
    async def test_is_the_route_template_not_the_path(
        self, client: httpx.AsyncClient, registry: CollectorRegistry
    ) -> None:
        for order_id in ("o-1", "o-2", "0123456789abcdef0123"):
            assert (await client.get(f"/v1/orders/{order_id}")).status_code == 200

        assert requests(registry, "GET", "/v1/orders/{order_id}", "2xx") == 3
        duration = {"service": "orders", "method": "GET", "route": "/v1/orders/{order_id}"}
        assert registry.get_sample_value(DURATION_COUNT, duration) == 3

    async def test_a_thousand_unknown_paths_add_no_series(
        self, client: httpx.AsyncClient, registry: CollectorRegistry
    ) -> None:
        await client.get("/nowhere/0")
        before = series(registry)

        for i in range(1, 1001):
            assert (await client.get(f"/nowhere/{i}?q={i}")).status_code == 404

        assert series(registry) == before
        assert requests(registry, "GET", "unmatched", "4xx") == 1001

    async def test_a_method_the_path_does_not_take_is_unmatched(
        self, client: httpx.AsyncClient, registry: CollectorRegistry
    ) -> None:
        assert (await client.delete("/v1/orders/o-1")).status_code == 405

        assert requests(registry, "DELETE", "unmatched", "4xx") == 1
        assert requests(registry, "DELETE", "/v1/orders/{order_id}", "4xx") is None

    async def test_a_catch_all_route_may_name_the_template_it_served(self) -> None:
        registry = CollectorRegistry()

        async def proxy(scope: Scope, receive: Receive, send: Send) -> None:
            scope[ROUTE_TEMPLATE_SCOPE_KEY] = "/v1/orders/{path:path}"
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        app = HttpMetricsMiddleware(proxy, registry=registry, service="orders")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://orders.test") as c:
            await c.get("/v1/orders/o-1/lines/2")

        assert requests(registry, "GET", "/v1/orders/{path:path}", "2xx") == 1


class TestMethodLabel:
    async def test_a_head_is_counted_as_head_on_the_get_s_route(
        self, client: httpx.AsyncClient, registry: CollectorRegistry
    ) -> None:
        assert (await client.head("/v1/orders/o-1")).status_code == 200

        assert requests(registry, "HEAD", "/v1/orders/{order_id}", "2xx") == 1
        assert requests(registry, "GET", "/v1/orders/{order_id}", "2xx") is None

    async def test_a_made_up_method_is_other(
        self, client: httpx.AsyncClient, registry: CollectorRegistry
    ) -> None:
        for method in ("PROPFIND", "BREW", "X-ANYTHING"):
            await client.request(method, "/v1/orders/o-1")

        assert requests(registry, "other", "unmatched", "4xx") == 3


class TestStatusClass:
    async def test_each_answer_counts_under_its_class(
        self, client: httpx.AsyncClient, registry: CollectorRegistry
    ) -> None:
        assert (await client.post("/v1/orders")).status_code == 201
        assert (await client.get("/v1/orders/missing")).status_code == 404
        assert (await client.get("/v1/orders/o-1/fail")).status_code == 500

        assert requests(registry, "POST", "/v1/orders", "2xx") == 1
        assert requests(registry, "GET", "/v1/orders/{order_id}", "4xx") == 1
        assert requests(registry, "GET", "/v1/orders/{order_id}/fail", "5xx") == 1

    @pytest.mark.parametrize(
        ("status", "label"), [(101, "1xx"), (204, "2xx"), (304, "3xx"), (429, "4xx"), (503, "5xx")]
    )
    def test_classes(self, status: int, label: str) -> None:
        assert status_class(status) == label


class TestDuration:
    async def test_is_the_time_to_the_response_start_not_to_the_stream_s_end(self) -> None:
        """An event stream stays open for minutes; its latency is when its headers left."""
        registry = CollectorRegistry()
        stream_ends = asyncio.Event()
        started = asyncio.Event()

        async def stream(scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            started.set()
            await stream_ends.wait()
            await send({"type": "http.response.body", "body": b""})

        async def sent(message: Message) -> None:
            return None

        async def nothing_more() -> Message:
            await asyncio.Event().wait()
            return {"type": "http.disconnect"}

        app = HttpMetricsMiddleware(stream, registry=registry, service="orders")
        scope = {"type": "http", "method": "GET", "path": "/v1/stream", "headers": []}
        serving = asyncio.create_task(app(scope, nothing_more, sent))
        await started.wait()

        recorded = registry.get_sample_value(
            DURATION_COUNT, {"service": "orders", "method": "GET", "route": "unmatched"}
        )
        stream_ends.set()
        await serving

        assert recorded == 1
