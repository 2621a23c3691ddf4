"""Specification: each operation of the merged document declares what the gateway answers in
front of it (431 always, 413 with a body, 401/429/503 when proxied), every error as the one
`Problem`, and the credentials it takes (required where the service refuses anonymous callers).
"""

from __future__ import annotations

from typing import Any

from lumbung_gateway.usecases.edge_answers import ANYONE, SIGNED_IN, declare_edge
from lumbung_gateway.usecases.merge_documents import prune_components
from lumbung_shared.web.openapi31 import as_openapi_3_1

PROBLEM_REF = "#/components/schemas/Problem"


def _problem(description: str = "service's own") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}},
    }


FASTAPI_422 = {
    "description": "Validation Error",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
    },
}


def _doc(**operations: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for key, operation in operations.items():
        method, _, name = key.partition("_")
        paths.setdefault(f"/v1/{name}" if name != "healthz" else "/healthz", {})[method] = {
            "responses": {"200": {"description": "ok"}},
            **operation,
        }
    return {"paths": paths}


def _proxied(path: str) -> bool:
    return path.startswith("/v1/")


class TestGatewayAnswers:
    def test_a_route_it_serves_itself_gets_only_the_header_limit(self) -> None:
        doc = _doc(get_healthz={})
        declare_edge(doc, _proxied)
        operation = doc["paths"]["/healthz"]["get"]
        assert set(operation["responses"]) == {"200", "431"}
        assert "security" not in operation

    def test_a_proxied_write_gets_the_body_limit_credentials_budget_and_availability(
        self,
    ) -> None:
        doc = _doc(post_zones={"requestBody": {"content": {}}})
        declare_edge(doc, _proxied)
        responses = doc["paths"]["/v1/zones"]["post"]["responses"]
        assert list(responses) == ["200", "401", "413", "429", "431", "503"]

    def test_what_the_service_declares_is_kept(self) -> None:
        doc = _doc(get_zones={"responses": {"200": {}, "404": _problem("no such zone")}})
        declare_edge(doc, _proxied)
        assert doc["paths"]["/v1/zones"]["get"]["responses"]["404"]["description"] == (
            "no such zone"
        )

    def test_waiting_answers_name_retry_after(self) -> None:
        doc = _doc(get_zones={"responses": {"200": {}, "429": _problem("checkout busy")}})
        declare_edge(doc, _proxied)
        responses = doc["paths"]["/v1/zones"]["get"]["responses"]
        for status in ("429", "503"):
            assert responses[status]["headers"]["Retry-After"]["schema"] == {
                "type": "integer",
                "minimum": 1,
            }
        assert responses["429"]["description"] == "checkout busy"

    def test_fastapis_validation_shape_becomes_a_problem_and_its_schema_goes(self) -> None:
        doc = _doc(get_zones={"responses": {"200": {}, "422": FASTAPI_422}})
        doc["components"] = {"schemas": {"HTTPValidationError": {}, "Problem": {}}}
        declare_edge(doc, _proxied)
        prune_components(doc)
        content = doc["paths"]["/v1/zones"]["get"]["responses"]["422"]["content"]
        assert content == {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}}
        assert set(doc["components"]["schemas"]) == {"Problem"}


class TestSecurity:
    def test_a_service_operation_that_refuses_anonymous_callers_needs_a_credential(self) -> None:
        doc = _doc(post_zones={"responses": {"201": {}, "401": _problem()}})
        declare_edge(doc, _proxied)
        assert doc["paths"]["/v1/zones"]["post"]["security"] == SIGNED_IN

    def test_a_public_service_operation_takes_one_optionally(self) -> None:
        doc = _doc(get_zones={})
        declare_edge(doc, _proxied)
        assert doc["paths"]["/v1/zones"]["get"]["security"] == ANYONE
        assert ANYONE[0] == {}

    def test_a_services_own_declaration_wins(self) -> None:
        doc = _doc(get_zones={"security": [{"bearerAuth": []}]})
        declare_edge(doc, _proxied)
        assert doc["paths"]["/v1/zones"]["get"]["security"] == [{"bearerAuth": []}]


class TestOpenApi31:
    def test_a_streams_3_2_item_schema_is_kept_as_an_extension(self) -> None:
        item = {"type": "object", "properties": {"data": {"type": "string"}}}
        doc = _doc(get_events={"responses": {"200": {"content": {"text/event-stream": {}}}}})
        media = doc["paths"]["/v1/events"]["get"]["responses"]["200"]["content"]
        media["text/event-stream"]["itemSchema"] = item
        as_openapi_3_1(doc)
        assert media["text/event-stream"] == {"schema": {"type": "string"}, "x-itemSchema": item}
