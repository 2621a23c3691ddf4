"""The public alert feeds: JSON list with filters, paging and HTTP caching; CAP 1.2 XML that
passes the official schema; an Atom index of active alerts; and the SSE stream by regency."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import xmlschema
from devstack.stack import Stack

from tests.support.polling import eventually
from tests.weather_alerts.integration.conftest import agency_headers, observation

CAP_XSD = Path(__file__).parents[1] / "fixtures" / "CAP-v1.2.xsd"
CAP_NS = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


async def issue(stack: Stack, gateway: httpx.AsyncClient, zone_id: str, height: float) -> Any:
    response = await gateway.post(
        "/v1/observations", json=observation(zone_id, height), headers=agency_headers(stack)
    )
    assert response.status_code == 201, response.text
    return response.json()["alert"]


async def past_the_second_of(http_date: str) -> None:
    """Return once the clock is past the second `http_date` (a Last-Modified value) names, so a
    change made now has a later Last-Modified."""
    later = parsedate_to_datetime(http_date) + timedelta(seconds=1)

    async def passed() -> bool | None:
        return True if datetime.now(UTC) >= later else None

    await eventually(passed, within=5, interval=0.05)


class TestJsonList:
    async def test_filters_by_zone_regency_severity_status_and_activity(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        rough, calm_later = await make_zone(["96.01"]), await make_zone(["96.02"])
        await issue(stack, gateway, rough["id"], 2.8)
        await issue(stack, gateway, calm_later["id"], 4.4)
        await gateway.post(
            "/v1/observations",
            json=observation(calm_later["id"], 0.2, wind_speed_knots=3),
            headers=agency_headers(stack),
        )

        by_zone = (await gateway.get("/v1/alerts", params={"zone": rough["id"]})).json()
        assert [a["zone_id"] for a in by_zone["items"]] == [rough["id"]]
        by_regency = (await gateway.get("/v1/alerts", params={"regency": "96"})).json()
        assert {a["zone_id"] for a in by_regency["items"]} == {rough["id"], calm_later["id"]}
        severe = await gateway.get("/v1/alerts", params={"regency": "96", "severity": "Severe"})
        assert [a["zone_id"] for a in severe.json()["items"]] == [rough["id"]]
        cancelled = await gateway.get("/v1/alerts", params={"regency": "96", "status": "cancelled"})
        assert [a["zone_id"] for a in cancelled.json()["items"]] == [calm_later["id"]]
        active = await gateway.get("/v1/alerts", params={"regency": "96", "active": "true"})
        assert [a["zone_id"] for a in active.json()["items"]] == [rough["id"]]
        inactive = await gateway.get("/v1/alerts", params={"regency": "96", "active": "false"})
        assert [a["zone_id"] for a in inactive.json()["items"]] == [calm_later["id"]]

    async def test_cursor_pages_through_everything_once(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zones = [await make_zone(["96.10"]) for _ in range(5)]
        for zone in zones:
            await issue(stack, gateway, zone["id"], 3.0)
        seen: list[str] = []
        params: dict[str, Any] = {"regency": "96.10", "limit": 2}
        while True:
            page = (await gateway.get("/v1/alerts", params=params)).json()
            seen += [item["zone_id"] for item in page["items"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert sorted(seen) == sorted(zone["id"] for zone in zones)
        bad = await gateway.get("/v1/alerts", params={"cursor": "not-a-cursor"})
        assert bad.status_code == 422

    async def test_etag_and_last_modified_answer_304_until_something_changes(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        await issue(stack, gateway, zone["id"], 3.0)
        first = await gateway.get("/v1/alerts", params={"zone": zone["id"]})
        assert "max-age" in first.headers["cache-control"]
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        again = await gateway.get(
            "/v1/alerts", params={"zone": zone["id"]}, headers={"If-None-Match": etag}
        )
        assert again.status_code == 304
        assert again.content == b""
        since = await gateway.get(
            "/v1/alerts", params={"zone": zone["id"]}, headers={"If-Modified-Since": modified}
        )
        assert since.status_code == 304
        await past_the_second_of(modified)  # Last-Modified has one-second resolution
        await gateway.post(
            "/v1/observations", json=observation(zone["id"], 4.6), headers=agency_headers(stack)
        )
        changed = await gateway.get(
            "/v1/alerts", params={"zone": zone["id"]}, headers={"If-None-Match": etag}
        )
        assert changed.status_code == 200
        stale = await gateway.get(
            "/v1/alerts", params={"zone": zone["id"]}, headers={"If-Modified-Since": modified}
        )
        assert stale.status_code == 200


class TestCapXml:
    async def test_alert_update_and_cancel_validate_against_the_cap_schema(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        schema = xmlschema.XMLSchema(CAP_XSD)
        zone = await make_zone()
        alert = await issue(stack, gateway, zone["id"], 2.8)
        await issue(stack, gateway, zone["id"], 4.5)
        await gateway.post(
            "/v1/observations",
            json=observation(zone["id"], 0.3, wind_speed_knots=3),
            headers=agency_headers(stack),
        )
        documents = []
        for identifier in (alert["identifier"], f"{alert['id']}-2", f"{alert['id']}-3"):
            response = await gateway.get(
                f"/v1/alerts/{identifier}", headers={"Accept": "application/cap+xml"}
            )
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/cap+xml")
            schema.validate(response.content)
            documents.append(ET.fromstring(response.content))  # noqa: S314 - our own output
        first, update, cancel = documents
        assert first.findtext(f"{CAP_NS}msgType") == "Alert"
        assert update.findtext(f"{CAP_NS}msgType") == "Update"
        assert alert["identifier"] in (update.findtext(f"{CAP_NS}references") or "")
        assert cancel.findtext(f"{CAP_NS}msgType") == "Cancel"
        languages = [i.findtext(f"{CAP_NS}language") for i in first.iter(f"{CAP_NS}info")]
        assert languages == ["id-ID", "en-US"]
        assert first.findtext(f"{CAP_NS}info/{CAP_NS}severity") == "Severe"

    async def test_json_detail_by_default_and_404_for_unknown(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        alert = await issue(stack, gateway, zone["id"], 3.0)
        detail = await gateway.get(f"/v1/alerts/{alert['id']}")
        assert detail.json()["headline"]["id"].startswith("Peringatan gelombang tinggi")
        assert detail.headers["etag"]
        assert (await gateway.get("/v1/alerts/lumbung-tidak-ada")).status_code == 404


class TestAtom:
    async def test_lists_active_alerts_linking_to_their_cap_documents(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        active, cancelled = await make_zone(), await make_zone()
        alert = await issue(stack, gateway, active["id"], 3.0)
        gone = await issue(stack, gateway, cancelled["id"], 3.0)
        await gateway.post(
            "/v1/observations",
            json=observation(cancelled["id"], 0.2, wind_speed_knots=2),
            headers=agency_headers(stack),
        )
        response = await gateway.get("/v1/alerts/feed.atom", headers={"Accept-Language": "en"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)  # noqa: S314 - our own output
        links = [e.find(f"{ATOM_NS}link").get("href") for e in feed.iter(f"{ATOM_NS}entry")]
        assert any(link.endswith(f"/v1/alerts/{alert['identifier']}") for link in links)
        assert not any(gone["id"] in link for link in links)
        titles = [e.findtext(f"{ATOM_NS}title") for e in feed.iter(f"{ATOM_NS}entry")]
        assert any("sea warning" in (t or "") for t in titles)

        async def revalidated() -> httpx.Response | None:
            """A conditional GET with the feed's current ETag; None when an alert elsewhere
            (an earlier test's, expiring) changed the feed between the two requests."""
            current = await gateway.get("/v1/alerts/feed.atom")
            etag = current.headers["etag"]
            again = await gateway.get("/v1/alerts/feed.atom", headers={"If-None-Match": etag})
            return again if again.status_code != 200 else None

        cached = await eventually(revalidated, within=10)
        assert cached.status_code == 304
        assert cached.content == b""


async def read_stream(
    gateway: httpx.AsyncClient,
    regency: str,
    count: int,
    last_event_id: str | None = None,
    connected: asyncio.Event | None = None,
) -> tuple[list[tuple[str, str, dict[str, Any]]], int]:
    """The first `count` events (id, name, data) of a stream, and the heartbeats seen.

    `connected` is set at the first heartbeat: the stream is live (the server sends every
    change from then on) and keeps itself alive.
    """
    events: list[tuple[str, str, dict[str, Any]]] = []
    heartbeats, event_id, name = 0, "", ""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    async with gateway.stream(
        "GET", "/v1/alerts/stream", params={"regency": regency}, headers=headers, timeout=40
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith(": heartbeat"):
                heartbeats += 1
                if connected is not None:
                    connected.set()
            elif line.startswith("id: "):
                event_id = line.removeprefix("id: ")
            elif line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((event_id, name, json.loads(line.removeprefix("data: "))))
                if len(events) == count:
                    break
    return events, heartbeats


class TestServerSentEvents:
    async def test_stream_sends_every_change_for_the_regency_only_with_heartbeats(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        mine, other = await make_zone(["97.01"]), await make_zone(["97.02"])
        connected = asyncio.Event()
        listener = asyncio.create_task(read_stream(gateway, "97.01", 2, connected=connected))
        await asyncio.wait_for(connected.wait(), timeout=10)
        await issue(stack, gateway, other["id"], 3.0)
        await issue(stack, gateway, mine["id"], 3.0)  # issued and cancelled between two polls
        await gateway.post(
            "/v1/observations",
            json=observation(mine["id"], 0.2, wind_speed_knots=2),
            headers=agency_headers(stack),
        )
        received, heartbeats = await asyncio.wait_for(listener, timeout=20)
        assert [name for _, name, _ in received] == ["sea_alert.issued", "sea_alert.cancelled"]
        assert {data["zone_id"] for _, _, data in received} == {mine["id"]}
        assert [data["status"] for _, _, data in received] == ["active", "cancelled"]
        assert [data["cap_url"] for _, _, data in received] == [
            f"{stack.url('gateway')}/v1/alerts/{data['identifier']}/cap" for _, _, data in received
        ]
        assert heartbeats >= 1

        resumed, _ = await asyncio.wait_for(
            read_stream(gateway, "97.01", 1, last_event_id=received[0][0]), timeout=20
        )
        assert [(name, data["identifier"]) for _, name, data in resumed] == [
            ("sea_alert.cancelled", received[1][2]["identifier"])
        ]
