"""Problem responses with `Retry-After` when the answer is "wait" (429, 503).

The shared handler renders `retry_after_seconds` into the problem body; clients and proxies
wait on the header, so the gateway adds it.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from lumbung_shared.errors import DomainError
from lumbung_shared.web.problems import install_problem_handlers, problem


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    wait = exc.extra.get("retry_after_seconds")
    headers = {"Retry-After": str(wait)} if wait is not None else None
    return problem(request, exc.status, exc.code, exc.message, headers=headers, **exc.extra)


def install_gateway_problem_handlers(app: FastAPI) -> None:
    """The shared handlers, with the domain-error one adding `Retry-After`."""
    install_problem_handlers(app)
    app.add_exception_handler(DomainError, _domain_error)
