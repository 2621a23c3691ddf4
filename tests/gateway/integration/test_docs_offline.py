"""Specification: the API and event reference pages work offline (issue 14).

Every file either page loads is served by the gateway itself, same origin, with the right
content type; neither page nor any stylesheet names another origin; the scripts start without
fetching code from an absolute URL; and each page's Content-Security-Policy allows nothing but
its own origin, so a browser would refuse a CDN even if something asked for one.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from devstack.stack import Stack

CHROMIUM = Path("/usr/bin/chromium")
PAGES = ("/docs", "/docs/events", "/docs/events?service=orders")
CONTENT_TYPES = {
    "script": "text/javascript",
    "stylesheet": "text/css",
    "icon": "image/png",
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CODE_FROM_ELSEWHERE = re.compile(
    r"""(?:\bimport\s*\(\s*|\bfrom\s*|\bimportScripts\s*\(\s*|new\s+Worker\s*\(\s*)"""
    r"""['"`](?:https?:)?//""",
)


class _Links(HTMLParser):
    """Every URL a page loads or links to, with what kind of file it is."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.viewer_sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" in found:
            self.loads.append(("script", found["src"]))
        elif tag == "link":
            rel = found.get("rel", "")
            self.loads.append(("icon" if rel == "icon" else rel, found["href"]))
        elif tag == "a":
            self.links.append(found["href"])
        elif tag == "asyncapi-viewer":
            self.viewer_sources.append(found["src"])
        for name in ("src", "href"):
            assert name not in found or found[name], f"<{tag}> with an empty {name}"


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _same_origin(base: str, url: str) -> bool:
    return urlsplit(urljoin(base, url)).netloc == urlsplit(base).netloc


@pytest.fixture(params=PAGES)
async def page(request: pytest.FixtureRequest, gateway: httpx.AsyncClient) -> httpx.Response:
    response = await gateway.get(request.param)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response


class TestEveryAssetIsLocal:
    async def test_every_file_a_page_loads_is_served_here(
        self, page: httpx.Response, gateway: httpx.AsyncClient
    ) -> None:
        loads = _parse(page.text).loads
        assert {kind for kind, _ in loads} >= {"script", "stylesheet"}
        for kind, url in loads:
            assert _same_origin(str(page.url), url), url
            asset = await gateway.get(url)
            assert asset.status_code == 200, url
            assert asset.headers["content-type"].startswith(CONTENT_TYPES[kind]), url

    async def test_no_page_names_another_origin(self, page: httpx.Response) -> None:
        links = _parse(page.text)
        for url in links.links + links.viewer_sources:
            assert _same_origin(str(page.url), url), url
        assert "//" not in page.text

    async def test_stylesheets_fetch_nothing_from_elsewhere(
        self, page: httpx.Response, gateway: httpx.AsyncClient
    ) -> None:
        for kind, url in _parse(page.text).loads:
            if kind != "stylesheet":
                continue
            css = CSS_COMMENT.sub("", (await gateway.get(url)).text)
            assert "@import" not in css, url
            for target in CSS_URL.findall(css):
                assert target.startswith("data:") or _same_origin(str(page.url), target), target

    async def test_scripts_load_no_code_from_absolute_urls(
        self, page: httpx.Response, gateway: httpx.AsyncClient
    ) -> None:
        for kind, url in _parse(page.text).loads:
            if kind == "script":
                code = (await gateway.get(url)).text
                assert not CODE_FROM_ELSEWHERE.search(code), url

    async def test_the_policy_allows_only_this_origin(self, page: httpx.Response) -> None:
        policy = dict(
            part.strip().split(" ", 1)
            for part in page.headers["content-security-policy"].split(";")
        )
        assert policy["default-src"] == "'none'"
        assert policy["script-src"] == "'self'"  # no inline script, no CDN
        assert policy["style-src"] == "'self'"
        for directive in ("style-src", "img-src", "font-src"):
            assert "http" not in policy[directive], directive


class TestApiReference:
    async def test_swagger_ui_reads_the_merged_document_and_no_validator(
        self, gateway: httpx.AsyncClient
    ) -> None:
        page = _parse((await gateway.get("/docs")).text)
        starter = next(url for kind, url in page.loads if url.endswith("swagger-init.js"))
        code = (await gateway.get(starter)).text
        assert 'url: "/openapi.json"' in code
        assert "validatorUrl: null" in code  # else Swagger UI posts the document to swagger.io

    async def test_links_to_the_event_reference(self, gateway: httpx.AsyncClient) -> None:
        links = _parse((await gateway.get("/docs")).text).links
        assert "/docs/events?service=weather_alerts" in links


class TestEventReference:
    async def test_renders_the_chosen_services_asyncapi_document(
        self, gateway: httpx.AsyncClient
    ) -> None:
        page = _parse((await gateway.get("/docs/events?service=orders")).text)
        assert page.viewer_sources == ["/v1/asyncapi/orders"]
        document = await gateway.get(page.viewer_sources[0])
        assert document.json()["asyncapi"].startswith("3.")

    async def test_opens_on_the_first_service(self, gateway: httpx.AsyncClient) -> None:
        page = _parse((await gateway.get("/docs/events")).text)
        assert page.viewer_sources == ["/v1/asyncapi/listings"]

    async def test_an_unknown_service_is_404(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/docs/events?service=nope")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


class TestAssetAllowlist:
    @pytest.mark.parametrize(
        "path",
        [
            "/docs/assets/swagger-ui-5.31.0/index.html",  # the package's petstore demo page
            "/docs/assets/swagger-ui-5.31.0/swagger-initializer.js",
            "/docs/assets/lumbung/..%2F..%2Fapi%2Fdocs.py",
            "/docs/assets/nope/swagger-ui.css",
        ],
    )
    async def test_only_the_pages_files_are_served(
        self, gateway: httpx.AsyncClient, path: str
    ) -> None:
        assert (await gateway.get(path)).status_code == 404

    async def test_package_files_are_cached_by_version(self, gateway: httpx.AsyncClient) -> None:
        page = _parse((await gateway.get("/docs")).text)
        bundle = next(url for _, url in page.loads if url.endswith("swagger-ui-bundle.js"))
        response = await gateway.get(bundle)
        assert "immutable" in response.headers["cache-control"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
class TestRendersInABrowser:
    def test_swagger_ui_lays_out_every_operation_from_the_gateway_alone(self, stack: Stack) -> None:
        """The machine has no route to a CDN, so a page that needed one would stay empty."""
        rendered = subprocess.run(  # noqa: S603 (Debian's browser on our own page)
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=15000",
                "--dump-dom",
                f"{stack.url('gateway')}/docs",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        assert 'class="opblock' in rendered
        assert "/v1/auth/login" in rendered
        assert "/v1/catalogue/commodities" in rendered
