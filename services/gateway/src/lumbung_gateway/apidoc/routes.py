"""`/openapi.json`, `/docs` and the AsyncAPI links: the one description of the public API.

Each service's `/openapi.json` is fetched with a short timeout and the merged document is kept
for `openapi_cache_seconds`; a service that does not answer is left out (and named in
`x-unavailable-services`) and the document is rebuilt sooner, so a restart does not leave a
hole for a minute. AsyncAPI documents are passed through from each service's `/asyncapi.json`
when it has one.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from lumbung_shared.errors import NotFoundError

from lumbung_gateway.api.deps import Runtime
from lumbung_gateway.apidoc.merge import Doc, finish, merge_service
from lumbung_gateway.runtime import GatewayRuntime
from lumbung_gateway.upstreams import Upstream, upstream_for

router = APIRouter(tags=["documentation"])
FETCH_TIMEOUT_SECONDS = 3.0
RETRY_INCOMPLETE_SECONDS = 5.0
TITLE = "Lumbung API"
DESCRIPTION = (
    "The one entry point of the Lumbung marketplace. Authenticate with `Authorization: Bearer "
    "<access token>` from `/v1/auth/login`, or (agency systems) `X-API-Key`. Errors are RFC 9457 "
    "problem documents in Indonesian or English (`Accept-Language`). Events: see `x-asyncapi` "
    "and `/v1/asyncapi`."
)


class _Cache:
    """The last merged document and when it goes stale."""

    def __init__(self) -> None:
        self.doc: Doc | None = None
        self.expires = 0.0
        self.lock = asyncio.Lock()


_cache_key = "_openapi_cache"


async def _fetch_json(upstream: Upstream, path: str) -> Doc | None:
    try:
        response = await upstream.client.get(path, timeout=FETCH_TIMEOUT_SECONDS)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _own_document(request: Request) -> Doc:
    return get_openapi(
        title=TITLE,
        version=request.app.version,
        description=DESCRIPTION,
        routes=request.app.routes,
    )


def _owned_by(name: str) -> Callable[[str], bool]:
    return lambda path: upstream_for(path) == name


async def build_document(request: Request, runtime: GatewayRuntime) -> Doc:
    """Merge the gateway's routes with every answering service's public routes."""
    merged = _own_document(request)
    names = sorted(runtime.upstreams)
    docs = await asyncio.gather(
        *(_fetch_json(runtime.upstreams[n], "/openapi.json") for n in names)
    )
    missing = []
    for name, doc in zip(names, docs, strict=True):
        if doc is None:
            missing.append(name)
            continue
        merge_service(merged, doc, name, _owned_by(name))
    links = {name: f"/v1/asyncapi/{name}" for name in names}
    return finish(merged, links, missing)


async def merged_document(request: Request, runtime: GatewayRuntime) -> Doc:
    """The cached merged document, rebuilt when stale."""
    cache: _Cache = getattr(request.app.state, _cache_key, None) or _Cache()
    setattr(request.app.state, _cache_key, cache)
    async with cache.lock:
        if cache.doc is None or time.monotonic() >= cache.expires:
            doc = await build_document(request, runtime)
            ttl = runtime.settings.openapi_cache_seconds
            if doc.get("x-unavailable-services"):
                ttl = min(ttl, RETRY_INCOMPLETE_SECONDS)
            cache.doc, cache.expires = doc, time.monotonic() + ttl
        return cache.doc


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request, runtime: Runtime) -> JSONResponse:
    """The merged OpenAPI document."""
    return JSONResponse(await merged_document(request, runtime))


SWAGGER_CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def _docs_csp(html: bytes) -> str:
    """A CSP allowing exactly this page's inline script (by hash) and Swagger UI's CDN files."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src {SWAGGER_CDN} {hashes}; style-src {SWAGGER_CDN}; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    """Swagger UI over the merged document."""
    page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{TITLE} - docs")
    page.headers["Content-Security-Policy"] = _docs_csp(bytes(page.body))
    return page


@router.get("/v1/asyncapi", summary="Event documentation index")
async def asyncapi_index(runtime: Runtime) -> dict[str, str]:
    """Where each service's AsyncAPI document (its Kafka events) is served."""
    return {name: f"/v1/asyncapi/{name}" for name in sorted(runtime.upstreams)}


@router.get("/v1/asyncapi/{service}", summary="One service's AsyncAPI document")
async def asyncapi(service: str, runtime: Runtime) -> dict[str, Any]:
    """The AsyncAPI document a service publishes for its events; 404 if it has none."""
    upstream = runtime.upstreams.get(service)
    doc = None if upstream is None else await _fetch_json(upstream, "/asyncapi.json")
    if doc is None:
        raise NotFoundError("Dokumen AsyncAPI", "AsyncAPI document")
    return doc
