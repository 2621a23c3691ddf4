"""Specification: an agency acts only for its regions, through the gateway on the real stack.

Two callers stand for one regency's agency, Hulu Sungai Utara (`63.08`): an access token of an
agency account scoped to it, and an API key an admin issued for it. Each may report sea
conditions only for zones whose regencies all lie in `63.08` and subscribe only to prefixes at
or inside `63.08`; a foreign zone or prefix is 403 problem+json and changes nothing: no alert
issued, none cancelled. Another agency's subscription does not exist for it (404). Alerts
issued here are cancelled before each test ends (the suite shares one stack).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack

from tests.support.clients import bearer
from tests.support.mongo import database
from tests.support.polling import eventually
from tests.weather_alerts.integration.conftest import (
    AGENCY_SCOPE,
    Headers,
    agency_headers,
    observation,
    unique_regency,
)
from tests.weather_alerts.integration.http_servers import FlakyReceiver

SCOPE = AGENCY_SCOPE  # both `scoped` callers (conftest) act for this regency only


def assert_out_of_scope(response: httpx.Response, outside: list[str]) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/region-out-of-scope")
    assert problem["message"]["id"]
    assert problem["message"]["en"]
    assert problem["message"]["id"] != problem["message"]["en"]
    assert problem["regions_outside"] == outside


async def alerts_of(gateway: httpx.AsyncClient, zone_id: str) -> list[dict[str, Any]]:
    response = await gateway.get("/v1/alerts", params={"zone": zone_id})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def calm_down(stack: Stack, gateway: httpx.AsyncClient, zone_id: str) -> None:
    """Cancel the zone's alert (as admin) if one is in force: leave the shared stack calm."""
    if any(alert["active"] for alert in await alerts_of(gateway, zone_id)):
        calm = observation(zone_id, 0.3, wind_speed_knots=4)
        response = await gateway.post("/v1/observations", json=calm, headers=bearer(stack, "admin"))
        assert response.json()["outcome"] == "cancelled", response.text


class TestReportingObservations:
    async def test_a_storm_report_for_a_foreign_zone_is_refused_and_issues_no_alert(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any, scoped: Headers
    ) -> None:
        papua = await make_zone([unique_regency()])
        response = await gateway.post(
            "/v1/observations", json=observation(papua["id"], 2.8), headers=scoped
        )
        assert_out_of_scope(response, papua["regency_codes"])
        assert await alerts_of(gateway, papua["id"]) == []
        async with database(stack, "weather_alerts") as db:
            assert await db.observations.count_documents({"zone_id": papua["id"]}) == 0

    async def test_a_calm_report_for_a_foreign_zone_cancels_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any, scoped: Headers
    ) -> None:
        papua = await make_zone([unique_regency()])
        storm = await gateway.post(
            "/v1/observations", json=observation(papua["id"], 2.8), headers=bearer(stack, "admin")
        )
        assert storm.json()["outcome"] == "issued", storm.text
        try:
            calm = observation(papua["id"], 0.3, wind_speed_knots=4)
            response = await gateway.post("/v1/observations", json=calm, headers=scoped)
            assert_out_of_scope(response, papua["regency_codes"])
            (alert,) = await alerts_of(gateway, papua["id"])
            assert (alert["active"], alert["msg_type"]) == (True, "Alert")
            assert alert["identifier"] == storm.json()["alert"]["identifier"]
        finally:
            await calm_down(stack, gateway, papua["id"])

    async def test_a_zone_reaching_beyond_the_scope_is_refused(
        self, gateway: httpx.AsyncClient, make_zone: Any, scoped: Headers
    ) -> None:
        """The zone's alert would also warn a regency the agency does not answer for."""
        neighbour = unique_regency()
        shared = await make_zone([SCOPE, neighbour])
        response = await gateway.post(
            "/v1/observations", json=observation(shared["id"], 2.8), headers=scoped
        )
        assert_out_of_scope(response, [neighbour])
        assert await alerts_of(gateway, shared["id"]) == []

    async def test_its_own_zone_is_reported_storm_and_calm(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any, scoped: Headers
    ) -> None:
        own = await make_zone([SCOPE])
        try:
            storm = await gateway.post(
                "/v1/observations", json=observation(own["id"], 2.8), headers=scoped
            )
            assert storm.status_code == 201, storm.text
            assert storm.json()["outcome"] == "issued"
            calm = observation(own["id"], 0.3, wind_speed_knots=4)
            calmed = await gateway.post("/v1/observations", json=calm, headers=scoped)
            assert calmed.json()["outcome"] == "cancelled", calmed.text
        finally:
            await calm_down(stack, gateway, own["id"])

    async def test_an_agency_without_regions_reports_for_no_zone(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        own = await make_zone([SCOPE])
        response = await gateway.post(
            "/v1/observations",
            json=observation(own["id"], 2.8),
            headers=agency_headers(stack, regions=()),
        )
        assert_out_of_scope(response, [SCOPE])
        assert await alerts_of(gateway, own["id"]) == []


Register = Callable[[Headers, list[str]], Awaitable[httpx.Response]]


@pytest.fixture
async def register(gateway: httpx.AsyncClient) -> AsyncIterator[Register]:
    """Register webhooks (to a receiver nothing listens on); deletes what it made afterwards."""
    made: list[tuple[str, Headers]] = []

    async def create(headers: Headers, prefixes: list[str]) -> httpx.Response:
        response = await gateway.post(
            "/v1/subscriptions",
            json={"url": "http://127.0.0.1:9/cap", "regency_prefixes": prefixes},
            headers=headers,
        )
        if response.status_code == 201:
            made.append((response.json()["id"], headers))
        return response

    yield create
    for subscription_id, headers in made:
        await gateway.delete(f"/v1/subscriptions/{subscription_id}", headers=headers)


class TestSubscribing:
    @pytest.mark.parametrize("prefixes", [[SCOPE], [f"{SCOPE}.01"], [SCOPE, f"{SCOPE}.02"]])
    async def test_prefixes_at_or_inside_its_regions_are_accepted(
        self, register: Register, scoped: Headers, prefixes: list[str]
    ) -> None:
        response = await register(scoped, prefixes)
        assert response.status_code == 201, response.text
        assert response.json()["regency_prefixes"] == sorted(prefixes)

    @pytest.mark.parametrize(
        ("prefixes", "outside"),
        [
            (["63"], ["63"]),  # the whole province: wider than its regency
            (["81.05"], ["81.05"]),  # another province's regency
            (["00"], ["00"]),  # no region at all
            ([SCOPE, "94.98"], ["94.98"]),  # one foreign prefix spoils the request
        ],
    )
    async def test_foreign_or_wider_prefixes_are_refused_and_nothing_is_stored(
        self,
        gateway: httpx.AsyncClient,
        register: Register,
        scoped: Headers,
        prefixes: list[str],
        outside: list[str],
    ) -> None:
        before = (await gateway.get("/v1/subscriptions", headers=scoped)).json()
        assert_out_of_scope(await register(scoped, prefixes), outside)
        after = (await gateway.get("/v1/subscriptions", headers=scoped)).json()
        assert after == before

    async def test_an_admin_subscribes_to_any_prefix(
        self, stack: Stack, register: Register
    ) -> None:
        response = await register(bearer(stack, "admin"), ["63", "81.05"])
        assert response.status_code == 201, response.text


class TestOwnSubscriptionsOnly:
    async def test_each_agency_lists_only_its_own(
        self, stack: Stack, gateway: httpx.AsyncClient, register: Register, agency_key: Headers
    ) -> None:
        token = agency_headers(stack, f"bpbd-hsu-{uuid4().hex[:8]}", regions=(SCOPE,))
        by_token = (await register(token, [SCOPE])).json()["id"]
        by_key = (await register(agency_key, [SCOPE])).json()["id"]
        listed_by_token = (await gateway.get("/v1/subscriptions", headers=token)).json()
        listed_by_key = (await gateway.get("/v1/subscriptions", headers=agency_key)).json()
        assert [s["id"] for s in listed_by_token] == [by_token]
        assert by_key in {s["id"] for s in listed_by_key}
        assert by_token not in {s["id"] for s in listed_by_key}

    async def test_another_agencys_subscription_is_not_found_for_every_action(
        self, stack: Stack, gateway: httpx.AsyncClient, register: Register, agency_key: Headers
    ) -> None:
        owner = agency_headers(stack, f"bpbd-hsu-{uuid4().hex[:8]}", regions=(SCOPE,))
        path = f"/v1/subscriptions/{(await register(owner, [SCOPE])).json()['id']}"
        attempts = [
            ("GET", path),
            ("DELETE", path),
            ("POST", f"{path}/secret/rotate"),
            ("GET", f"{path}/deliveries"),
            ("POST", f"{path}/deliveries/{uuid4().hex}/redeliver"),  # a well-formed id
        ]
        for method, url in attempts:
            response = await gateway.request(method, url, headers=agency_key)
            assert response.status_code == 404, (method, url, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        still = await gateway.get(path, headers=owner)
        assert (still.status_code, still.json()["secret_count"]) == (200, 1)
        assert (await gateway.get(path, headers=bearer(stack, "admin"))).status_code == 200


class TestDeliveriesFollowTheSubscription:
    async def test_only_the_owner_reads_and_redelivers_its_deliveries(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any, agency_key: Headers
    ) -> None:
        owner = agency_headers(stack, f"bpbd-hsu-{uuid4().hex[:8]}", regions=(SCOPE,))
        own = await make_zone([SCOPE])
        receiver = FlakyReceiver(failures=0)
        await receiver.start()
        subscription = await gateway.post(
            "/v1/subscriptions",
            json={"url": f"http://127.0.0.1:{receiver.port}/cap", "regency_prefixes": [SCOPE]},
            headers=owner,
        )
        assert subscription.status_code == 201, subscription.text
        path = f"/v1/subscriptions/{subscription.json()['id']}"
        storm = await gateway.post(
            "/v1/observations", json=observation(own["id"], 2.8), headers=owner
        )
        try:
            assert storm.json()["outcome"] == "issued", storm.text
            identifier = storm.json()["alert"]["identifier"]

            async def delivered() -> dict[str, Any] | None:
                found = (await gateway.get(f"{path}/deliveries", headers=owner)).json()
                mine = [d for d in found if d["identifier"] == identifier]
                return mine[0] if mine and mine[0]["status"] == "delivered" else None

            delivery = await eventually(delivered, within=30)
            redeliver = f"{path}/deliveries/{delivery['id']}/redeliver"
            assert (await gateway.get(f"{path}/deliveries", headers=agency_key)).status_code == 404
            assert (await gateway.post(redeliver, headers=agency_key)).status_code == 404
            again = await gateway.post(redeliver, headers=owner)
            assert (again.status_code, again.json()["redeliveries"]) == (202, 1)

            # The sea calms: the receiver hears the Cancel before it goes away.
            await calm_down(stack, gateway, own["id"])

            async def cancel_received() -> bool | None:
                return (
                    True
                    if any(b"sea_alert.cancelled" in r.body for r in receiver.received)
                    else None
                )

            await eventually(cancel_received, within=30)
        finally:
            await calm_down(stack, gateway, own["id"])
            await gateway.delete(path, headers=owner)
            await receiver.stop()
