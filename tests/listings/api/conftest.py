"""Fixtures for the listings routes on a bare app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.listings.api.bare_app import State, bare_client


@pytest.fixture
def state() -> State:
    return State()


@pytest.fixture
async def client(state: State) -> AsyncIterator[httpx.AsyncClient]:
    async with bare_client(state) as http:
        yield http
