"""Describe the public API: the gateway's own routes and each service's, merged into one.

Each service's `/openapi.json` is fetched with a short timeout and the merged document is kept
for `openapi_cache_seconds`; a service that does not answer is left out (and named in
`x-unavailable-services`) and the document is rebuilt sooner, so a restart does not leave a
hole for a minute.

Only paths the gateway actually routes to a service are taken from it (never its health or
internal routes). Component names that two services define differently are renamed
`<service>_<Name>` in the later service's document, together with every `$ref` to them, so no
definition silently replaces another; identical definitions are shared. Every operation then
documents the errors the gateway itself can answer with, as RFC 9457 problem documents.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from lumbung_gateway.domain.upstreams import upstream_for

Doc = dict[str, Any]
REF_PREFIX = "#/components/"
PROBLEM = "application/problem+json"
METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})

PROBLEM_SCHEMA: Doc = {
    "type": "object",
    "description": "RFC 9457 problem details; `title`/`detail` follow Accept-Language (id, en).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "message": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
        },
    },
    "additionalProperties": True,
}
GATEWAY_ERRORS: Mapping[str, str] = {
    "400": "The request is malformed.",
    "401": "No valid credential (token or API key) where one is needed.",
    "403": "The caller's role may not do this.",
    "404": "Not found, or not the caller's to see.",
    "409": "Conflicts with the current state.",
    "412": "The object changed since it was read (stale If-Match).",
    "413": "Request body too large.",
    "415": "Unsupported content type.",
    "422": "The data is not valid.",
    "428": "A required precondition header is missing.",
    "429": "Too many requests; see Retry-After.",
    "503": "The service is unavailable, busy or slow to answer; see Retry-After.",
}
SECURITY_SCHEMES: Doc = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "apiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


def _walk_refs(node: Any, rewrite: Callable[[str], str]) -> Any:
    """A copy of `node` with every `$ref` string passed through `rewrite`."""
    if isinstance(node, dict):
        return {
            k: rewrite(v) if k == "$ref" and isinstance(v, str) else _walk_refs(v, rewrite)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_walk_refs(item, rewrite) for item in node]
    return node


def _renamer(renames: Mapping[tuple[str, str], str]) -> Callable[[str], str]:
    def rewrite(ref: str) -> str:
        if not ref.startswith(REF_PREFIX):
            return ref
        section, _, name = ref[len(REF_PREFIX) :].partition("/")
        return f"{REF_PREFIX}{section}/{renames.get((section, name), name)}"

    return rewrite


def _clashes(merged: Doc, incoming: Doc, service: str) -> dict[tuple[str, str], str]:
    """Renames for incoming components that differ from same-named merged ones (fixed point)."""
    renames: dict[tuple[str, str], str] = {}
    while True:
        rewrite = _renamer(renames)
        found = False
        for section, items in incoming.items():
            for name, definition in items.items():
                key = (section, name)
                existing = merged.get(section, {}).get(name)
                if key in renames or existing is None:
                    continue
                if existing != _walk_refs(definition, rewrite):
                    renames[key] = f"{service}_{name}"
                    found = True
        if not found:
            return renames


def merge_service(merged: Doc, service_doc: Doc, service: str, owns: Callable[[str], bool]) -> None:
    """Add the paths `owns` accepts and the components they may use from one service."""
    components = {
        k: v for k, v in service_doc.get("components", {}).items() if k != "securitySchemes"
    }
    target = merged.setdefault("components", {})
    renames = _clashes(target, components, service)
    rewrite = _renamer(renames)
    for section, items in components.items():
        into = target.setdefault(section, {})
        for name, definition in items.items():
            into[renames.get((section, name), name)] = _walk_refs(definition, rewrite)
    for path, item in service_doc.get("paths", {}).items():
        if owns(path):
            merged.setdefault("paths", {})[path] = _walk_refs(item, rewrite)


def _problem_response(description: str) -> Doc:
    return {
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": f"{REF_PREFIX}schemas/Problem"}}},
    }


def add_gateway_errors(merged: Doc) -> None:
    """Document the gateway's problem responses on every operation (replacing error shapes)."""
    for item in merged.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in GATEWAY_ERRORS.items():
                responses[status] = _problem_response(description)
            for status in list(responses):
                if status[:1] in {"4", "5"} and status not in GATEWAY_ERRORS:
                    responses[status] = _problem_response(responses[status].get("description", ""))


def finish(merged: Doc, asyncapi_links: Mapping[str, str], missing: list[str]) -> Doc:
    """Security schemes, the problem schema, links to event documentation."""
    doc = copy.deepcopy(merged)
    components = doc.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    doc["security"] = [{}, {"bearerAuth": []}, {"apiKeyAuth": []}]
    add_gateway_errors(doc)
    doc["x-asyncapi"] = dict(asyncapi_links)
    if missing:
        doc["x-unavailable-services"] = sorted(missing)
    return doc


RETRY_INCOMPLETE_SECONDS = 5.0


class ServiceDocuments(Protocol):
    """The services behind the gateway, as far as their documents go."""

    @property
    def names(self) -> Sequence[str]:
        """The services, sorted."""
        ...

    async def fetch_json(self, name: str, path: str) -> Doc | None:
        """The JSON object a service serves at `path`; None if it does not answer with one."""
        ...


def _owned_by(name: str) -> Callable[[str], bool]:
    return lambda path: upstream_for(path) == name


def asyncapi_links(names: Sequence[str]) -> dict[str, str]:
    """Where each service's AsyncAPI document is served through the gateway."""
    return {name: f"/v1/asyncapi/{name}" for name in sorted(names)}


class ApiDescription:
    """The merged OpenAPI document, cached; and each service's AsyncAPI document."""

    def __init__(self, services: ServiceDocuments, cache_seconds: float) -> None:
        self._services = services
        self._cache_seconds = cache_seconds
        self._doc: Doc | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def build(self, own: Doc) -> Doc:
        """Merge the gateway's own document with every answering service's public routes."""
        merged = copy.deepcopy(own)
        names = sorted(self._services.names)
        docs = await asyncio.gather(*(self._services.fetch_json(n, "/openapi.json") for n in names))
        missing = []
        for name, doc in zip(names, docs, strict=True):
            if doc is None:
                missing.append(name)
                continue
            merge_service(merged, doc, name, _owned_by(name))
        return finish(merged, asyncapi_links(names), missing)

    async def openapi(self, own: Callable[[], Doc]) -> Doc:
        """The cached merged document, rebuilt when stale (sooner when a service was missing)."""
        async with self._lock:
            if self._doc is None or time.monotonic() >= self._expires:
                doc = await self.build(own())
                ttl = self._cache_seconds
                if doc.get("x-unavailable-services"):
                    ttl = min(ttl, RETRY_INCOMPLETE_SECONDS)
                self._doc, self._expires = doc, time.monotonic() + ttl
            return self._doc

    def asyncapi_index(self) -> dict[str, str]:
        """Where each service's AsyncAPI document (its Kafka events) is served."""
        return asyncapi_links(self._services.names)

    async def asyncapi(self, service: str) -> Doc | None:
        """The AsyncAPI document `service` publishes; None if unknown or it has none."""
        if service not in self._services.names:
            return None
        return await self._services.fetch_json(service, "/asyncapi.json")
