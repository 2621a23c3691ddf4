"""RFC 9457 problem+json for every error, in Indonesian (default) or English.

The language follows `Accept-Language`; the `type` is a stable URI per error code so clients
branch on it, never on the text. Unexpected errors say nothing of their internals. Invalid
input is 422 with every field error at once, each in the caller's language
(`lumbung_shared.web.field_errors`); JSON that does not parse is 400 `malformed-json`. A 405
names every method of the path in `Allow`, and `OPTIONS` on a known path is a 204 with that
`Allow` (`lumbung_shared.web.methods`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.routing import Match

from lumbung_shared.errors import DomainError, Message
from lumbung_shared.web.field_errors import field_problems
from lumbung_shared.web.methods import allowed_methods

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
    410: ("gone", Message("Sudah tidak berlaku.", "Gone: no longer valid.")),
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
    *,
    detail: Message | None = None,
    **extra: Any,
) -> JSONResponse:
    """Build one problem+json response; `detail` defaults to the `message` itself."""
    lang = language(request)
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": message.pick(lang),
        "status": status,
        "detail": (detail or message).pick(lang),
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


TITLE_FIELDS = 5
"""How many wrong fields the 422's title (and `message`) names; `detail` names them all."""

_MALFORMED_JSON = Message(
    id="Isi permintaan bukan JSON yang valid.", en="The request body is not valid JSON."
)


def invalid_input(
    request: Request, errors: Sequence[Mapping[str, Any]], headers: dict[str, str] | None = None
) -> JSONResponse:
    """422 `invalid-input` naming every wrong field (pydantic's error dicts) in the caller's words.

    The title counts all of them and names the first few, `detail` names every listed one,
    `errors` lists the first `MAX_FIELD_ERRORS`.
    """
    rendered = field_problems(errors, language(request))
    count = len(errors)
    names = list(dict.fromkeys(entry["field"] for entry in rendered))
    named, more = ", ".join(names[:TITLE_FIELDS]), len(names) > TITLE_FIELDS
    fields = ", ".join(names)
    title = Message(
        id=f"Data tidak valid ({count} kolom): {named}{' dan lainnya' if more else ''}.",
        en=f"The data is not valid ({count} field{'s' if count != 1 else ''}): {named}"
        f"{' and more' if more else ''}.",
    )
    detail = Message(id=f"Periksa kolom: {fields}.", en=f"Check the fields: {fields}.")
    return problem(
        request, 422, "invalid-input", title, headers=headers, detail=detail, errors=rendered
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem(request, exc.status, exc.code, exc.message, **exc.extra)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """400 if the body is not JSON at all (nothing to name a field of), else 422 per field.

    A body that parses but has the wrong shape (an array where an object is expected) is
    invalid data, not a malformed request: 422 with `model_attributes_type` on `body`.
    """
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    malformed = next((err for err in errors if _is_unparsed_body(err)), None)
    if malformed is not None:
        loc = malformed["loc"]
        where: dict[str, Any] = {"position": loc[1]} if len(loc) == 2 else {}
        return problem(request, 400, "malformed-json", _MALFORMED_JSON, **where)
    return invalid_input(request, errors)


def _is_unparsed_body(error: Mapping[str, Any]) -> bool:
    """FastAPI's "the body is not JSON": `json_invalid` at `("body", <character position>)`.

    A `Json[...]` field holding bad JSON is `json_invalid` too, but at the field: a 422.
    """
    loc = tuple(error.get("loc", ()))
    at_body = loc[:1] == ("body",) and (len(loc) == 1 or (len(loc) == 2 and type(loc[1]) is int))
    return error.get("type") == "json_invalid" and at_body


def _allow(request: Request, exc: StarletteHTTPException) -> str:
    """Every method of the request's path; an endpoint's own 405 (static files) as it said."""
    routes = request.app.router.routes
    if any(route.matches(request.scope)[0] is Match.FULL for route in routes):
        raised = (exc.headers or {}).get("Allow", "")
        methods = {m.strip() for m in raised.split(",") if m.strip()} | {"OPTIONS"}
        return ", ".join(sorted(methods))
    return ", ".join(allowed_methods(routes, request.scope))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:  # the path is known: name all its methods, answer OPTIONS
        allow = _allow(request, exc)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        code, message = _STATUS_MESSAGES[405]
        detail = Message(id=f"Gunakan salah satu: {allow}.", en=f"Use one of: {allow}.")
        headers = {**(headers or {}), "Allow": allow}
        return problem(request, 405, code, message, headers=headers, detail=detail)
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
