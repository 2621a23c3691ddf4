"""`/openapi.json`, `/docs` and the AsyncAPI links: the one description of the public API.

The merging and caching is the `describe_api` use case; these routes hand it the gateway's own
document and render what it returns. AsyncAPI documents are passed through from each service's
`/asyncapi.json` when it has one.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from lumbung_shared.errors import NotFoundError

from lumbung_gateway.api.deps import ApiDescriptionDep
from lumbung_gateway.usecases.describe_api import Doc

router = APIRouter(tags=["documentation"])
TITLE = "Lumbung API"
DESCRIPTION = (
    "The one entry point of the Lumbung marketplace. Authenticate with `Authorization: Bearer "
    "<access token>` from `/v1/auth/login`, or (agency systems) `X-API-Key`. Errors are RFC 9457 "
    "problem documents in Indonesian or English (`Accept-Language`). Events: see `x-asyncapi` "
    "and `/v1/asyncapi`."
)


def _own_document(request: Request) -> Doc:
    return get_openapi(
        title=TITLE,
        version=request.app.version,
        description=DESCRIPTION,
        routes=request.app.routes,
    )


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request, description: ApiDescriptionDep) -> JSONResponse:
    """The merged OpenAPI document."""
    return JSONResponse(await description.openapi(lambda: _own_document(request)))


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
async def asyncapi_index(description: ApiDescriptionDep) -> dict[str, str]:
    """Where each service's AsyncAPI document (its Kafka events) is served."""
    return description.asyncapi_index()


@router.get("/v1/asyncapi/{service}", summary="One service's AsyncAPI document")
async def asyncapi(service: str, description: ApiDescriptionDep) -> dict[str, Any]:
    """The AsyncAPI document a service publishes for its events; 404 if it has none."""
    doc = await description.asyncapi(service)
    if doc is None:
        raise NotFoundError("Dokumen AsyncAPI", "AsyncAPI document")
    return doc
