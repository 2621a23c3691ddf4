"""Specification: merging service documents keeps every definition and every reference right,
with one shared `Problem`; the merged document is cached, and rebuilt sooner while a service is
missing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lumbung_gateway.usecases.describe_api import ApiDescription, finish
from lumbung_gateway.usecases.merge_documents import merge_service

PUBLIC_URL = "https://api.example.test"
PROBLEM = {"type": "object", "properties": {"status": {"type": "integer"}}}


def _service(view: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "paths": {
            path: {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/View"}
                                }
                            }
                        }
                    }
                }
            },
            "/healthz": {"get": {"responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": {"View": view, "Shared": {"type": "string"}}},
    }


def _owns(prefix: str) -> Any:
    return lambda path: path.startswith(prefix)


class TestMerge:
    def test_clashing_names_are_renamed_with_their_references(self) -> None:
        merged: dict[str, Any] = {"paths": {}}
        merge_service(
            merged, _service({"type": "object"}, "/v1/listings"), "listings", _owns("/v1/listings")
        )
        merge_service(
            merged, _service({"type": "array"}, "/v1/orders"), "orders", _owns("/v1/orders")
        )

        schemas = merged["components"]["schemas"]
        assert schemas["View"] == {"type": "object"}
        assert schemas["orders_View"] == {"type": "array"}
        assert "orders_Shared" not in schemas  # identical definitions are shared
        orders_ref = merged["paths"]["/v1/orders"]["get"]["responses"]["200"]["content"]
        assert (
            orders_ref["application/json"]["schema"]["$ref"] == "#/components/schemas/orders_View"
        )

    def test_only_routed_paths_are_taken(self) -> None:
        merged: dict[str, Any] = {"paths": {}}
        merge_service(merged, _service({}, "/v1/listings"), "listings", _owns("/v1/listings"))
        assert list(merged["paths"]) == ["/v1/listings"]

    def test_a_clash_inside_a_shared_name_renames_the_referrer_too(self) -> None:
        merged: dict[str, Any] = {"paths": {}}
        first = {
            "components": {
                "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}}
            }
        }
        second = {
            "components": {
                "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "integer"}}
            }
        }
        merge_service(merged, first, "one", _owns("/x"))
        merge_service(merged, second, "two", _owns("/x"))
        schemas = merged["components"]["schemas"]
        assert schemas["two_A"] == {"$ref": "#/components/schemas/two_B"}
        assert schemas["A"] == {"$ref": "#/components/schemas/B"}

    def test_a_services_copy_of_a_shared_schema_is_dropped_not_renamed(self) -> None:
        merged: dict[str, Any] = {"components": {"schemas": {"Problem": PROBLEM}}}
        service = _service({}, "/v1/listings")
        service["components"]["schemas"]["Problem"] = {"type": "object", "title": "older copy"}
        merge_service(merged, service, "listings", _owns("/v1/listings"), frozenset({"Problem"}))
        schemas = merged["components"]["schemas"]
        assert schemas["Problem"] == PROBLEM
        assert "listings_Problem" not in schemas

    def test_finish_names_the_server_and_the_event_documents(self) -> None:
        merged: dict[str, Any] = {"paths": {}, "security": [{}]}
        merge_service(merged, _service({}, "/v1/listings"), "listings", _owns("/v1/listings"))
        doc = finish(
            merged,
            public_url=PUBLIC_URL,
            asyncapi_links={"listings": "/v1/asyncapi/listings"},
            missing=["orders"],
        )
        assert doc["servers"] == [{"url": PUBLIC_URL, "description": "The Lumbung gateway"}]
        assert "security" not in doc  # declared per operation
        assert set(doc["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyAuth"}
        assert doc["x-asyncapi"] == {"listings": "/v1/asyncapi/listings"}
        assert doc["x-unavailable-services"] == ["orders"]

    def test_finish_drops_components_no_path_uses(self) -> None:
        merged: dict[str, Any] = {"paths": {}}
        merge_service(merged, _service({}, "/v1/listings"), "listings", _owns("/v1/listings"))
        doc = finish(merged, public_url=PUBLIC_URL, asyncapi_links={})
        assert set(doc["components"]["schemas"]) == {"View"}  # not `Shared`


class _Services:
    def __init__(self, answering: set[str]) -> None:
        self.answering = answering
        self.fetches: list[tuple[str, str]] = []

    @property
    def names(self) -> Sequence[str]:
        return ["listings", "orders"]

    async def fetch_json(self, name: str, path: str) -> dict[str, Any] | None:
        self.fetches.append((name, path))
        if name not in self.answering:
            return None
        return {"asyncapi": "3.0.0"} if path == "/asyncapi.json" else {"paths": {}}


def _own() -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def _own_with_a_route() -> dict[str, Any]:
    return {**_own(), "paths": {"/healthz": {"get": {"responses": {"200": {}}}}}}


def _description(services: _Services, cache_seconds: float) -> ApiDescription:
    return ApiDescription(
        services, cache_seconds, public_url=PUBLIC_URL, shared_schemas={"Problem": PROBLEM}
    )


class TestApiDescription:
    async def test_a_complete_document_is_served_from_cache(self) -> None:
        services = _Services({"listings", "orders"})
        description = _description(services, cache_seconds=600)

        first = await description.openapi(_own)
        second = await description.openapi(_own)

        assert first is second
        assert len(services.fetches) == 2
        assert "x-unavailable-services" not in first

    async def test_the_shared_schemas_are_in_the_document(self) -> None:
        doc = await _description(_Services({"listings"}), 600).build(_own_with_a_route())
        assert doc["components"]["schemas"]["Problem"] == PROBLEM

    async def test_a_missing_service_is_named_and_the_document_is_rebuilt_soon(self) -> None:
        services = _Services({"listings"})
        description = _description(services, cache_seconds=0)

        doc = await description.openapi(_own)
        await description.openapi(_own)

        assert doc["x-unavailable-services"] == ["orders"]
        assert len(services.fetches) == 4

    async def test_asyncapi_documents_are_passed_through_for_known_services_only(self) -> None:
        description = _description(_Services({"listings"}), cache_seconds=600)

        assert await description.asyncapi("listings") == {"asyncapi": "3.0.0"}
        assert await description.asyncapi("orders") is None
        assert await description.asyncapi("nope") is None
        assert description.asyncapi_index() == {
            "listings": "/v1/asyncapi/listings",
            "orders": "/v1/asyncapi/orders",
        }
