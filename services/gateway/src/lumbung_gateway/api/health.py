"""Gateway health: alive, and ready when every service it routes to is alive."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from lumbung_shared.web.problems import status_problem

from lumbung_gateway.upstreams import Upstream

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


async def _upstream_reason(upstream: Upstream) -> str | None:
    try:
        response = await upstream.client.get("/healthz", timeout=2.0)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}"
    return None if response.status_code == 200 else f"status {response.status_code}"


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Readiness: every upstream service answers its liveness check."""
    upstreams: dict[str, Upstream] = request.state.upstreams
    reasons = await asyncio.gather(*(_upstream_reason(u) for u in upstreams.values()))
    failures = {name: r for name, r in zip(upstreams, reasons, strict=True) if r}
    if failures:
        return status_problem(request, 503, reasons=failures)
    return JSONResponse({"status": "ready", "checks": sorted(upstreams)})
