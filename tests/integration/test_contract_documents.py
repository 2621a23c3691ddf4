"""Specification: the published contract documents are valid, and say what the stack does.

The merged `/openapi.json` and each service's own document validate as OpenAPI 3.1
(`openapi-spec-validator`); every AsyncAPI document (each service's `/asyncapi.json` and the
whole system's from `python -m lumbung_shared.asyncapi`) validates with the official AsyncAPI
parser (`@asyncapi/parser`, installed from the npm registry by `devstack.asyncapi_parser`).
The merged document names one `Problem` schema, the gateway's public URL, and per operation
exactly the errors and credentials that the gateway and the service behind it answer with.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.asyncapi_parser import asyncapi_validator
from devstack.stack import Stack
from openapi_spec_validator import validate

SERVICES = ("listings", "orders", "weather_alerts")
PROBLEM_REF = "#/components/schemas/Problem"
ERRORS = "errors (0) or warnings (1)"

Doc = dict[str, Any]


@pytest.fixture(scope="module")
async def merged(stack: Stack) -> Doc:
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as client:
        response = await client.get("/openapi.json")
    assert response.status_code == 200
    doc: Doc = response.json()
    assert "x-unavailable-services" not in doc
    return doc


async def _service_document(stack: Stack, service: str, path: str) -> Doc:
    async with httpx.AsyncClient(base_url=stack.url(service), timeout=30) as client:
        response = await client.get(path)
    assert response.status_code == 200
    doc: Doc = response.json()
    return doc


def _operations(doc: Doc) -> list[tuple[str, str, Doc]]:
    return [
        (method, path, operation)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]


@pytest.fixture(scope="module")
def parse_asyncapi(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`parse_asyncapi(document)`: the official parser's diagnostics of one document."""
    command = asyncapi_validator()
    folder = tmp_path_factory.mktemp("asyncapi")

    def parse(document: Doc) -> list[Doc]:
        path = folder / "document.json"
        path.write_text(json.dumps(document))
        done = subprocess.run(  # noqa: S603 (node running our pinned validator script)
            [*command, str(path)], capture_output=True, text=True, check=True, timeout=120
        )
        diagnostics: list[Doc] = json.loads(done.stdout)[str(path)]
        return diagnostics

    return parse


def _serious(diagnostics: list[Doc]) -> list[str]:
    return [
        f"{d['code']} at {'/'.join(d['path'])}: {d['message']}"
        for d in diagnostics
        if d["severity"] <= 1
    ]


class TestOpenApiDocumentsValidate:
    async def test_the_merged_document(self, merged: Doc) -> None:
        assert merged["openapi"].startswith("3.1")
        validate(merged)

    @pytest.mark.parametrize("service", SERVICES)
    async def test_each_services_own_document(self, stack: Stack, service: str) -> None:
        validate(await _service_document(stack, service, "/openapi.json"))


class TestAsyncApiDocumentsValidate:
    @pytest.mark.parametrize("service", SERVICES)
    async def test_each_services_document(
        self, stack: Stack, service: str, parse_asyncapi: Any
    ) -> None:
        document = await _service_document(stack, service, "/asyncapi.json")
        assert _serious(parse_asyncapi(document)) == [], ERRORS

    def test_the_whole_systems_document(self, parse_asyncapi: Any) -> None:
        printed = subprocess.run(
            [sys.executable, "-m", "lumbung_shared.asyncapi"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parents[2],
        )
        document = json.loads(printed.stdout)
        assert document["operations"] == {}  # the system: every channel, no one's operations
        assert _serious(parse_asyncapi(document)) == [], ERRORS

    def test_the_parser_does_report_a_broken_document(self, parse_asyncapi: Any) -> None:
        broken = {
            "asyncapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "channels": {"c": {"messages": {"m": {"$ref": "#/components/messages/missing"}}}},
        }
        assert any("missing" in line for line in _serious(parse_asyncapi(broken)))


class TestOneProblemSchema:
    def test_the_problem_models_are_shared_not_cloned(self, merged: Doc) -> None:
        schemas = merged["components"]["schemas"]
        assert {"Problem", "FieldProblem", "ProblemMessage"} <= set(schemas)
        assert not [name for name in schemas if name.endswith(("_Problem", "_FieldProblem"))]
        assert "HTTPValidationError" not in schemas  # FastAPI's 422 shape: answered by no route

    def test_every_error_answer_is_a_problem_document(self, merged: Doc) -> None:
        for method, path, operation in _operations(merged):
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    content = response["content"]
                    assert list(content) == ["application/problem+json"], (method, path, status)
                    assert content["application/problem+json"]["schema"]["$ref"] == PROBLEM_REF

    def test_waiting_answers_name_retry_after(self, merged: Doc) -> None:
        placing = merged["paths"]["/v1/orders"]["post"]["responses"]
        for status in ("429", "503"):
            assert placing[status]["headers"]["Retry-After"]["schema"]["type"] == "integer"


def _statuses(merged: Doc, method: str, path: str) -> set[str]:
    return set(merged["paths"][path][method]["responses"])


class TestEachOperationDeclaresItsOwnErrors:
    def test_health_answers_nothing_but_its_own(self, merged: Doc) -> None:
        assert _statuses(merged, "get", "/healthz") == {"200", "431"}
        assert _statuses(merged, "get", "/readyz") == {"200", "431", "503"}

    def test_a_proxied_write_adds_the_gateways_answers_to_the_services(self, merged: Doc) -> None:
        statuses = _statuses(merged, "post", "/v1/listings")
        assert {"400", "422", "403"} <= statuses  # the service's own
        assert {"401", "413", "429", "431", "503"} <= statuses  # the gateway's in front
        assert not statuses & {"412", "428"}  # those are PATCH's (If-Match), not POST's

    def test_a_read_has_no_body_errors(self, merged: Doc) -> None:
        statuses = _statuses(merged, "get", "/v1/zones")
        assert {"401", "429", "431", "503"} <= statuses
        assert not statuses & {"400", "413", "415"}

    def test_the_gateways_admin_routes(self, merged: Doc) -> None:
        assert {"401", "403", "429"} <= _statuses(merged, "post", "/v1/admin/api-keys")
        assert "403" not in _statuses(merged, "post", "/v1/auth/login")
        assert "409" in _statuses(merged, "post", "/v1/auth/register")


class TestSecurityPerOperation:
    def _security(self, merged: Doc, method: str, path: str) -> list[Doc] | None:
        security: list[Doc] | None = merged["paths"][path][method].get("security")
        return security

    def test_no_blanket_requirement(self, merged: Doc) -> None:
        assert "security" not in merged
        assert set(merged["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyAuth"}

    def test_sign_in_and_health_take_no_credential(self, merged: Doc) -> None:
        assert self._security(merged, "post", "/v1/auth/login") is None
        assert self._security(merged, "get", "/healthz") is None

    def test_admin_routes_take_an_admins_token_only(self, merged: Doc) -> None:
        assert self._security(merged, "get", "/v1/admin/api-keys") == [{"bearerAuth": []}]

    def test_a_sellers_route_needs_a_token_or_key(self, merged: Doc) -> None:
        assert self._security(merged, "post", "/v1/listings") == [
            {"bearerAuth": []},
            {"apiKeyAuth": []},
        ]

    def test_public_reads_take_a_credential_optionally(self, merged: Doc) -> None:
        assert self._security(merged, "get", "/v1/listings") == [
            {},
            {"bearerAuth": []},
            {"apiKeyAuth": []},
        ]


class TestServers:
    def test_the_document_names_the_gateways_public_url(self, merged: Doc, stack: Stack) -> None:
        assert [server["url"] for server in merged["servers"]] == [stack.url("gateway")]
