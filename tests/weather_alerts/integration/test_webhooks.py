"""Agency webhooks on the real stack: SSRF refusals at registration, signed deliveries that
survive a failing receiver with one webhook-id, dead-lettering, redelivery and secret rotation.

The test stack allow-lists exactly 127.0.0.1 over http (tests/support/stack_env.py), so the
receivers below are reachable; every other local address class stays refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from devstack.stack import Stack
from lumbung_weather_alerts.domain.webhooks import verify

from tests.support.clients import bearer
from tests.support.polling import eventually
from tests.weather_alerts.integration.conftest import agency_headers, observation
from tests.weather_alerts.integration.http_servers import FlakyReceiver

REFUSED = [
    ("loopback v4 outside the allow-list", "http://127.0.0.2/hook", "loopback"),
    ("loopback v6", "http://[::1]/hook", "loopback"),
    ("private 10/8", "http://10.0.0.5/hook", "private"),
    ("private 172.16/12", "http://172.16.3.4/hook", "private"),
    ("private 192.168/16", "http://192.168.1.10/hook", "private"),
    ("unique local v6", "http://[fd00::1]/hook", "private"),
    ("link-local metadata", "http://169.254.169.254/latest/meta-data", "link_local"),
    ("link-local v6", "http://[fe80::1]/hook", "link_local"),
    ("multicast v4", "http://224.0.0.251/hook", "multicast"),
    ("multicast v6", "http://[ff02::1]/hook", "multicast"),
    ("ipv4-mapped loopback", "http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("ipv4-mapped private", "http://[::ffff:10.0.0.1]/hook", "private"),
    ("ipv4-mapped link-local", "http://[::ffff:169.254.169.254]/hook", "link_local"),
    ("unspecified", "http://0.0.0.0/hook", "unspecified"),
    ("carrier-grade NAT", "http://100.64.0.1/hook", "shared_cgnat"),
    ("unresolvable name", "http://tidak-ada.invalid/hook", "unresolved"),
]
AGAINST_THE_STATED_PATTERN = [
    ("credentials in URL", "http://user:pw@127.0.0.1/hook"),
    ("not http", "ftp://127.0.0.1/hook"),
    ("port out of range", "http://127.0.0.1:70000/hook"),
]
"""Shapes the contract's `url` pattern already refuses, before the SSRF guard runs."""


async def register(
    stack: Stack, gateway: httpx.AsyncClient, url: str, prefixes: list[str], agency: str
) -> httpx.Response:
    return await gateway.post(
        "/v1/subscriptions",
        json={"url": url, "regency_prefixes": prefixes, "min_severity": "Moderate"},
        headers=agency_headers(stack, agency, regions=tuple(prefixes)),
    )


@pytest.fixture
async def receiver() -> AsyncIterator[FlakyReceiver]:
    server = FlakyReceiver(failures=0)
    await server.start()
    yield server
    await server.stop()


class TestRegistrationGuard:
    @pytest.mark.parametrize(("case", "url", "reason"), REFUSED)
    async def test_every_refused_address_class_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient, case: str, url: str, reason: str
    ) -> None:
        response = await register(stack, gateway, url, ["31"], "agency-ssrf")
        assert response.status_code == 422, (case, response.text)
        assert response.json()["reason"] == reason, case
        assert response.json()["message"]["en"].startswith("Webhook URL refused")

    @pytest.mark.parametrize(("case", "url"), AGAINST_THE_STATED_PATTERN)
    async def test_a_url_against_the_stated_pattern_is_a_field_error(
        self, stack: Stack, gateway: httpx.AsyncClient, case: str, url: str
    ) -> None:
        response = await register(stack, gateway, url, ["31"], "agency-ssrf")
        assert response.status_code == 422, (case, response.text)
        assert [error["field"] for error in response.json()["errors"]] == ["url"], case

    async def test_the_allow_listed_receiver_is_accepted_and_secret_shown_once(
        self, stack: Stack, gateway: httpx.AsyncClient, receiver: FlakyReceiver
    ) -> None:
        url = f"http://127.0.0.1:{receiver.port}/hook"
        created = await register(stack, gateway, url, ["31"], "agency-once")
        assert created.status_code == 201, created.text
        assert created.json()["secret"].startswith("whsec_")
        assert created.headers["cache-control"] == "no-store"
        listed = await gateway.get(
            "/v1/subscriptions", headers=agency_headers(stack, "agency-once")
        )
        assert all("secret" not in item for item in listed.json())

    async def test_only_agencies_register_and_others_see_404(
        self, stack: Stack, gateway: httpx.AsyncClient, receiver: FlakyReceiver
    ) -> None:
        url = f"http://127.0.0.1:{receiver.port}/hook"
        fisher = await gateway.post(
            "/v1/subscriptions",
            json={"url": url, "regency_prefixes": ["31"]},
            headers=bearer(stack, "fisher"),
        )
        assert fisher.status_code == 403
        mine = (await register(stack, gateway, url, ["31"], "agency-owner")).json()
        other = agency_headers(stack, "agency-stranger")
        assert (
            await gateway.get(f"/v1/subscriptions/{mine['id']}", headers=other)
        ).status_code == 404
        deliveries = await gateway.get(f"/v1/subscriptions/{mine['id']}/deliveries", headers=other)
        assert deliveries.status_code == 404


async def deliveries_of(
    stack: Stack, gateway: httpx.AsyncClient, subscription: dict[str, Any], agency: str
) -> list[dict[str, Any]]:
    response = await gateway.get(
        f"/v1/subscriptions/{subscription['id']}/deliveries",
        headers=agency_headers(stack, agency),
    )
    assert response.status_code == 200, response.text
    return list(response.json())


class TestDelivery:
    async def test_receiver_failing_three_times_gets_the_alert_once_in_effect(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        receiver = FlakyReceiver(failures=3, delay=0.05)
        await receiver.start()
        try:
            zone = await make_zone()
            prefix = zone["regency_codes"][0]
            subscription = (
                await register(
                    stack, gateway, f"http://127.0.0.1:{receiver.port}/h", [prefix], "agency-flaky"
                )
            ).json()
            issued = await gateway.post(
                "/v1/observations",
                json=observation(zone["id"], 2.8),
                headers=agency_headers(stack),
            )
            alert = issued.json()["alert"]

            async def delivered() -> list[dict[str, Any]] | None:
                found = await deliveries_of(stack, gateway, subscription, "agency-flaky")
                return found if found and found[0]["status"] == "delivered" else None

            (delivery,) = await eventually(delivered, within=30)
        finally:
            await receiver.stop()
        assert len(receiver.received) == 4
        assert {r.headers["webhook-id"] for r in receiver.received} == {delivery["webhook_id"]}
        assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 500, 200]
        assert all(a["latency_ms"] >= 50 for a in delivery["attempts"])  # the receiver's delay
        for request in receiver.received:
            verify([subscription["secret"]], request.headers, request.body, now=int(time.time()))
        body = json.loads(receiver.received[-1].body)
        assert body["type"] == "sea_alert.issued"
        assert body["data"]["cap"]["msgType"] == "Alert"
        assert body["data"]["cap"]["info"][0]["language"] == "id-ID"
        assert body["data"]["alert_id"] == delivery["alert_id"] == alert["id"]
        assert body["data"]["identifier"] == delivery["identifier"] == alert["identifier"]
        assert body["data"]["cap"]["identifier"] == alert["identifier"]
        assert body["data"]["cap_url"] == (
            f"{stack.url('gateway')}/v1/alerts/{alert['identifier']}/cap"
        )

    async def test_dead_lettered_after_the_last_attempt_then_redelivered(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        receiver = FlakyReceiver(failures=5)  # the test stack allows 5 attempts
        await receiver.start()
        try:
            zone = await make_zone()
            subscription = (
                await register(
                    stack,
                    gateway,
                    f"http://127.0.0.1:{receiver.port}/h",
                    zone["regency_codes"],
                    "agency-dead",
                )
            ).json()
            await gateway.post(
                "/v1/observations",
                json=observation(zone["id"], 3.0),
                headers=agency_headers(stack),
            )

            async def dead() -> dict[str, Any] | None:
                found = await deliveries_of(stack, gateway, subscription, "agency-dead")
                return found[0] if found and found[0]["status"] == "dead" else None

            delivery = await eventually(dead, within=40)
            assert delivery["attempt_count"] == 5
            again = await gateway.post(
                f"/v1/subscriptions/{subscription['id']}/deliveries/{delivery['id']}/redeliver",
                headers=agency_headers(stack, "agency-dead"),
            )
            assert again.status_code == 202

            async def delivered() -> dict[str, Any] | None:
                found = await deliveries_of(stack, gateway, subscription, "agency-dead")
                return found[0] if found[0]["status"] == "delivered" else None

            done = await eventually(delivered, within=20)
        finally:
            await receiver.stop()
        assert done["redeliveries"] == 1
        assert len(done["attempts"]) == 6
        assert {r.headers["webhook-id"] for r in receiver.received} == {delivery["webhook_id"]}

    async def test_rotated_secret_overlaps_with_the_old_one(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any, receiver: FlakyReceiver
    ) -> None:
        zone = await make_zone()
        agency = agency_headers(stack, "agency-rotate")
        subscription = (
            await register(
                stack,
                gateway,
                f"http://127.0.0.1:{receiver.port}/h",
                zone["regency_codes"],
                "agency-rotate",
            )
        ).json()
        rotated = await gateway.post(
            f"/v1/subscriptions/{subscription['id']}/secret/rotate", headers=agency
        )
        assert rotated.status_code == 200
        assert rotated.headers["cache-control"] == "no-store"
        new_secret = rotated.json()["secret"]
        await gateway.post(
            "/v1/observations", json=observation(zone["id"], 3.0), headers=agency_headers(stack)
        )

        async def got_one() -> bool | None:
            return True if receiver.received else None

        await eventually(got_one, within=20)
        request = receiver.received[0]
        now = int(time.time())
        verify([new_secret], request.headers, request.body, now=now)
        verify([subscription["secret"]], request.headers, request.body, now=now)
        assert len(request.headers["webhook-signature"].split()) == 2
