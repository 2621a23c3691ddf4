"""Specification: routes get their collaborators from the lifespan state, checked by type, on
the event loop (a plain-function dependency would cost a worker-thread hop per request)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import Depends, FastAPI
from lumbung_shared.service import SERVICE_STATE
from lumbung_shared.web.state import from_service, from_state


class Zones:
    """A collaborator of the fake service."""


class ServiceState:
    """Typed state whose attribute records the thread that read it."""

    def __init__(self) -> None:
        self.read_on: list[threading.Thread] = []

    @property
    def zones(self) -> Zones:
        self.read_on.append(threading.current_thread())
        return Zones()

    @property
    def wrong(self) -> str:
        return "not zones"


ZonesDep = Annotated[Zones, Depends(from_service("zones", Zones))]
WrongDep = Annotated[Zones, Depends(from_service("wrong", Zones))]
LoneZones = Annotated[Zones, Depends(from_state("lone_zones", Zones))]


@pytest.fixture
async def app_and_state() -> AsyncIterator[tuple[httpx.AsyncClient, ServiceState]]:
    state = ServiceState()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        yield {SERVICE_STATE: state, "lone_zones": Zones()}

    app = FastAPI(lifespan=lifespan)

    @app.get("/zones")
    async def zones(found: ZonesDep, lone: LoneZones) -> dict[str, str]:
        return {"found": type(found).__name__, "lone": type(lone).__name__}

    @app.get("/wrong")
    async def wrong(found: WrongDep) -> None:
        raise AssertionError("never reached")

    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            yield client, state


class TestFromService:
    async def test_the_collaborator_is_read_on_the_event_loop_thread(
        self, app_and_state: tuple[httpx.AsyncClient, ServiceState]
    ) -> None:
        client, state = app_and_state
        response = await client.get("/zones")

        assert response.json() == {"found": "Zones", "lone": "Zones"}
        assert state.read_on == [threading.current_thread()]

    async def test_a_collaborator_of_another_type_is_refused(
        self, app_and_state: tuple[httpx.AsyncClient, ServiceState]
    ) -> None:
        client, _ = app_and_state
        response = await client.get("/wrong")

        assert response.status_code == 500
