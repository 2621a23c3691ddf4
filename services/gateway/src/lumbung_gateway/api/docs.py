"""The API reference (`/docs`, Swagger UI) and the event reference (`/docs/events`), offline.

District offices are often offline, and a page that loads its scripts from a CDN is blank there
(issue 14). So both pages, and every file they load, come from the gateway: Swagger UI 5 from the
`swagger-ui-bundle-v2` wheel, the `<asyncapi-viewer>` web component from the `asyncapi-viewer`
wheel, the two small start-up files from this package. The pages name no other origin, and
their Content-Security-Policy allows none (`'self'` only; no inline script, so no hashes).

Files are served from an allowlist rather than a `StaticFiles` mount of the packages' folders:
those also hold demo pages (Swagger's `index.html` opens the petstore) that must not be
reachable here. Package files sit under a versioned folder and are cached for a year.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from asyncapi_viewer.assets import STATIC_DIR as VIEWER_DIR
from asyncapi_viewer.assets import VIEWER_MODULE, VIEWER_THEME, viewer_version
from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse
from lumbung_shared.errors import NotFoundError
from swagger_ui_bundle import swagger_ui_path

from lumbung_gateway.api.deps import ApiDescriptionDep

router = APIRouter(tags=["documentation"], include_in_schema=False)

ASSETS = "/docs/assets"
SWAGGER_DIR = Path(str(swagger_ui_path))
SWAGGER = SWAGGER_DIR.name  # "swagger-ui-5.31.0": the version is in every URL
VIEWER = f"asyncapi-viewer-{viewer_version()}"
OWN = "lumbung"
OWN_DIR = Path(__file__).with_name("docs_assets")
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
VERSIONED_CACHE = "public, max-age=31536000, immutable"
OWN_CACHE = "public, max-age=300"


@dataclass(frozen=True)
class Bundle:
    """One folder of files the pages load, and which of its files may be fetched."""

    folder: Path
    files: frozenset[str]
    cache_control: str


BUNDLES: dict[str, Bundle] = {
    SWAGGER: Bundle(
        SWAGGER_DIR,
        frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}),
        VERSIONED_CACHE,
    ),
    VIEWER: Bundle(VIEWER_DIR, frozenset({VIEWER_MODULE, VIEWER_THEME}), VERSIONED_CACHE),
    OWN: Bundle(OWN_DIR, frozenset({"docs.css", "swagger-init.js"}), OWN_CACHE),
}


def asset(bundle: str, name: str) -> str:
    """The URL path of one allowed file."""
    if name not in BUNDLES[bundle].files:
        raise KeyError(f"{bundle}/{name} is not served")
    return f"{ASSETS}/{bundle}/{name}"


def page_csp(public_url: str) -> str:
    """Same-origin everything, nothing inline; "Try it out" may also call the public URL.

    Both viewers style through the CSSOM (React style props, Lit's adopted style sheets), which
    `style-src 'self'` allows; checked with headless Chromium: no violation, pages render.
    """
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(public_url)) if public_url else ""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:; font-src 'self'; connect-src 'self' {origin}".rstrip()
        + "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _nav(current: str, services: list[str]) -> str:
    links = [("/docs", "API reference")] + [
        (f"/docs/events?service={name}", f"Events: {name}") for name in services
    ]
    items = "".join(
        f'<a href="{html.escape(href)}"'
        + (' aria-current="page"' if href == current else "")
        + f">{html.escape(text)}</a>"
        for href, text in links
    )
    return f'<nav class="lumbung-docs">{items}</nav>'


def _page(title: str, head: str, body: str, public_url: str) -> HTMLResponse:
    document = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="icon" type="image/png" href="{asset(SWAGGER, "favicon-32x32.png")}">\n'
        f'<link rel="stylesheet" href="{asset(OWN, "docs.css")}">\n'
        f"{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return HTMLResponse(document, headers={"Content-Security-Policy": page_csp(public_url)})


@router.get("/docs")
async def api_reference(description: ApiDescriptionDep) -> HTMLResponse:
    """Swagger UI over the merged `/openapi.json`."""
    head = f'<link rel="stylesheet" href="{asset(SWAGGER, "swagger-ui.css")}">\n'
    body = (
        _nav("/docs", sorted(description.asyncapi_index()))
        + '\n<div id="swagger-ui"></div>\n'
        + f'<script src="{asset(SWAGGER, "swagger-ui-bundle.js")}"></script>\n'
        + f'<script src="{asset(OWN, "swagger-init.js")}"></script>'
    )
    return _page("Lumbung API - reference", head, body, description.public_url)


ServiceQuery = Annotated[str | None, Query(max_length=32, pattern=r"^[a-z_]+$")]


@router.get("/docs/events")
async def event_reference(
    description: ApiDescriptionDep, service: ServiceQuery = None
) -> HTMLResponse:
    """One service's Kafka events (its AsyncAPI document) in the AsyncAPI viewer."""
    services = sorted(description.asyncapi_index())
    chosen = service or services[0]
    if chosen not in services:
        raise NotFoundError("Layanan", "Service")
    source = description.asyncapi_index()[chosen]
    head = (
        f'<script type="module" src="{asset(VIEWER, VIEWER_MODULE)}"></script>\n'
        f'<link rel="stylesheet" href="{asset(VIEWER, VIEWER_THEME)}">\n'
    )
    body = (
        _nav(f"/docs/events?service={chosen}", services)
        + f'\n<asyncapi-viewer src="{html.escape(source)}"></asyncapi-viewer>'
    )
    return _page(f"Lumbung events - {chosen}", head, body, description.public_url)


@router.get(ASSETS + "/{bundle}/{name}")
async def docs_asset(bundle: str, name: str) -> FileResponse:
    """One file of the allowlist; anything else is 404."""
    found = BUNDLES.get(bundle)
    if found is None or name not in found.files:
        raise NotFoundError("Berkas", "File")
    return FileResponse(
        found.folder / name,
        media_type=MEDIA_TYPES[Path(name).suffix],
        headers={"Cache-Control": found.cache_control},
    )
