"""Gateway health: alive; ready when its own store and every service it routes to answer;
metrics in Prometheus text format."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from lumbung_shared.web.problems import status_problem

from lumbung_gateway.api.deps import MetricsDep, ReadinessDep
from lumbung_gateway.api.metrics import CONTENT_TYPE

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, readiness: ReadinessDep) -> JSONResponse:
    """Readiness: the accounts store and every upstream service answer."""
    failures = await readiness.failures()
    if failures:
        return status_problem(request, 503, reasons=failures)
    return JSONResponse({"status": "ready", "checks": readiness.names})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(gateway_metrics: MetricsDep) -> PlainTextResponse:
    """Request counts and latency histograms per route and upstream (Prometheus text)."""
    return PlainTextResponse(gateway_metrics.render(), media_type=CONTENT_TYPE)
