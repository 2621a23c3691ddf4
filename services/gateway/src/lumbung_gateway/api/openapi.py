"""`/openapi.json` and the AsyncAPI routes: the one description of the public API.

The merging and caching is the `describe_api` use case; these routes hand it the gateway's own
document and render what it returns. The gateway's own operations get their credentials and
the answers of `api.auth` (401, 403, 429) from what each route depends on, read off its
dependency tree, so the document cannot drift from the code. AsyncAPI documents are passed
through from each service's `/asyncapi.json`. The pages that render both are in `api.docs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, get_args

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from lumbung_shared.errors import NotFoundError
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, ConfigDict, Field, RootModel

from lumbung_gateway.api.auth import Admin, SignedIn, authenticate
from lumbung_gateway.api.deps import ApiDescriptionDep
from lumbung_gateway.domain.upstreams import SERVICES
from lumbung_gateway.usecases.describe_api import Doc
from lumbung_gateway.usecases.edge_answers import ADMIN_ONLY, ANYONE, SIGNED_IN, problem

router = APIRouter(tags=["documentation"])
TITLE = "Lumbung API"
DESCRIPTION = (
    "The one entry point of the Lumbung marketplace. Authenticate with `Authorization: Bearer "
    "<access token>` from `/v1/auth/login`, or (agency systems) `X-API-Key`. Errors are RFC 9457 "
    "problem documents in Indonesian or English (`Accept-Language`). Events (Kafka): the "
    "AsyncAPI documents under `/v1/asyncapi`, rendered at `/docs/events`."
)


def _dependency(alias: object) -> Callable[..., Any]:
    """The function behind an `Annotated[..., Depends(f)]` alias."""
    call: Callable[..., Any] = get_args(alias)[1].dependency
    return call


DOORS: tuple[tuple[Callable[..., Any], list[Doc], tuple[int, ...]], ...] = (
    (_dependency(Admin), ADMIN_ONLY, (401, 403, 429)),
    (_dependency(SignedIn), SIGNED_IN, (401, 429)),
    (authenticate, ANYONE, (401, 429)),
)
"""The strictest caller check a route depends on: its credentials and what the check answers."""


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def declare_doors(doc: Doc, routes: list[Any]) -> None:
    """Credentials and the caller check's answers on each of the gateway's own operations.

    FastAPI 0.165 keeps included routers as such in `app.routes`; `iter_route_contexts` yields
    each route as included (prefixes and router dependencies applied), as `get_openapi` reads it.
    """
    for route in iter_route_contexts(routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        calls = set(_calls(route.dependant))
        door = next(((s, a) for check, s, a in DOORS if check in calls), None)
        if door is None:
            continue
        security, answers = door
        for method in route.methods or ():
            operation = doc["paths"][route.path_format][method.lower()]
            operation["security"] = security
            for status in answers:
                operation["responses"].setdefault(str(status), problem(status))


def own_document(app: FastAPI) -> Doc:
    """The gateway's own routes as OpenAPI, before the services' are merged in."""
    doc = get_openapi(title=TITLE, version=app.version, description=DESCRIPTION, routes=app.routes)
    declare_doors(doc, app.routes)
    return doc


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request, description: ApiDescriptionDep) -> JSONResponse:
    """The merged OpenAPI document."""
    return JSONResponse(await description.openapi(lambda: own_document(request.app)))


class AsyncApiIndex(RootModel[dict[str, str]]):
    """Where each service's AsyncAPI document is served, by service name."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "listings": "/v1/asyncapi/listings",
                    "orders": "/v1/asyncapi/orders",
                    "weather_alerts": "/v1/asyncapi/weather_alerts",
                }
            ]
        }
    )


class AsyncApiDocument(BaseModel):
    """An AsyncAPI 3 document: the service's Kafka channels, messages and operations."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "asyncapi": "3.1.0",
                    "info": {"title": "Lumbung events (orders)", "version": "1.0.0"},
                    "channels": {"order_events": {"address": "lumbung.order.events"}},
                    "operations": {},
                    "components": {},
                }
            ]
        },
    )

    asyncapi: str = Field(pattern=r"^3\.\d+\.\d+$")
    info: dict[str, Any]


ServiceName = Annotated[
    str, Path(max_length=32, json_schema_extra={"enum": list(SERVICES)}, examples=["orders"])
]


@router.get("/v1/asyncapi", summary="Event documentation index", response_model=AsyncApiIndex)
async def asyncapi_index(description: ApiDescriptionDep) -> dict[str, str]:
    """Where each service's AsyncAPI document (its Kafka events) is served."""
    return description.asyncapi_index()


@router.get(
    "/v1/asyncapi/{service}",
    summary="One service's AsyncAPI document",
    response_model=None,
    responses={200: {"model": AsyncApiDocument}, **problem_responses(404, 422)},
)
async def asyncapi(service: ServiceName, description: ApiDescriptionDep) -> JSONResponse:
    """The AsyncAPI document a service publishes for its events; 404 if it has none."""
    doc = await description.asyncapi(service)
    if doc is None:
        raise NotFoundError("Dokumen AsyncAPI", "AsyncAPI document")
    return JSONResponse(doc)
