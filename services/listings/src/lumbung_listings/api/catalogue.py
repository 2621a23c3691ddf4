"""`GET /v1/catalogue/*`: the closed word lists a client needs to build a valid listing or search.

Commodities, units and regions are what a listing's `commodity`, `unit` and `origin_region`
must be; publishing them lets a client offer pickers instead of learning codes from 422s. They
change only with a release, so answers are public and cacheable, with an ETag over their bytes.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from lumbung_shared.regions import REGION_PATTERN
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel

from lumbung_listings.api.views import (
    CommodityView,
    RegionView,
    UnitView,
    commodity_view,
    region_view,
    unit_view,
)
from lumbung_listings.domain.commodities import search_catalogue
from lumbung_listings.domain.regions import default_catalogue
from lumbung_listings.domain.search import MAX_QUERY_LENGTH
from lumbung_listings.domain.vocabulary import Kind, Unit

router = APIRouter(prefix="/v1/catalogue", tags=["catalogue"])

CACHE_CONTROL = "public, max-age=3600"
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Unchanged since the `ETag` sent in `If-None-Match`."}
}


class CommodityList(BaseModel):
    """The commodities that may be listed, in catalogue order."""

    items: list[CommodityView]


class UnitList(BaseModel):
    """The units a price may be per."""

    items: list[UnitView]


class RegionList(BaseModel):
    """Regions one level below `parent` (the provinces when `parent` is null), in code order."""

    parent: str | None
    items: list[RegionView]


def _cached(request: Request, response: Response, body: BaseModel) -> BaseModel | Response:
    """`body` with a strong ETag and public caching; 304 when the client already holds it."""
    tag = '"' + hashlib.sha256(body.model_dump_json().encode()).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return body


@router.get(
    "/commodities",
    response_model=CommodityList,
    responses={**NOT_MODIFIED, **problem_responses(422)},
)
async def list_commodities(
    request: Request,
    response: Response,
    kind: Kind | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_LENGTH,
            description="Words of the Indonesian or English name, or their beginnings "
            "(`bawang merah`, `shallot`, `baw`)",
        ),
    ] = None,
) -> BaseModel | Response:
    """The commodity catalogue: ids, both names, kind and units; filter by kind or words."""
    items = [commodity_view(commodity) for commodity in search_catalogue(q, kind)]
    return _cached(request, response, CommodityList(items=items))


@router.get("/units", response_model=UnitList, responses=NOT_MODIFIED)
async def list_units(request: Request, response: Response) -> BaseModel | Response:
    """The units prices are quoted per, with their names in both languages."""
    return _cached(request, response, UnitList(items=[unit_view(unit) for unit in Unit]))


@router.get(
    "/regions",
    response_model=RegionList,
    responses={**NOT_MODIFIED, **problem_responses(404, 422)},
)
async def list_regions(
    request: Request,
    response: Response,
    parent: Annotated[
        str | None,
        Query(
            pattern=REGION_PATTERN,
            description="A province (`63`) for its regencies, a regency (`63.08`) for its "
            "districts; leave out for the provinces",
        ),
    ] = None,
) -> BaseModel | Response:
    """Kemendagri regions one level below `parent`, or the provinces; unknown parent is 404."""
    items = [region_view(region) for region in default_catalogue().under(parent)]
    return _cached(request, response, RegionList(parent=parent, items=items))
