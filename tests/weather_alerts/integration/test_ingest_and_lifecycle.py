"""Observations through the gateway drive each zone's alert: issue, update, cancel, expire.

Every change is one document write with its `sea_alert.*` event, seen here on the real Kafka
topic; bad observations are refused with bilingual problem+json and change nothing.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.support.clients import bearer
from tests.support.kafka import tap
from tests.support.mongo import database
from tests.weather_alerts.integration.conftest import agency_headers, observation


def is_event(kind: str, zone_id: str) -> Any:
    return lambda env: getattr(env, "type", None) == kind and env.key == zone_id


async def events_before_calm(
    events: Any, stack: Stack, gateway: httpx.AsyncClient, zone_id: str
) -> list[Any]:
    """The zone's events up to a calm report sent now (its `sea_alert.cancelled` closes them).

    A zone's events share one partition (key = zone id), so whatever the steps before caused
    arrives before that cancel: no fixed wait is needed to see that nothing else was sent, and
    the shared stack is left calm.
    """
    calm = await gateway.post(
        "/v1/observations",
        json=observation(zone_id, 0.3, wind_speed_knots=4),
        headers=agency_headers(stack),
    )
    assert calm.json()["outcome"] == "cancelled", calm.text
    sentinel = await events.wait_for(is_event("sea_alert.cancelled", zone_id))
    before = events.records[: next(i for i, r in enumerate(events.records) if r is sentinel)]
    return [r for r in before if getattr(r, "key", None) == zone_id]


class TestZones:
    async def test_at_least_ten_real_waters_are_seeded_and_public(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/v1/zones")
        assert response.status_code == 200
        ids = {zone["id"] for zone in response.json()}
        assert {"selat-bali", "laut-banda", "perairan-kepulauan-seribu"} <= ids
        assert len([i for i in ids if not i.startswith("uji-")]) >= 10

    async def test_zones_filter_by_regency_prefix(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/v1/zones", params={"regency": "51"})
        assert {z["id"] for z in response.json()} >= {"selat-bali", "perairan-selatan-bali"}
        assert all(any(c.startswith("51") for c in z["regency_codes"]) for z in response.json())

    async def test_admin_creates_changes_and_deletes_a_zone(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        admin = bearer(stack, "admin")
        zone = await make_zone(["95.01"])
        changed = {**zone, "name_en": "Renamed waters", "regency_codes": ["95.01", "95.02"]}
        put = await gateway.put(f"/v1/zones/{zone['id']}", json=changed, headers=admin)
        assert put.status_code == 200, put.text
        assert (await gateway.get(f"/v1/zones/{zone['id']}")).json()["name_en"] == "Renamed waters"
        again = await gateway.post("/v1/zones", json=changed, headers=admin)
        assert again.status_code == 409
        assert (await gateway.delete(f"/v1/zones/{zone['id']}", headers=admin)).status_code == 204
        assert (await gateway.get(f"/v1/zones/{zone['id']}")).status_code == 404

    @pytest.mark.parametrize("role", ["agency", "fisher"])
    async def test_only_admins_manage_zones(
        self, stack: Stack, gateway: httpx.AsyncClient, role: str
    ) -> None:
        body = {
            "id": "uji-forbidden",
            "name_id": "x",
            "name_en": "x",
            "bbox": {"south": 0, "west": 0, "north": 1, "east": 1},
            "regency_codes": ["95.09"],
        }
        response = await gateway.post("/v1/zones", json=body, headers=bearer(stack, role))
        assert response.status_code == 403

    async def test_an_inverted_box_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        body = {
            "id": "uji-inverted",
            "name_id": "x",
            "name_en": "x",
            "bbox": {"south": 2, "west": 0, "north": 1, "east": 1},
            "regency_codes": ["95.09"],
        }
        response = await gateway.post("/v1/zones", json=body, headers=bearer(stack, "admin"))
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert refused_fields(response.json()) == {"bbox.north"}

    async def test_every_bad_zone_field_is_named_in_one_answer(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        admin = bearer(stack, "admin")
        bad = {
            "id": "Not A Slug",
            "name_id": "",
            "name_en": "x",
            "bbox": {"south": 2, "west": 1, "north": 1, "east": 0},
            "regency_codes": ["9509"],
        }
        created = await gateway.post("/v1/zones", json=bad, headers=admin)
        assert created.status_code == 422
        assert refused_fields(created.json()) == {
            "id",
            "name_id",
            "bbox.north",
            "bbox.east",
            "regency_codes.0",
        }
        zone = await make_zone()
        replaced = await gateway.put(f"/v1/zones/{zone['id']}", json=bad, headers=admin)
        assert replaced.status_code == 422
        assert refused_fields(replaced.json()) == {
            "name_id",
            "bbox.north",
            "bbox.east",
            "regency_codes.0",
        }


class TestAlertLifecycle:
    async def test_rough_sea_issues_then_updates_then_cancels(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        agency = agency_headers(stack)
        async with tap(stack, Topic.SEA_ALERT_EVENTS) as events:
            issued = await gateway.post(
                "/v1/observations", json=observation(zone["id"], 2.8), headers=agency
            )
            assert issued.status_code == 201, issued.text
            alert = issued.json()["alert"]
            assert issued.json()["outcome"] == "issued"
            assert alert["category"] == "tinggi"
            assert alert["severity"] == "Severe"
            assert alert["vessel_risks"]["fishing_boat"] == "danger"
            event = await events.wait_for(is_event("sea_alert.issued", zone["id"]))
            assert event.payload.alert_id == alert["id"]
            assert event.payload.identifier == alert["identifier"]
            assert event.payload.regency_codes == zone["regency_codes"]
            assert event.payload.vessel_risks["fishing_boat"] == "danger"

            updated = await gateway.post(
                "/v1/observations", json=observation(zone["id"], 4.5), headers=agency
            )
            assert updated.json()["outcome"] == "updated"
            assert updated.json()["alert"]["references"] == [alert["identifier"]]
            event = await events.wait_for(is_event("sea_alert.updated", zone["id"]))
            assert event.payload.severity == "Extreme"
            assert event.payload.alert_id == alert["id"]
            assert event.payload.identifier == updated.json()["alert"]["identifier"]
            assert event.payload.references == [alert["identifier"]]

            calm = await gateway.post(
                "/v1/observations",
                json=observation(zone["id"], 0.3, wind_speed_knots=4),
                headers=agency,
            )
            assert calm.json()["outcome"] == "cancelled"
            assert calm.json()["alert"]["status"] == "cancelled"
            event = await events.wait_for(is_event("sea_alert.cancelled", zone["id"]))
            assert event.payload.alert_id == alert["id"]
            assert len(event.payload.references) == 2

    async def test_identical_observation_does_not_reissue(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        agency = agency_headers(stack)
        body = observation(zone["id"], 3.0)
        async with tap(stack, Topic.SEA_ALERT_EVENTS) as events:
            first = await gateway.post("/v1/observations", json=body, headers=agency)
            assert first.status_code == 201
            await events.wait_for(is_event("sea_alert.issued", zone["id"]))
            for _ in range(3):
                repeat = await gateway.post("/v1/observations", json=body, headers=agency)
                assert repeat.status_code == 200
                assert repeat.json()["outcome"] == "no_change"
                assert repeat.json()["duplicate"] is True
            seen = await events_before_calm(events, stack, gateway, zone["id"])
        assert [e.type for e in seen if e.key == zone["id"]] == ["sea_alert.issued"]

    async def test_concurrent_observations_open_one_alert_per_zone(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        agency = agency_headers(stack)
        # One validity window for all six: a later `valid_to` would rightly extend the alert.
        window = observation(zone["id"], 3.0)
        bodies = [{**window, "wind_speed_knots": 8 + i} for i in range(6)]
        async with tap(stack, Topic.SEA_ALERT_EVENTS) as events:
            responses = await asyncio.gather(
                *(gateway.post("/v1/observations", json=b, headers=agency) for b in bodies)
            )
            await events.wait_for(is_event("sea_alert.issued", zone["id"]))
            seen = await events_before_calm(events, stack, gateway, zone["id"])
        outcomes = [r.json()["outcome"] for r in responses]
        assert outcomes.count("issued") == 1, outcomes
        assert [e.type for e in seen if e.key == zone["id"]] == ["sea_alert.issued"]
        async with database(stack, "weather_alerts") as db:
            assert await db.alerts.count_documents({"zone_id": zone["id"]}) == 1

    async def test_expired_alert_is_closed_by_the_sweep_with_a_cancel_event(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
        async with tap(stack, Topic.SEA_ALERT_EVENTS) as events:
            issued = await gateway.post(
                "/v1/observations",
                json=observation(zone["id"], 3.2, valid_to=soon),
                headers=agency_headers(stack),
            )
            assert issued.status_code == 201
            cancelled = await events.wait_for(is_event("sea_alert.cancelled", zone["id"]))
        assert cancelled.payload.alert_id == issued.json()["alert"]["id"]
        assert cancelled.payload.identifier == issued.json()["alert"]["identifier"]
        detail = await gateway.get(f"/v1/alerts/{issued.json()['alert']['id']}")
        assert detail.json()["status"] == "expired"
        assert detail.json()["active"] is False


BAD_OBSERVATIONS = [
    ("negative height", {"significant_wave_m": -1.0}, "significant_wave_m"),
    ("absurd height", {"significant_wave_m": 45.0, "max_wave_m": 50.0}, "significant_wave_m"),
    ("absurd wind", {"wind_speed_knots": 900.0}, "wind_speed_knots"),
    ("max below significant", {"max_wave_m": 1.0}, "max_wave_m"),
    ("missing field", {"source": None}, "source"),
    ("naive time", {"valid_from": "2026-01-01T00:00:00"}, "valid_from"),
]


def refused_fields(problem: dict[str, Any]) -> set[str]:
    """The body fields a 422 problem names (`loc` without its leading `body`)."""
    return {".".join(map(str, e["loc"][1:])) for e in problem["errors"] if e["loc"][0] == "body"}


class TestBadObservations:
    @pytest.mark.parametrize(("case", "changes", "field"), BAD_OBSERVATIONS)
    async def test_refused_with_the_field_named_and_nothing_changes(
        self,
        *,
        stack: Stack,
        gateway: httpx.AsyncClient,
        make_zone: Any,
        case: str,
        changes: dict[str, Any],
        field: str,
    ) -> None:
        zone = await make_zone()
        body = {**observation(zone["id"], 3.0), **changes}
        response = await gateway.post(
            "/v1/observations",
            json=body,
            headers={**agency_headers(stack), "Accept-Language": "en"},
        )
        assert response.status_code == 422, case
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in refused_fields(response.json())
        async with database(stack, "weather_alerts") as db:
            assert await db.alerts.count_documents({"zone_id": zone["id"]}) == 0
            assert await db.observations.count_documents({"zone_id": zone["id"]}) == 0

    async def test_every_bad_field_is_named_in_one_answer(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        body = {
            **observation(zone["id"], 3.0),
            "significant_wave_m": -1.0,
            "wind_speed_knots": 900.0,
            "source": "",
        }
        del body["wind_direction_deg"]
        response = await gateway.post("/v1/observations", json=body, headers=agency_headers(stack))
        assert response.status_code == 422
        assert refused_fields(response.json()) == {
            "significant_wave_m",
            "wind_speed_knots",
            "wind_direction_deg",
            "source",
        }

    async def test_an_unknown_zone_is_a_bilingual_404_pointing_at_the_zone_list(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        body = observation("laut-yang-tidak-ada", 3.0)
        response = await gateway.post(
            "/v1/observations",
            json=body,
            headers={**agency_headers(stack), "Accept-Language": "en"},
        )
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert (problem["type"].rsplit("/", 1)[-1], problem["field"]) == (
            "zone-not-found",
            "zone_id",
        )
        assert problem["detail"] == problem["message"]["en"] != problem["message"]["id"]
        assert all("GET /v1/zones" in text for text in problem["message"].values())

    async def test_window_ending_before_it_starts_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient, make_zone: Any
    ) -> None:
        zone = await make_zone()
        now = datetime.now(UTC)
        body = observation(
            zone["id"],
            3.0,
            valid_from=now.isoformat(),
            valid_to=(now - timedelta(hours=1)).isoformat(),
        )
        response = await gateway.post("/v1/observations", json=body, headers=bearer(stack, "admin"))
        assert response.status_code == 422
        assert refused_fields(response.json()) == {"valid_to"}

    @pytest.mark.parametrize(("role", "status"), [("fisher", 403), ("buyer", 403)])
    async def test_only_agencies_and_admins_post(
        self, stack: Stack, gateway: httpx.AsyncClient, role: str, status: int
    ) -> None:
        body = observation("selat-bali", 3.0)
        response = await gateway.post("/v1/observations", json=body, headers=bearer(stack, role))
        assert response.status_code == status

    async def test_anonymous_cannot_post(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post("/v1/observations", json=observation("selat-bali", 3.0))
        assert response.status_code == 401
