"""The authorisation matrix's agency-scope rows: observations, subscriptions, deliveries, zones.

The `agency` token and the `agency_key` both act for one regency, Hulu Sungai Utara (`63.08`).
Each kind of route is tried in three flavours: own region (`63.08`), foreign region (`81.05`,
Maluku) and wider than the scope (the province `63`, or a zone that also covers the
neighbouring `63.09`). Only admins may act outside the scope; an agency's subscription and its
deliveries are its own (the other agency of the same regency gets 404). The objects and bodies
are made through the admin API: zones, a dead webhook, one real (dead) delivery whose alert is
cancelled at once.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tests.gateway.integration.authorisation_routes import (
    ADMIN_ONLY,
    EVERYONE,
    BodyFactory,
    ObjectFactory,
    RouteCase,
    World,
)
from tests.support.polling import eventually
from tests.weather_alerts.integration.conftest import observation

SCOPE = "63.08"
"""The regency the `agency` token and the `agency_key` act for (Hulu Sungai Utara)."""
FLAVOURS = ("own region", "foreign region", "wider than scope")
ZONE_CODES = {FLAVOURS[0]: [SCOPE], FLAVOURS[1]: ["81.05"], FLAVOURS[2]: [SCOPE, "63.09"]}
PREFIXES = {FLAVOURS[0]: SCOPE, FLAVOURS[1]: "81.05", FLAVOURS[2]: "63"}
DEAD_WEBHOOK = "http://127.0.0.1:9/cap"
"""Allow-listed on the test stack, nobody listens: deliveries to it fail and go dead."""


def zone_body(zone_id: str, regency_codes: list[str]) -> dict[str, Any]:
    bbox = {"south": -3.5, "west": 114.5, "north": -2.0, "east": 116.5}
    names = {"name_id": f"Perairan uji {zone_id}", "name_en": f"Test waters {zone_id}"}
    return {"id": zone_id, **names, "bbox": bbox, "regency_codes": regency_codes}


async def create_zone(world: World, regency_codes: list[str]) -> str:
    """A new zone over `regency_codes`, made by the admin."""
    zone_id = f"uji-matriks-{uuid4().hex[:10]}"
    body = zone_body(zone_id, regency_codes)
    created = await world.gateway.post("/v1/zones", json=body, headers=world.headers["admin"])
    assert created.status_code == 201, created.text
    return zone_id


async def seed_zones(world: World) -> None:
    """One zone per scope flavour, for the observation and zone rows."""
    for flavour, codes in ZONE_CODES.items():
        world.zones[flavour] = await create_zone(world, codes)


def shared(name: str, factory: ObjectFactory) -> ObjectFactory:
    """Make the object once per module: for routes that leave it usable for the next caller."""

    async def once(world: World) -> str:
        if name not in world.cache:
            world.cache[name] = await factory(world)
        return world.cache[name]

    return once


async def _subscription_of_agency(world: World) -> str:
    body = {"url": DEAD_WEBHOOK, "regency_prefixes": [SCOPE]}
    created = await world.gateway.post(
        "/v1/subscriptions", json=body, headers=world.headers["agency"]
    )
    assert created.status_code == 201, created.text
    subscription_id: str = created.json()["id"]
    return subscription_id


async def _delivery(world: World, subscription_id: str, **match: str) -> dict[str, Any] | None:
    """The agency's first delivery of `subscription_id` whose fields equal `match`."""
    path = f"/v1/subscriptions/{subscription_id}/deliveries"
    log = await world.gateway.get(path, headers=world.headers["agency"])
    assert log.status_code == 200, log.text
    found = [d for d in log.json() if all(d[k] == v for k, v in match.items())]
    return found[0] if found else None


async def _dead_delivery(world: World) -> str:
    """A real delivery of the agency's subscription: an alert over its regency, since cancelled.

    The webhook is dead, so the delivery ends `dead`; the admin's calm report cancels the alert
    at once (the suite leaves no alert in force).
    """
    subscription_id = await _shared_subscription(world)
    zone_id = await create_zone(world, [SCOPE])
    admin = world.headers["admin"]
    storm = await world.gateway.post(
        "/v1/observations", json=observation(zone_id, 2.8), headers=admin
    )
    assert storm.json()["outcome"] == "issued", storm.text
    calm = observation(zone_id, 0.3, wind_speed_knots=4)
    calmed = await world.gateway.post("/v1/observations", json=calm, headers=admin)
    assert calmed.json()["outcome"] == "cancelled", calmed.text
    identifier = storm.json()["alert"]["identifier"]
    delivery = await eventually(lambda: _delivery(world, subscription_id, identifier=identifier))
    return f"{subscription_id}/deliveries/{delivery['id']}"


async def _settled_delivery(world: World) -> str:
    """The shared delivery once the worker is done with it (a redelivery makes it pending)."""
    path = await _shared_delivery(world)
    subscription_id, delivery_id = path.split("/deliveries/")

    async def settled() -> str | None:
        found = await _delivery(world, subscription_id, id=delivery_id)
        return path if found is not None and found["status"] != "pending" else None

    return await eventually(settled)


def _seeded_zone(flavour: str) -> ObjectFactory:
    async def zone(world: World) -> str:
        return world.zones[flavour]

    return zone


async def _fresh_zone_in_scope(world: World) -> str:
    return await create_zone(world, [SCOPE])


_shared_subscription = shared("subscription", _subscription_of_agency)
_shared_delivery = shared("delivery", _dead_delivery)


SCOPE_OBJECTS: dict[str, ObjectFactory] = {
    "subscription": _shared_subscription,
    "fresh_subscription": _subscription_of_agency,
    "delivery": _settled_delivery,
    "fresh_zone_in_scope": _fresh_zone_in_scope,
    **{f"zone, {flavour}": _seeded_zone(flavour) for flavour in FLAVOURS},
}


def _calm_report(flavour: str) -> BodyFactory:
    """A calm observation for a seeded zone: 200 `no_change` when allowed, no alert touched."""
    return lambda world: observation(world.zones[flavour], 0.3, wind_speed_knots=4)


def _subscription(flavour: str) -> BodyFactory:
    return lambda world: {"url": DEAD_WEBHOOK, "regency_prefixes": [PREFIXES[flavour]]}


def _new_zone(flavour: str) -> BodyFactory:
    return lambda world: zone_body(f"uji-matriks-{uuid4().hex[:10]}", ZONE_CODES[flavour])


def _same_zone(flavour: str) -> BodyFactory:
    """A PUT body: the zone as seeded (the id comes from the path)."""
    return lambda world: zone_body("ignored", ZONE_CODES[flavour])


AGENCIES = frozenset({"agency", "agency_key", "admin"})
"""Agencies in their own region, and admins (anywhere)."""
IN_SCOPE = {FLAVOURS[0]: AGENCIES, FLAVOURS[1]: ADMIN_ONLY, FLAVOURS[2]: ADMIN_ONLY}
OUT_OF_SCOPE = {
    FLAVOURS[0]: None,
    FLAVOURS[1]: "region-out-of-scope",
    FLAVOURS[2]: "region-out-of-scope",
}


def _owned_by_agency(name: str, method: str, path: str, object_kind: str) -> RouteCase:
    """A route on the `agency` token's subscription: the `agency_key` (another agency of the
    same regency) gets 404; admins override."""
    return RouteCase(
        name,
        method,
        path,
        frozenset(),
        object=object_kind,
        owner_only=True,
        owner="agency",
        strangers=frozenset({"agency_key"}),
        admin_overrides=True,
    )


SCOPE_ROUTES: tuple[RouteCase, ...] = (
    # Observations: an agency reports only for zones entirely inside its regions.
    *(
        RouteCase(
            f"report, {f}",
            "POST",
            "/v1/observations",
            IN_SCOPE[f],
            body=_calm_report(f),
            agency_refusal=OUT_OF_SCOPE[f],
        )
        for f in FLAVOURS
    ),
    RouteCase("feed sources", "GET", "/v1/observations/sources", AGENCIES),
    # Subscriptions: prefixes inside the agency's regions; its own subscriptions only.
    *(
        RouteCase(
            f"subscribe, {f}",
            "POST",
            "/v1/subscriptions",
            IN_SCOPE[f],
            body=_subscription(f),
            agency_refusal=OUT_OF_SCOPE[f],
        )
        for f in FLAVOURS
    ),
    RouteCase("list subscriptions", "GET", "/v1/subscriptions", AGENCIES),
    _owned_by_agency("read subscription", "GET", "/v1/subscriptions/{object}", "subscription"),
    _owned_by_agency(
        "rotate secret", "POST", "/v1/subscriptions/{object}/secret/rotate", "subscription"
    ),
    _owned_by_agency("unsubscribe", "DELETE", "/v1/subscriptions/{object}", "fresh_subscription"),
    # Deliveries follow their subscription's owner.
    _owned_by_agency(
        "delivery log", "GET", "/v1/subscriptions/{object}/deliveries", "subscription"
    ),
    _owned_by_agency("redeliver", "POST", "/v1/subscriptions/{object}/redeliver", "delivery"),
    # Zones: public to read; no agency writes one, inside its regions or not.
    RouteCase("zones of own region", "GET", f"/v1/zones?regency={SCOPE}", EVERYONE),
    *(
        RouteCase(f"read zone, {f}", "GET", "/v1/zones/{object}", EVERYONE, object=f"zone, {f}")
        for f in FLAVOURS
    ),
    *(
        RouteCase(
            f"create zone, {f}",
            "POST",
            "/v1/zones",
            ADMIN_ONLY,
            body=_new_zone(f),
            agency_refusal="forbidden",
        )
        for f in FLAVOURS
    ),
    *(
        RouteCase(
            f"change zone, {f}",
            "PUT",
            "/v1/zones/{object}",
            ADMIN_ONLY,
            body=_same_zone(f),
            object=f"zone, {f}",
            agency_refusal="forbidden",
        )
        for f in FLAVOURS
    ),
    RouteCase(
        "delete zone, own region",
        "DELETE",
        "/v1/zones/{object}",
        ADMIN_ONLY,
        object="fresh_zone_in_scope",
        agency_refusal="forbidden",
    ),
)
"""Agency scope: own region, foreign region and wider than scope, for each kind of route."""
