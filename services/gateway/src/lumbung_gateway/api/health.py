"""Gateway health: alive; ready when its own store and every service it routes to answer;
metrics in Prometheus text format."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from lumbung_shared.web.problems import status_problem

from lumbung_gateway.api.deps import Runtime
from lumbung_gateway.metrics import CONTENT_TYPE
from lumbung_gateway.upstreams import Upstream

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_SECONDS = 2.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


async def _upstream_reason(upstream: Upstream) -> str | None:
    try:
        response = await upstream.client.get("/healthz", timeout=CHECK_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}"
    return None if response.status_code == 200 else f"status {response.status_code}"


async def _mongo_reason(runtime: Runtime) -> str | None:
    try:
        await asyncio.wait_for(runtime.mongo.admin.command("ping"), CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means not ready; the reason is reported
        return f"{type(exc).__name__}"[:200]
    return None


@router.get("/readyz")
async def readyz(request: Request, runtime: Runtime) -> JSONResponse:
    """Readiness: the accounts store and every upstream service answer."""
    names = ["mongo", *runtime.upstreams]
    reasons = await asyncio.gather(
        _mongo_reason(runtime), *(_upstream_reason(u) for u in runtime.upstreams.values())
    )
    failures = {name: r for name, r in zip(names, reasons, strict=True) if r}
    if failures:
        return status_problem(request, 503, reasons=failures)
    return JSONResponse({"status": "ready", "checks": sorted(names)})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(runtime: Runtime) -> PlainTextResponse:
    """Request counts and latency histograms per route and upstream (Prometheus text)."""
    return PlainTextResponse(runtime.metrics.render(), media_type=CONTENT_TYPE)
