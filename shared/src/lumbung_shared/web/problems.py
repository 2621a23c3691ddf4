"""RFC 9457 problem+json for every error, in Indonesian (default) or English.

The language follows `Accept-Language`; the `type` is a stable URI per error code so clients
branch on it, never on the text. Unexpected errors say nothing of their internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from lumbung_shared.errors import DomainError, Message

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://lumbung.id/problems/"

_STATUS_MESSAGES: dict[int, tuple[str, Message]] = {
    400: ("bad-request", Message("Permintaan tidak valid.", "The request is not valid.")),
    401: ("unauthenticated", Message("Anda perlu masuk terlebih dahulu.", "Please sign in.")),
    403: ("forbidden", Message("Anda tidak berhak melakukan ini.", "You may not do this.")),
    404: ("not-found", Message("Tidak ditemukan.", "Not found.")),
    405: ("method-not-allowed", Message("Metode tidak diizinkan.", "Method not allowed.")),
    406: ("not-acceptable", Message("Format tidak tersedia.", "Format not available.")),
    409: ("conflict", Message("Bertentangan dengan keadaan saat ini.", "Conflicts with state.")),
    412: ("precondition-failed", Message("Versi sudah berubah.", "The version has changed.")),
    413: ("body-too-large", Message("Isi permintaan terlalu besar.", "Request body too large.")),
    415: ("unsupported-media-type", Message("Jenis isi tidak didukung.", "Unsupported type.")),
    422: ("invalid-input", Message("Data tidak valid.", "The data is not valid.")),
    428: ("precondition-required", Message("Header wajib tidak ada.", "A header is required.")),
    429: ("rate-limited", Message("Terlalu banyak permintaan.", "Too many requests.")),
    500: ("internal", Message("Terjadi kesalahan pada server.", "Something went wrong.")),
    503: ("unavailable", Message("Layanan sedang tidak tersedia.", "Service unavailable.")),
}


def language(request: Request) -> str:
    """`en` when the caller prefers English over Indonesian, else `id`."""
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("id"):
            return "id"
    return "id"


def problem(
    request: Request,
    status: int,
    code: str,
    message: Message,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Build one problem+json response."""
    lang = language(request)
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": message.pick(lang),
        "status": status,
        "detail": message.pick(lang),
        "instance": request.url.path,
        "message": {"id": message.id, "en": message.en},
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_problem(
    request: Request, status: int, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem for a bare HTTP status, with the standard bilingual text."""
    code, message = _STATUS_MESSAGES.get(status, _STATUS_MESSAGES[500 if status >= 500 else 400])
    return problem(request, status, code, message, headers=headers, **extra)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem(request, exc.status, exc.code, exc.message, **exc.extra)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()[:20]
    ]
    return status_problem(request, 422, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
    if exc.status_code == 413 and isinstance(limit, int):  # Starlette's body limit said no
        return status_problem(request, 413, headers=headers, max_bytes=limit)
    return status_problem(request, exc.status_code, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return status_problem(request, 500)


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error through problem+json."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
