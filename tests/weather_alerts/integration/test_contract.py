"""What a client learns from the contract holds on a running stack: links in feeds, CAP and
webhooks start with the configured public URL (the stack's own gateway, not production), and
the vessel-class catalogue is published through the gateway."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import httpx
from devstack.stack import Stack

from tests.weather_alerts.integration.conftest import agency_headers, observation

ATOM_NS = "{http://www.w3.org/2005/Atom}"
CAP_NS = "{urn:oasis:names:tc:emergency:cap:1.2}"


async def issue(stack: Stack, gateway: httpx.AsyncClient, zone_id: str) -> dict[str, Any]:
    response = await gateway.post(
        "/v1/observations", json=observation(zone_id, 3.1), headers=agency_headers(stack)
    )
    assert response.status_code == 201, response.text
    alert: dict[str, Any] = response.json()["alert"]
    return alert


class TestPublicLinks:
    async def test_cap_url_names_the_stacks_gateway_and_serves_cap_whatever_accept_says(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        alert = await issue(stack, gateway, (await make_zone())["id"])
        detail = (await gateway.get(f"/v1/alerts/{alert['id']}")).json()
        assert detail["cap_url"] == (f"{stack.url('gateway')}/v1/alerts/{alert['identifier']}/cap")
        cap = await gateway.get(detail["cap_url"], headers={"Accept": "application/json"})
        assert cap.status_code == 200
        assert cap.headers["content-type"].startswith("application/cap+xml")
        negotiated = await gateway.get(
            f"/v1/alerts/{alert['identifier']}", headers={"Accept": "application/cap+xml"}
        )
        assert cap.content == negotiated.content
        assert cap.headers["etag"] == negotiated.headers["etag"]


class TestCapRoute:
    async def test_the_chain_id_gives_the_latest_message(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        alert = await issue(stack, gateway, (await make_zone())["id"])
        cap = await gateway.get(f"/v1/alerts/{alert['id']}/cap")
        identifier = ET.fromstring(cap.content).find(f"{CAP_NS}identifier")  # noqa: S314
        assert identifier is not None
        assert identifier.text == alert["identifier"]

    async def test_a_current_copy_is_answered_304_with_its_validators(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        alert = await issue(stack, gateway, (await make_zone())["id"])
        first = await gateway.get(f"/v1/alerts/{alert['identifier']}/cap")
        again = await gateway.get(
            f"/v1/alerts/{alert['identifier']}/cap",
            headers={"If-None-Match": first.headers["etag"]},
        )
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == first.headers["etag"]

    async def test_an_unknown_alert_is_a_404_problem(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/v1/alerts/lumbung-20260301-0000000000000000/cap")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


class TestAtomLinks:
    async def test_every_atom_link_names_the_stacks_gateway(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        alert = await issue(stack, gateway, (await make_zone())["id"])
        atom = (await gateway.get("/v1/alerts/feed.atom")).content
        feed = ET.fromstring(atom)  # noqa: S314 - our own output
        links = [link.attrib["href"] for link in feed.iter(f"{ATOM_NS}link")]
        ids = [element.text or "" for element in feed.iter(f"{ATOM_NS}id")]
        base = f"{stack.url('gateway')}/v1/alerts/"
        assert f"{base}{alert['identifier']}" in links
        assert all(href.startswith(base) for href in links + ids), links + ids


class TestVesselClassCatalogue:
    async def test_lists_every_class_with_names_and_bmkg_limits(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/v1/catalogue/vessel-classes")
        assert response.status_code == 200
        assert "public" in response.headers["cache-control"]
        items = response.json()["items"]
        assert [item["code"] for item in items] == ["fishing_boat", "barge", "ferry", "large_ship"]
        fishing_boat = items[0]
        assert fishing_boat["name"] == {"id": "perahu nelayan", "en": "fishing boat"}
        assert fishing_boat["danger_over"] == {"wind_knots": 15, "wave_m": 1.25}
        assert fishing_boat["caution_from"] == {"wind_knots": 12, "wave_m": 1.0}

    async def test_every_code_is_one_the_advisories_take(self, gateway: httpx.AsyncClient) -> None:
        items = (await gateway.get("/v1/catalogue/vessel-classes")).json()["items"]
        for item in items:
            advice = await gateway.get(
                "/v1/advisories", params={"regency": "51.01", "vessel": item["code"]}
            )
            assert advice.status_code == 200
            assert advice.json()["vessel"] == item["code"]
