"""Wiring of the gateway: settings, token verification, upstream clients, routes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from lumbung_shared.observability import configure_logging
from lumbung_shared.web.middleware import CorrelationMiddleware
from lumbung_shared.web.problems import install_problem_handlers

from lumbung_gateway.api import health, proxy
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.settings import GatewaySettings
from lumbung_gateway.upstreams import make_upstreams


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """The gateway app (uvicorn factory)."""
    settings = settings or GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    tokens = TokenIssuer(
        KeySet.from_setting(settings.jwt_keys.get_secret_value()),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        upstreams = make_upstreams(settings)
        try:
            yield {"upstreams": upstreams, "tokens": tokens, "settings": settings}
        finally:
            await asyncio.gather(*(u.client.aclose() for u in upstreams.values()))

    app = FastAPI(
        title="Lumbung API",
        description="The one entry point of the Lumbung marketplace.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.internal_secret = settings.internal_secret.get_secret_value().encode()
    install_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health.router)
    app.include_router(proxy.router)
    return app
