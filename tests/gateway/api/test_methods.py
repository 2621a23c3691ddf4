"""Specification: the gateway says which methods a path takes, its own paths and the services'.

On the gateway's own routes an undeclared method is 405 with the path's `Allow` (it was a 404
from the proxy's catch-all), `OPTIONS` is 204 with that `Allow`, and a path nobody has is 404.
A service's path goes to the service with whatever method came, so the service's 405 and
`Allow`, and its answer to `OPTIONS`, reach the caller as sent. HEAD goes on as a HEAD.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from lumbung_gateway.main import create_app
from lumbung_gateway.settings import GatewaySettings
from lumbung_shared.identity import IDENTITY_HEADER, verify_identity
from lumbung_shared.secrets import generate_secret

from tests.gateway.fake_upstreams import fake_gateway


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    """The real gateway app, not started: routing and its refusals need no store or service."""
    secret = generate_secret()
    app = create_app(GatewaySettings(internal_secret=secret, jwt_keys=f"k1:{secret[::-1]}"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        yield client


class TestTheGatewaysOwnPaths:
    async def test_an_undeclared_method_is_405_with_allow(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.put("/v1/auth/login", json={})

        assert response.status_code == 405
        assert response.headers["allow"] == "OPTIONS, POST"
        assert response.json()["type"] == "https://lumbung.id/problems/method-not-allowed"

    @pytest.mark.parametrize(
        ("path", "allow"),
        [
            ("/v1/auth/login", "OPTIONS, POST"),
            ("/v1/admin/api-keys", "GET, HEAD, OPTIONS, POST"),
            ("/v1/admin/api-keys/k1", "DELETE, OPTIONS"),
            ("/healthz", "GET, HEAD, OPTIONS"),
        ],
    )
    async def test_options_is_204_with_the_path_s_methods(
        self, gateway: httpx.AsyncClient, path: str, allow: str
    ) -> None:
        response = await gateway.options(path)

        assert (response.status_code, response.headers["allow"]) == (204, allow)

    @pytest.mark.parametrize("method", ["GET", "OPTIONS", "PUT"])
    async def test_a_path_nobody_has_is_404(self, gateway: httpx.AsyncClient, method: str) -> None:
        response = await gateway.request(method, "/v1/nowhere")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    async def test_head_is_the_get_without_its_body(self, gateway: httpx.AsyncClient) -> None:
        got, head = await gateway.get("/healthz"), await gateway.head("/healthz")

        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["content-length"] == got.headers["content-length"]

    async def test_malformed_json_is_400(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post(
            "/v1/auth/login", content=b'{"phone": ', headers={"content-type": "application/json"}
        )

        assert response.status_code == 400
        assert response.json()["type"] == "https://lumbung.id/problems/malformed-json"


def _only_get(request: httpx.Request) -> httpx.Response:
    """A service path that takes GET only: Starlette's 405 as the services send it."""
    if request.method == "OPTIONS":
        return httpx.Response(204, headers={"allow": "GET, HEAD, OPTIONS"})
    if request.method in {"GET", "HEAD"}:
        return httpx.Response(200, json={"listings": []}, headers={"etag": '"v7"'})
    return httpx.Response(
        405, json={"type": "method-not-allowed"}, headers={"allow": "GET, HEAD, OPTIONS"}
    )


class TestTheServicesPaths:
    async def test_the_service_s_405_and_allow_reach_the_caller(self) -> None:
        async with fake_gateway({"listings": _only_get}) as gateway:
            response = await gateway.client.put("/v1/catalogue/units", json={})

        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"

    async def test_options_is_answered_by_the_service(self) -> None:
        async with fake_gateway({"listings": _only_get}) as gateway:
            response = await gateway.client.options("/v1/catalogue/commodities")
            sent = gateway.services["listings"].received

        assert (response.status_code, response.headers["allow"]) == (204, "GET, HEAD, OPTIONS")
        assert [(r.method, r.url.path) for r in sent] == [("OPTIONS", "/v1/catalogue/commodities")]

    async def test_the_vessel_classes_are_asked_of_weather_alerts(self) -> None:
        async with fake_gateway() as gateway:
            await gateway.client.get("/v1/catalogue/vessel-classes")
            await gateway.client.get("/v1/catalogue/regions?parent=63")
            asked = {name: [r.url.path for r in s.received] for name, s in gateway.services.items()}

        assert asked["weather_alerts"] == ["/v1/catalogue/vessel-classes"]
        assert asked["listings"] == ["/v1/catalogue/regions"]

    async def test_head_goes_on_as_head_signed_as_the_get_it_is(self) -> None:
        async with fake_gateway({"listings": _only_get}) as gateway:
            got = await gateway.client.get("/v1/listings", headers=gateway.bearer("buyer"))
            head = await gateway.client.head("/v1/listings", headers=gateway.bearer("buyer"))
            sent = gateway.services["listings"].received[-1]

        assert sent.method == "HEAD"
        verify_identity(
            sent.headers[IDENTITY_HEADER],
            gateway.internal_secret,
            audience="listings",
            method="GET",
            path="/v1/listings",
        )
        assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", '"v7"')
        assert head.headers["content-length"] == got.headers["content-length"]
