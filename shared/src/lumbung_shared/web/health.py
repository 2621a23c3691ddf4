"""`/healthz` says the process lives; `/readyz` says it can do its work (store and broker up)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from lumbung_shared.web.problems import status_problem

ReadinessCheck = Callable[[], Awaitable[str | None]]
"""Returns None when ready, else a one-line reason."""

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Readiness: every dependency answers; 503 names those that do not."""
    checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
    results = await asyncio.gather(*(check() for check in checks.values()))
    failures = {name: reason for name, reason in zip(checks, results, strict=True) if reason}
    if failures:
        return status_problem(request, 503, reasons=failures)
    return JSONResponse({"status": "ready", "checks": sorted(checks)})
