"""Gateway health: alive; ready when its own store answers, with every service's health
reported in the body (never a reason to be unready: see `usecases.readiness`); metrics in
Prometheus text format."""

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
    """Readiness: the accounts store answers; each service is reported `up` or `down`."""
    report = await readiness.report()
    if not report.ready:
        return status_problem(request, 503, reasons=report.failures, upstreams=report.upstreams)
    return JSONResponse(
        {"status": "ready", "checks": readiness.names, "upstreams": report.upstreams}
    )


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(gateway_metrics: MetricsDep) -> PlainTextResponse:
    """Request counts and latency histograms per route and upstream (Prometheus text)."""
    return PlainTextResponse(gateway_metrics.render(), media_type=CONTENT_TYPE)
