"""Specification: admins reach each service's dead letters through the gateway by its name.

The request goes to that service's `/v1/admin/dead-letters…` signed with the admin's identity
for exactly that path; anyone else, or an unknown service, never reaches a service.
"""

from __future__ import annotations

import httpx
from lumbung_shared.identity import IDENTITY_HEADER, Role, verify_identity

from tests.gateway.fake_upstreams import FakeGateway, fake_gateway, refuse_connection

UPSTREAM = "/v1/admin/dead-letters"
LETTER = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
"""A dead letter's id as the services make them (32 hex digits); the gateway declares the same."""


def _signed_for(gateway: FakeGateway, request: httpx.Request, service: str) -> Role:
    """The role the service sees, verified as the service verifies it (audience, method, path)."""
    identity = verify_identity(
        request.headers[IDENTITY_HEADER],
        gateway.internal_secret,
        audience=service,
        method=request.method,
        path=request.url.path,
    )
    return identity.role


class TestAdminReachesTheNamedService:
    async def test_the_list_goes_to_that_service_with_its_filters(self) -> None:
        async with fake_gateway() as gateway:
            response = await gateway.client.get(
                "/v1/admin/dead-letters/orders",
                params={"cursor": "abc", "limit": 5, "consumer_group": "orders.saga"},
                headers=gateway.bearer("admin"),
            )

            assert response.status_code == 200, response.text
            assert response.json() == {"path": UPSTREAM}
            (sent,) = gateway.services["orders"].received
            assert sent.method == "GET"
            assert sent.url.path == UPSTREAM
            assert dict(sent.url.params) == {
                "cursor": "abc",
                "limit": "5",
                "consumer_group": "orders.saga",
            }
            assert _signed_for(gateway, sent, "orders") is Role.ADMIN
            assert gateway.services["listings"].received == []
            assert gateway.services["weather_alerts"].received == []

    async def test_absent_filters_are_not_sent(self) -> None:
        async with fake_gateway() as gateway:
            response = await gateway.client.get(
                "/v1/admin/dead-letters/listings", headers=gateway.bearer("admin")
            )

            assert response.status_code == 200, response.text
            (sent,) = gateway.services["listings"].received
            assert str(sent.url.query, "ascii") == ""

    async def test_one_dead_letter_and_its_replay(self) -> None:
        async with fake_gateway() as gateway:
            admin = gateway.bearer("admin")
            one = await gateway.client.get(
                f"/v1/admin/dead-letters/weather_alerts/{LETTER}", headers=admin
            )
            replay = await gateway.client.post(
                f"/v1/admin/dead-letters/weather_alerts/{LETTER}/replay", headers=admin
            )

            assert (one.status_code, replay.status_code) == (200, 200)
            first, second = gateway.services["weather_alerts"].received
            assert (first.method, first.url.path) == ("GET", f"{UPSTREAM}/{LETTER}")
            assert (second.method, second.url.path) == ("POST", f"{UPSTREAM}/{LETTER}/replay")
            assert _signed_for(gateway, second, "weather_alerts") is Role.ADMIN

    async def test_the_service_answer_passes_through(self) -> None:
        def missing(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                404,
                json={"type": "https://lumbung.id/problems/not-found", "status": 404},
                headers={"content-type": "application/problem+json"},
            )

        async with fake_gateway({"orders": missing}) as gateway:
            response = await gateway.client.get(
                f"/v1/admin/dead-letters/orders/{LETTER}", headers=gateway.bearer("admin")
            )

            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["status"] == 404


class TestOnlyAdminsAndKnownServices:
    async def test_an_unknown_service_is_a_404_problem(self) -> None:
        async with fake_gateway() as gateway:
            response = await gateway.client.get(
                "/v1/admin/dead-letters/payments", headers=gateway.bearer("admin")
            )

            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/not-found")
            assert all(not fake.received for fake in gateway.services.values())

    async def test_a_buyer_is_forbidden_and_nobody_anonymous_gets_in(self) -> None:
        async with fake_gateway() as gateway:
            buyer = await gateway.client.post(
                f"/v1/admin/dead-letters/orders/{LETTER}/replay", headers=gateway.bearer("buyer")
            )
            anonymous = await gateway.client.get("/v1/admin/dead-letters/orders")

            assert buyer.status_code == 403
            assert anonymous.status_code == 401
            assert all(not fake.received for fake in gateway.services.values())

    async def test_a_buyer_asking_for_an_unknown_service_learns_nothing_about_it(self) -> None:
        async with fake_gateway() as gateway:
            response = await gateway.client.get(
                "/v1/admin/dead-letters/payments", headers=gateway.bearer("buyer")
            )

            assert response.status_code == 403

    async def test_parameters_are_bounded(self) -> None:
        async with fake_gateway() as gateway:
            admin = gateway.bearer("admin")
            too_many = await gateway.client.get(
                "/v1/admin/dead-letters/orders", params={"limit": 101}, headers=admin
            )
            odd_group = await gateway.client.get(
                "/v1/admin/dead-letters/orders", params={"consumer_group": "a&b"}, headers=admin
            )
            odd_id = await gateway.client.get("/v1/admin/dead-letters/orders/a%20b", headers=admin)

            assert [too_many.status_code, odd_group.status_code, odd_id.status_code] == [422] * 3
            assert all(not fake.received for fake in gateway.services.values())


class TestServiceDown:
    async def test_a_stopped_service_answers_503_with_retry_after(self) -> None:
        async with fake_gateway({"listings": refuse_connection}) as gateway:
            response = await gateway.client.get(
                "/v1/admin/dead-letters/listings", headers=gateway.bearer("admin")
            )

            assert response.status_code == 503
            assert response.headers["content-type"] == "application/problem+json"
            body = response.json()
            assert body["type"].endswith("/upstream-unavailable")
            assert body["upstream"] == "listings"
            assert int(response.headers["retry-after"]) >= 1
