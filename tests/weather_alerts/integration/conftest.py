"""Fixtures for the weather-alerts integration tests: the service with its test settings,
fresh zones per test (so tests never share an alert), agencies scoped to the test regions or to
one real regency (`63.08`, as a token and as an admin-issued API key), observation builders."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack

from tests.support.clients import agency_with_key, bearer, token_for
from tests.support.stack_env import SERVICE_ENV

SERVICE = "weather_alerts"
AGENCY_SCOPE = "63.08"
"""The regency of the scoped agency callers below: Hulu Sungai Utara, South Kalimantan."""
Headers = dict[str, str]


@pytest.fixture(scope="session", autouse=True)
def alerts_stack(stack: Stack) -> Stack:
    """The stack with weather_alerts running on its test settings from `stack_env`.

    `tests/conftest.py` does not pass `SERVICE_ENV` to the stack (yet); until it does, restart
    this one service with it. Once it does, this is a no-op.
    """
    wanted = SERVICE_ENV[SERVICE]
    if stack.service_env.get(SERVICE) != wanted:
        stack.service_env[SERVICE] = wanted
        stack.stop_service(SERVICE)
        stack.start_service(SERVICE)
    return stack


_regency_numbers = itertools.count()

TEST_PROVINCES = tuple(str(n) for n in range(90, 100))
"""The made-up provinces (`9x`) the test zones lie in; no real province has these codes."""


def agency_headers(
    stack: Stack, subject: str | None = None, regions: tuple[str, ...] = TEST_PROVINCES
) -> dict[str, str]:
    """Bearer headers of an agency responsible for `regions` (by default every test province).

    The service lets an agency report and subscribe only inside its regions, so an unscoped
    agency token would be refused everywhere.
    """
    return {"Authorization": f"Bearer {token_for(stack, 'agency', subject, regions)}"}


def unique_regency() -> str:
    """A regency code no other test of the session uses (`9x.yy` codes are not real ones)."""
    n = next(_regency_numbers)
    return f"{90 + n // 100}.{n % 100:02d}"


@pytest.fixture
async def make_zone(stack: Stack, gateway: httpx.AsyncClient) -> Callable[..., Any]:
    """Create a fresh zone (admin) and return its JSON."""

    async def create(regency_codes: list[str] | None = None) -> dict[str, Any]:
        zone_id = f"uji-{uuid4().hex[:10]}"
        body = {
            "id": zone_id,
            "name_id": f"Perairan uji {zone_id}",
            "name_en": f"Test waters {zone_id}",
            "bbox": {"south": -6.2, "west": 106.2, "north": -5.1, "east": 106.9},
            "regency_codes": regency_codes or [unique_regency()],
        }
        response = await gateway.post("/v1/zones", json=body, headers=bearer(stack, "admin"))
        assert response.status_code == 201, response.text
        return dict(response.json())

    return create


def observation(zone_id: str, significant_wave_m: float, **changes: Any) -> dict[str, Any]:
    """An observation body valid from an hour ago for the next 24 hours."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "zone_id": zone_id,
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_to": (now + timedelta(hours=24)).isoformat(),
        "significant_wave_m": significant_wave_m,
        "max_wave_m": round(significant_wave_m * 1.3, 2),
        "wind_speed_knots": 8.0,
        "wind_direction_deg": 120.0,
        "source": "uji-integrasi",
    }
    body.update(changes)
    return body


@pytest.fixture(scope="module")
async def agency_key(stack: Stack) -> Headers:
    """`X-API-Key` headers of a real agency account's key, scoped by an admin to `63.08`."""
    admin = bearer(stack, "admin")
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as client:
        _, key = await agency_with_key(client, admin, AGENCY_SCOPE, "ews")
        return {"X-API-Key": key}


@pytest.fixture(params=["token", "api_key"])
def scoped(request: pytest.FixtureRequest, stack: Stack, agency_key: Headers) -> Headers:
    """The `63.08` agency, once as an access token and once as an API key."""
    if request.param == "api_key":
        return agency_key
    return agency_headers(stack, f"bpbd-hsu-{uuid4().hex[:8]}", regions=(AGENCY_SCOPE,))
