"""What the gateway itself may answer for an operation, added to what the route declares.

A service's document says what the service answers (each route's `problem_responses`), and the
gateway's own routes say what they answer (see `api.openapi`). In front of every route the
gateway may also answer:

- 431 on every operation: a header block over the limit is refused before any route runs;
- 413 on operations with a request body: a JSON body or upload over its limit;
- on every operation it forwards to a service: 401 for a token or API key that is not valid
  (`api.auth.authenticate`, even where none is needed), 429 when the caller's address, account
  or order-placement budget is spent, and 503 when the service is away, busy or slow.

429 and 503 carry `Retry-After` (whole seconds). Every error answer is one `Problem` document;
FastAPI's default 422 shape is replaced, since no route of Lumbung answers it.

Security, per operation: the gateway accepts a bearer token or an agency API key on every
route and lets the service decide by role, so a service operation that refuses anonymous
callers (it declares 401: `require_roles`) needs either of them, and the others take one
optionally (`{}` first) — a seller, for instance, sees her own drafts where anyone may look.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lumbung_shared.web.problems import PROBLEM_JSON
from lumbung_shared.web.responses import PROBLEM_SCHEMA_REF, problem_responses

Doc = dict[str, Any]
METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})

SECURITY_SCHEMES: Doc = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from `POST /v1/auth/login` (minutes; refresh it).",
    },
    "apiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "An agency system's key, issued by an admin (`POST /v1/admin/api-keys`).",
    },
}
SIGNED_IN: list[Doc] = [{"bearerAuth": []}, {"apiKeyAuth": []}]
"""A credential is required: a token, or an agency's API key (never both)."""
ANYONE: list[Doc] = [{}, {"bearerAuth": []}, {"apiKeyAuth": []}]
"""Anonymous callers welcome; a credential, if sent, must be valid (else 401)."""
ADMIN_ONLY: list[Doc] = [{"bearerAuth": []}]
"""An admin's token: API keys belong to agencies, never to admins."""

RETRY_AFTER: Doc = {
    "Retry-After": {
        "description": "Whole seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
PROXIED_ANSWERS = (401, 429, 503)


def problem(status: int) -> Doc:
    """The gateway's standard problem response for `status`."""
    response: Doc = dict(problem_responses(status)[status])
    if status in {429, 503}:
        response["headers"] = dict(RETRY_AFTER)
    return response


def _is_problem(response: Doc) -> bool:
    schema = response.get("content", {}).get(PROBLEM_JSON, {}).get("schema", {})
    return bool(schema.get("$ref") == PROBLEM_SCHEMA_REF)


def _finish_errors(responses: Doc) -> None:
    """Every 4xx/5xx is a `Problem` document (FastAPI's 422 shape replaced); 429/503 name
    `Retry-After`; the statuses in order."""
    for status, response in list(responses.items()):
        if status[:1] not in {"4", "5"}:
            continue
        if not _is_problem(response):
            responses[status] = problem(int(status))
        elif status in {"429", "503"}:
            response.setdefault("headers", {}).update(RETRY_AFTER)
    ordered = dict(sorted(responses.items()))
    responses.clear()
    responses.update(ordered)


def declare_edge(doc: Doc, proxied: Callable[[str], bool]) -> None:
    """Add to every operation of `doc` what the gateway answers in front of it (see above)."""
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses: Doc = operation.setdefault("responses", {})
            statuses = {431}
            if "requestBody" in operation:
                statuses.add(413)
            if proxied(path):
                operation.setdefault("security", SIGNED_IN if "401" in responses else ANYONE)
                statuses.update(PROXIED_ANSWERS)
            for status in statuses:
                responses.setdefault(str(status), problem(status))
            _finish_errors(responses)
