"""Specification: every service's OpenAPI names the `Problem` its error responses refer to.

`problem_responses` points at `#/components/schemas/Problem`; the service's document defines it
(with `FieldProblem` and `ProblemMessage`), so every reference resolves, and what the handlers
answer is a `Problem` by that schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from lumbung_shared.secrets import generate_secret
from lumbung_shared.service import create_service_app
from lumbung_shared.settings import ServiceSettings
from lumbung_shared.web.problem_schema import Problem
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, Field

zones = APIRouter(prefix="/v1/zones")


class ZoneBody(BaseModel):
    name: str = Field(min_length=3)
    north: float = Field(ge=-90, le=90)


@zones.post("", status_code=201, responses=problem_responses(400, 409, 422))
async def create_zone(body: ZoneBody) -> dict[str, str]:
    return {"name": body.name}


def _app() -> FastAPI:
    settings = ServiceSettings(
        service_name="weather_alerts", mongo_database="unused", internal_secret=generate_secret()
    )
    return create_service_app(
        settings, title="t", description="d", routers=[zones], setup=_no_setup
    )


async def _no_setup(runtime: object) -> None:
    return None


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


async def _call(method: str, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        return await client.request(method, path, **kwargs)


class TestTheDocument:
    async def test_defines_the_problem_models(self) -> None:
        doc = (await _call("GET", "/openapi.json")).json()

        schemas = doc["components"]["schemas"]
        assert {"Problem", "FieldProblem", "ProblemMessage"} <= set(schemas)
        assert schemas["Problem"]["properties"]["errors"]["maxItems"] == 50
        assert set(schemas["Problem"]["required"]) == {
            "type",
            "title",
            "status",
            "detail",
            "instance",
            "message",
        }

    async def test_every_reference_resolves(self) -> None:
        doc = (await _call("GET", "/openapi.json")).json()

        schemas = doc["components"]["schemas"]
        refs = set(_refs(doc))
        assert "#/components/schemas/Problem" in refs
        assert all(ref.removeprefix("#/components/schemas/") in schemas for ref in refs)

    async def test_the_route_s_errors_are_problems(self) -> None:
        doc = (await _call("GET", "/openapi.json")).json()

        responses = doc["paths"]["/v1/zones"]["post"]["responses"]
        assert responses["400"]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }


class TestTheAnswers:
    async def test_an_invalid_input_answer_is_a_problem(self) -> None:
        response = await _call("POST", "/v1/zones", json={"name": "x", "north": 91})

        problem = Problem.model_validate(response.json())
        assert problem.status == 422
        assert [e.field for e in problem.errors] == ["name", "north"]

    async def test_a_malformed_json_answer_is_a_problem(self) -> None:
        response = await _call(
            "POST",
            "/v1/zones",
            content=b"{",
            headers={"content-type": "application/json"},
        )

        assert Problem.model_validate(response.json()).status == 400
