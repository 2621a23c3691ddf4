"""Typed FastAPI dependencies over lifespan state: the one way routes get their collaborators.

A service's setup returns one typed state object (a frozen dataclass of its use cases and
read models) that the lifespan keeps as `service`; routes declare
`Zones = Annotated[ZoneRepository, Depends(from_service("zones", ZoneRepository))]` and never
reach for globals, so tests configure an app before anything connects.

The dependencies are coroutines, never plain functions: FastAPI runs a plain `def` dependency
in a worker thread, one thread hop per dependency per request (11 % of the gateway's CPU under
load, py-spy, issue 13), for what is one attribute lookup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request

T = TypeVar("T")


def from_state(name: str, kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency returning lifespan state `name`, checked to be a `kind`."""

    async def dependency(request: Request) -> T:
        value = getattr(request.state, name)
        if not isinstance(value, kind):
            raise TypeError(f"lifespan state {name!r} is {type(value).__name__}, not {kind}")
        return value

    dependency.__name__ = f"{name}_from_state"
    return dependency


def from_service(attribute: str, kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency returning `attribute` of the service's typed state, checked to be a `kind`."""

    async def dependency(request: Request) -> T:
        value = getattr(request.state.service, attribute)
        if not isinstance(value, kind):
            raise TypeError(f"service state {attribute!r} is {type(value).__name__}, not {kind}")
        return value

    dependency.__name__ = f"{attribute}_from_service"
    return dependency
