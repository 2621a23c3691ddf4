"""Wiring of the weather-alerts service: settings, repositories, consumers, routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from lumbung_shared.service import Runtime, create_service_app

from lumbung_weather_alerts.settings import WeatherAlertsSettings


async def setup(runtime: Runtime) -> Mapping[str, Any]:
    """Nothing to wire yet beyond the shared runtime (health, readiness, relay)."""
    del runtime
    return {}


def create_app(settings: WeatherAlertsSettings | None = None) -> FastAPI:
    """The weather-alerts service app (uvicorn factory)."""
    return create_service_app(
        settings or WeatherAlertsSettings(),
        title="Lumbung weather alerts",
        description="Sea-condition alerts, BMKG rules, CAP/Atom/JSON/SSE feeds, agency webhooks.",
        routers=[],
        setup=setup,
    )
