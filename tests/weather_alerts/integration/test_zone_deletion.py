"""Specification: a zone with an alert in force cannot be deleted, through the gateway on the
real stack. The delete is refused (409 problem+json `zone-has-active-alert` naming the alert,
in Indonesian and English) and changes nothing; once the alert is ended (a calm report), the
zone can be deleted, and no alert is left in force for a zone that no longer exists."""

from __future__ import annotations

from typing import Any

import httpx
from devstack.stack import Stack

from tests.support.clients import bearer
from tests.weather_alerts.integration.conftest import agency_headers, observation


async def report(stack: Stack, gateway: httpx.AsyncClient, zone_id: str, height: float) -> Any:
    response = await gateway.post(
        "/v1/observations",
        json=observation(zone_id, height, wind_speed_knots=4 if height < 1 else 12),
        headers=agency_headers(stack),
    )
    assert response.status_code == 201, response.text
    return response.json()


class TestDeletingAZone:
    async def test_refused_while_an_alert_is_in_force_and_nothing_changes(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        admin = bearer(stack, "admin")
        zone = await make_zone()
        alert = (await report(stack, gateway, zone["id"], 3.0))["alert"]

        refused = await gateway.delete(f"/v1/zones/{zone['id']}", headers=admin)

        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["type"].endswith("/zone-has-active-alert")
        assert problem["alert_ids"] == [alert["id"]]
        assert problem["identifiers"] == [alert["identifier"]]
        assert problem["message"]["id"] != problem["message"]["en"]
        assert "alert" in problem["message"]["en"]
        assert (await gateway.get(f"/v1/zones/{zone['id']}")).status_code == 200
        detail = (await gateway.get(f"/v1/alerts/{alert['id']}")).json()
        assert (detail["status"], detail["active"], detail["version"]) == ("active", True, 1)

        calmed = await report(stack, gateway, zone["id"], 0.3)  # leave the stack calm
        assert calmed["outcome"] == "cancelled"

    async def test_allowed_once_the_alert_is_ended_and_the_alert_stays_ended(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        admin = bearer(stack, "admin")
        zone = await make_zone()
        alert = (await report(stack, gateway, zone["id"], 3.0))["alert"]
        assert (await report(stack, gateway, zone["id"], 0.3))["outcome"] == "cancelled"

        deleted = await gateway.delete(f"/v1/zones/{zone['id']}", headers=admin)

        assert deleted.status_code == 204, deleted.text
        assert (await gateway.get(f"/v1/zones/{zone['id']}")).status_code == 404
        detail = (await gateway.get(f"/v1/alerts/{alert['id']}")).json()
        assert (detail["status"], detail["active"]) == ("cancelled", False)
        listed = await gateway.get("/v1/alerts", params={"zone": zone["id"], "active": "true"})
        assert listed.json()["items"] == []

    async def test_a_zone_without_alerts_is_deleted_and_a_second_delete_is_404(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        admin = bearer(stack, "admin")
        zone = await make_zone()
        assert (await gateway.delete(f"/v1/zones/{zone['id']}", headers=admin)).status_code == 204
        again = await gateway.delete(f"/v1/zones/{zone['id']}", headers=admin)
        assert again.status_code == 404
