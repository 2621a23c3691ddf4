"""Describe the public API: the gateway's own routes and each service's, merged into one.

Each service's `/openapi.json` is fetched with a short timeout and the merged document is kept
for `openapi_cache_seconds`; a service that does not answer is left out (and named in
`x-unavailable-services`) and the document is rebuilt sooner, so a restart does not leave a
hole for a minute.

Only paths the gateway actually routes to a service are taken from it (never its health or
internal routes); see `merge_documents` for how components are merged. Every operation then
also documents what the gateway itself answers in front of it and which credentials it takes
(`edge_answers`), and the document names the gateway's public URL as its server.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from lumbung_shared.web.openapi31 import as_openapi_3_1

from lumbung_gateway.domain.upstreams import upstream_for
from lumbung_gateway.usecases.edge_answers import SECURITY_SCHEMES, declare_edge
from lumbung_gateway.usecases.merge_documents import merge_service, prune_components

Doc = dict[str, Any]
RETRY_INCOMPLETE_SECONDS = 5.0


def _proxied(path: str) -> bool:
    return upstream_for(path) is not None


def finish(
    merged: Doc,
    *,
    public_url: str,
    asyncapi_links: Mapping[str, str],
    missing: Sequence[str] = (),
) -> Doc:
    """The server, security schemes, the gateway's own answers, links to event documentation."""
    doc = copy.deepcopy(merged)
    doc["servers"] = [{"url": public_url, "description": "The Lumbung gateway"}]
    doc.pop("security", None)  # per operation (`edge_answers`), never one blanket list
    doc.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    declare_edge(doc, _proxied)
    as_openapi_3_1(doc)
    prune_components(doc)
    doc["x-asyncapi"] = dict(asyncapi_links)
    if missing:
        doc["x-unavailable-services"] = sorted(missing)
    return doc


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
    """The merged OpenAPI document, cached; and each service's AsyncAPI document.

    `shared_schemas` are the components every document uses alike (the `Problem` models): the
    merged document has exactly these, whatever copies the services carry.
    """

    def __init__(
        self,
        services: ServiceDocuments,
        cache_seconds: float,
        *,
        public_url: str,
        shared_schemas: Mapping[str, Doc],
    ) -> None:
        self._services = services
        self._cache_seconds = cache_seconds
        self.public_url = public_url
        self._shared = dict(shared_schemas)
        self._doc: Doc | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def build(self, own: Doc) -> Doc:
        """Merge the gateway's own document with every answering service's public routes."""
        merged = copy.deepcopy(own)
        merged.setdefault("components", {}).setdefault("schemas", {}).update(
            copy.deepcopy(self._shared)
        )
        names = sorted(self._services.names)
        docs = await asyncio.gather(*(self._services.fetch_json(n, "/openapi.json") for n in names))
        missing = []
        for name, doc in zip(names, docs, strict=True):
            if doc is None:
                missing.append(name)
                continue
            merge_service(merged, doc, name, _owned_by(name), frozenset(self._shared))
        return finish(
            merged,
            public_url=self.public_url,
            asyncapi_links=asyncapi_links(names),
            missing=missing,
        )

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
