"""Specification: the services' paths are served by `ProxyRoute`, matched before any other route.

It claims every method on a path a service owns (the service knows which methods it takes);
everything else goes on to the gateway's own routes, and an app where a gateway route lies under
a service's path is refused when built.
"""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from lumbung_gateway.api.proxy_route import ProxyRoute, include_routes
from lumbung_gateway.main import create_app
from lumbung_gateway.settings import GatewaySettings
from lumbung_shared.identity import IDENTITY_HEADER, verify_identity
from lumbung_shared.secrets import generate_secret
from starlette.routing import Match

from tests.gateway.fake_upstreams import fake_gateway


def _scope(method: str, path: str) -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


class TestWhatItClaims:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/v1/listings"),
            ("GET", "/v1/listings/abc/photos/1"),
            ("POST", "/v1/orders"),
            ("PATCH", "/v1/subscriptions/s1"),
            ("DELETE", "/v1/alerts/a1"),
            ("OPTIONS", "/v1/orders"),  # the service answers which methods the path takes
            ("PUT", "/v1/listings"),  # and 405 with `Allow` for one it does not take
            ("TRACE", "/v1/zones/z1"),
            ("GET", "/v1/catalogue/commodities"),
        ],
    )
    def test_a_services_path_with_any_method(self, method: str, path: str) -> None:
        assert ProxyRoute().matches(_scope(method, path))[0] is Match.FULL

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/v1/ordersx"),  # whole segments only: nobody's path
            ("POST", "/v1/auth/login"),
            ("GET", "/v1/admin/dead-letters/orders"),
            ("GET", "/healthz"),
        ],
    )
    def test_nothing_else(self, method: str, path: str) -> None:
        assert ProxyRoute().matches(_scope(method, path))[0] is Match.NONE

    def test_a_websocket_is_not_claimed(self) -> None:
        scope = {**_scope("GET", "/v1/alerts/stream"), "type": "websocket"}
        assert ProxyRoute().matches(scope)[0] is Match.NONE


class TestInstalling:
    def test_the_gateway_app_tries_it_first_and_has_no_other_route_for_v1_paths(self) -> None:
        secret = generate_secret()
        app = create_app(GatewaySettings(internal_secret=secret, jwt_keys=f"k1:{secret[::-1]}"))
        first, *rest = app.router.routes
        assert isinstance(first, ProxyRoute)
        assert all(route.matches(_scope("GET", "/v1/nowhere"))[0] is Match.NONE for route in rest)

    @pytest.mark.parametrize("path", ["/v1/listings/featured", "/v1/{anything}"])
    def test_a_gateway_route_under_a_services_path_is_refused(self, path: str) -> None:
        """Matched first, the proxy would hide it: building such an app fails instead."""
        router = APIRouter()
        router.add_api_route(path, lambda: None, methods=["GET"])
        with pytest.raises(RuntimeError, match="under a service's path"):
            include_routes(FastAPI(), [router])


class TestAnswers:
    async def test_a_request_is_forwarded_signed_for_its_service_method_and_path(self) -> None:
        async with fake_gateway() as gateway:
            answer = await gateway.client.delete(
                "/v1/alerts/a1?why=test", headers=gateway.bearer("admin", "admin-7")
            )
            sent = gateway.services["weather_alerts"].received[-1]

        assert answer.status_code == 200
        assert sent.url.raw_path == b"/v1/alerts/a1?why=test"
        who = verify_identity(
            sent.headers[IDENTITY_HEADER],
            gateway.internal_secret,
            audience="weather_alerts",
            method="DELETE",
            path="/v1/alerts/a1",
        )
        assert who.subject == "admin-7"

    async def test_a_bad_token_is_a_401_problem_and_nothing_is_sent(self) -> None:
        async with fake_gateway() as gateway:
            answer = await gateway.client.get(
                "/v1/listings", headers={"Authorization": "Bearer nonsense"}
            )
            received = gateway.services["listings"].received

        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].endswith("/invalid-token")
        assert received == []

    async def test_another_method_on_a_services_path_is_sent_to_the_service(self) -> None:
        async with fake_gateway() as gateway:
            answer = await gateway.client.put("/v1/listings")
            sent = gateway.services["listings"].received

        assert answer.status_code == 200  # the fake service takes every method
        assert [(r.method, r.url.path) for r in sent] == [("PUT", "/v1/listings")]

    async def test_a_path_no_service_owns_is_a_404_problem(self) -> None:
        async with fake_gateway() as gateway:
            answer = await gateway.client.get("/v1/ordersx")

        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
