"""Gateway health: alive; ready when its own store answers, with every service's health
reported in the body (never a reason to be unready: see `usecases.readiness`).

Its metrics are not here: the public port never serves them (they name routes, services and
load); the internal metrics port does (`GATEWAY_METRICS_PORT`, see `main`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from lumbung_shared.web.problems import status_problem
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, Field

from lumbung_gateway.api.deps import ReadinessDep

router = APIRouter(tags=["health"])


class LivenessView(BaseModel):
    """The process answers."""

    status: Literal["ok"] = "ok"


class ReadinessView(BaseModel):
    """Ready: the gateway's own checks pass; each service is reported, never a reason."""

    status: Literal["ready"] = "ready"
    checks: list[str] = Field(examples=[["mongo"]])
    upstreams: dict[str, Literal["up", "down"]] = Field(
        examples=[{"listings": "up", "orders": "up", "weather_alerts": "down"}]
    )


@router.get("/healthz", response_model=LivenessView)
async def healthz() -> LivenessView:
    """Liveness: the process answers."""
    return LivenessView()


@router.get("/readyz", response_model=ReadinessView, responses=problem_responses(503))
async def readyz(request: Request, readiness: ReadinessDep) -> JSONResponse:
    """Readiness: the accounts store answers; each service is reported `up` or `down`."""
    report = await readiness.report()
    if not report.ready:
        return status_problem(request, 503, reasons=report.failures, upstreams=report.upstreams)
    return JSONResponse(
        {"status": "ready", "checks": readiness.names, "upstreams": report.upstreams}
    )
