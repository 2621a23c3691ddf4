"""Helpers of the gateway's tests: accounts, sessions, private settings, a hung server."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_gateway.settings import GatewaySettings

PASSWORD = "kopi-gayo-2025"


def new_phone() -> str:
    """A fresh, valid Indonesian mobile number in local spelling."""
    return f"0812{random.randrange(10**7, 10**8)}"


def gateway_settings(stack: Stack, **overrides: Any) -> GatewaySettings:
    """The stack gateway's settings (own database, no metrics port) with `overrides`.

    The stack's gateway holds its metrics port; an in-process one has its registry in
    `app.state.metrics`.
    """
    env = stack.env_for("gateway")
    values: dict[str, Any] = {
        key.removeprefix("GATEWAY_").lower(): value
        for key, value in env.items()
        if key.startswith("GATEWAY_")
    }
    values["mongo_database"] = f"lumbung_gateway_test_{uuid4().hex[:8]}"
    values["argon2_profile"] = "cheapest"
    values["metrics_port"] = None
    values.update(overrides)
    return GatewaySettings(**values)


@asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers: a hung service."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def register(
    client: httpx.AsyncClient, role: str = "farmer", region: str = "63.08", phone: str | None = None
) -> dict[str, Any]:
    """Sign up a new account; returns the account with its `phone` as registered."""
    response = await client.post(
        "/v1/auth/register",
        json={
            "phone": phone or new_phone(),
            "password": PASSWORD,
            "display_name": f"Pak {role}",
            "role": role,
            "home_region": region,
        },
    )
    assert response.status_code == 201, response.text
    account: dict[str, Any] = response.json()
    return account


async def login(client: httpx.AsyncClient, phone: str, password: str = PASSWORD) -> httpx.Response:
    """POST /v1/auth/login."""
    return await client.post("/v1/auth/login", json={"phone": phone, "password": password})


async def signed_in(client: httpx.AsyncClient, role: str = "farmer") -> dict[str, Any]:
    """A new account and its first session (`access_token`, `refresh_token`, `account`)."""
    account = await register(client, role)
    response = await login(client, account["phone"])
    assert response.status_code == 200, response.text
    session: dict[str, Any] = response.json()
    return session


def auth(session: dict[str, Any]) -> dict[str, str]:
    """The Authorization header of a session."""
    return {"Authorization": f"Bearer {session['access_token']}"}
