"""The problem responses a route declares, so its OpenAPI names every status it can answer.

Each service route passes `responses=problem_responses(404, 409)`; the gateway adds only what it
answers itself (401, 429, 503, …). One description per status keeps the documents uniform.
"""

from __future__ import annotations

from typing import Any

from lumbung_shared.web.problems import PROBLEM_JSON

PROBLEM_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request (for example JSON that does not parse).",
    401: "No valid credential where one is needed.",
    403: "The caller's role or scope may not do this.",
    404: "Not found, or not the caller's to see.",
    405: "Method not allowed on this path; see `Allow`.",
    406: "None of the accepted formats can be produced.",
    409: "Conflicts with the current state.",
    410: "Gone: the cursor or object has expired.",
    412: "The object changed since it was read (stale `If-Match`).",
    413: "Request body too large.",
    415: "Unsupported content type.",
    422: "The data is not valid: every field error at once, in `errors`.",
    428: "A required precondition header is missing.",
    429: "Too many requests; see `Retry-After`.",
    431: "Request header fields too large.",
    503: "The service is unavailable, busy or slow to answer; see `Retry-After`.",
}

PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """FastAPI `responses=` for these statuses, each a problem+json document."""
    return {
        status: {
            "description": PROBLEM_DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
        }
        for status in statuses
    }
