"""Specification: every route x every caller x someone else's object — no unauthorised success.

The tables live in `authorisation_routes.py` and `authorisation_scope.py` (agency-scope rows);
this file only runs them. Callers are access tokens for each role (made-up accounts), an agency
API key, anonymous, and two sellers: the `owner` of the objects the routes name and a `stranger`
of the same role. The agency token and the API key are both scoped to one regency (`63.08`), as
agencies are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from devstack.stack import Stack

from tests.gateway.integration.authorisation_routes import (
    CALLERS,
    OBJECTS,
    ROUTES,
    RouteCase,
    World,
)
from tests.gateway.integration.authorisation_scope import (
    SCOPE,
    SCOPE_OBJECTS,
    SCOPE_ROUTES,
    seed_zones,
)
from tests.support.clients import agency_with_key, bearer, token_for
from tests.support.polling import eventually

DENIALS = {401, 403, 404}
AGENCY_CALLERS = {"agency", "agency_key"}
ALL_ROUTES = (*ROUTES, *SCOPE_ROUTES)
ALL_OBJECTS = {**OBJECTS, **SCOPE_OBJECTS}


@pytest.fixture(scope="module")
async def world(stack: Stack) -> AsyncIterator[World]:
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as client:
        admin = bearer(stack, "admin")
        agency_id, key = await agency_with_key(client, admin, SCOPE, "matrix caller")
        agency = token_for(stack, "agency", regions=(SCOPE,))
        headers = {
            "anonymous": {},
            **{role: bearer(stack, role) for role in ("farmer", "fisher", "buyer")},
            "agency": {"Authorization": f"Bearer {agency}"},
            "agency_key": {"X-API-Key": key},
            "admin": admin,
            "owner": bearer(stack, "farmer"),
            "stranger": bearer(stack, "farmer"),
        }
        world = World(client, headers, agency_id)
        await seed_zones(world)
        yield world
        await _unsubscribe_all(world)


async def _unsubscribe_all(world: World) -> None:
    """Stop the webhooks the matrix registered, so later alerts do not try them."""
    for caller in ("agency", "agency_key", "admin"):
        headers = world.headers[caller]
        listed = await world.gateway.get("/v1/subscriptions", headers=headers)
        for subscription in listed.json():
            path = f"/v1/subscriptions/{subscription['id']}"
            assert (await world.gateway.delete(path, headers=headers)).status_code == 204


async def _succeeded(call: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response | None:
    response = await call()
    return response if response.is_success else None


def _may_succeed(case: RouteCase, caller: str) -> bool:
    if case.owner_only:
        return caller == case.owner or (case.admin_overrides and caller == "admin")
    return caller in case.allowed


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", ALL_ROUTES, ids=lambda c: c.name)
async def test_no_unauthorised_success(world: World, case: RouteCase, caller: str) -> None:
    path = case.path
    if case.object is not None:
        path = path.replace("{object}", await ALL_OBJECTS[case.object](world))
    body = case.body(world) if case.body is not None else None

    async def call() -> httpx.Response:
        return await world.gateway.request(
            case.method, path, json=body, headers=world.headers[caller]
        )

    response = await call()
    if case.eventual and _may_succeed(case, caller):
        response = await eventually(lambda: _succeeded(call))

    if _may_succeed(case, caller):
        assert 200 <= response.status_code < 300, f"{caller}: {response.text}"
    else:
        assert response.status_code in DENIALS, f"{caller} got {response.status_code}"
        assert response.headers["content-type"] == "application/problem+json"
        if case.agency_refusal is not None and caller in AGENCY_CALLERS:
            assert response.status_code == 403, response.text
            assert response.json()["type"].endswith(f"/{case.agency_refusal}"), response.text
    if case.owner_only and caller in case.strangers:
        assert response.status_code == 404
