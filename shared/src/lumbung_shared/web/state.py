"""Typed FastAPI dependencies over lifespan state: the one way routes get their collaborators.

A service's setup returns its repositories and use cases as lifespan state; routes declare
`Zones = Annotated[ZoneRepository, Depends(from_state("zones", ZoneRepository))]` and never
reach for globals, so tests configure an app before anything connects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

T = TypeVar("T")


def from_state(name: str, kind: type[T]) -> Callable[[Request], T]:
    """A dependency returning lifespan state `name`, checked to be a `kind`."""

    def dependency(request: Request) -> T:
        value = getattr(request.state, name)
        if not isinstance(value, kind):
            raise TypeError(f"lifespan state {name!r} is {type(value).__name__}, not {kind}")
        return value

    dependency.__name__ = f"{name}_from_state"
    return dependency
