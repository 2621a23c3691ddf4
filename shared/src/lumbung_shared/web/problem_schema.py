"""The problem+json document as named pydantic models, published in every service's OpenAPI.

`problem_responses` points each route's error statuses at `#/components/schemas/Problem`;
FastAPI only emits schemas of models that routes use directly, so `publish_problem_schema`
adds these to the generated document, and a client generator gets one typed `Problem` (with
its `FieldProblem` list) instead of an unresolved reference.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from lumbung_shared.web.field_errors import MAX_FIELD_ERRORS
from lumbung_shared.web.openapi31 import as_openapi_3_1

COMPONENT_REF = "#/components/schemas/{model}"


class ProblemMessage(BaseModel):
    """The problem's sentence in both languages, whatever `Accept-Language` chose for `title`."""

    id: str = Field(description="Indonesian.", examples=["Data tidak valid (1 kolom): quantity."])
    en: str = Field(description="English.", examples=["The data is not valid (1 field): quantity."])


class FieldProblem(BaseModel):
    """One wrong field of a request, in the caller's language."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "loc": ["body", "lines", 0, "quantity"],
                    "field": "lines[0].quantity",
                    "type": "greater_than",
                    "msg": "Harus lebih dari 0.",
                }
            ]
        },
    )

    loc: list[str | int] = Field(description="Where: the source (`body`, `query`...) and path.")
    field: str = Field(description="The field's dotted name, e.g. `lines[0].quantity`.")
    type: str = Field(
        description="Stable error code: a pydantic error type (`missing`, `too_long`...) or a "
        "Lumbung rule (`unknown-commodity`...). Branch on this, not on `msg`."
    )
    msg: str = Field(description="What is wrong, in the caller's language (id or en).")


class Problem(BaseModel):
    """RFC 9457 problem details; `title` and `detail` follow `Accept-Language` (id, en).

    Error-specific members (`max_bytes`, `current_state`, `retry_after_seconds`...) may follow.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "https://lumbung.id/problems/invalid-input",
                    "title": "Data tidak valid (1 kolom): quantity.",
                    "status": 422,
                    "detail": "Periksa kolom: quantity.",
                    "instance": "/v1/orders",
                    "message": {
                        "id": "Data tidak valid (1 kolom): quantity.",
                        "en": "The data is not valid (1 field): quantity.",
                    },
                    "errors": [
                        {
                            "loc": ["body", "quantity"],
                            "field": "quantity",
                            "type": "greater_than",
                            "msg": "Harus lebih dari 0.",
                        }
                    ],
                }
            ]
        },
    )

    type: str = Field(
        json_schema_extra={"format": "uri"},
        description="`https://lumbung.id/problems/<code>`: stable, branch on it.",
    )
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str = Field(description="The path the problem is about.")
    message: ProblemMessage
    errors: list[FieldProblem] = Field(
        default_factory=list,
        max_length=MAX_FIELD_ERRORS,
        description="Every wrong field (422 `invalid-input`), at most "
        f"{MAX_FIELD_ERRORS}; the title counts them all.",
    )


def problem_components() -> dict[str, Any]:
    """`components.schemas` entries for `Problem` and the models it refers to."""
    _, schema = models_json_schema([(Problem, "validation")], ref_template=COMPONENT_REF)
    definitions: dict[str, Any] = schema["$defs"]
    return definitions


def publish_problem_schema(app: FastAPI) -> None:
    """Add the problem models to `app`'s generated OpenAPI document (built once, then cached).

    The document is also kept valid OpenAPI 3.1 (`as_openapi_3_1`), so each service's own
    `/openapi.json` validates, not only the gateway's merged one.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            for name, definition in problem_components().items():
                schemas.setdefault(name, definition)
            as_openapi_3_1(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
