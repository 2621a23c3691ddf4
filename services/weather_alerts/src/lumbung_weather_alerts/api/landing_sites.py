"""Landing sites (`/v1/landing-sites`): the ports and fish-landing places a trip starts from.

Reference data (`lumbung_shared.fisheries`), public and cacheable like the vessel-class
catalogue: it changes with a release, not during one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from lumbung_shared.fisheries import LANDING_SITES
from pydantic import BaseModel

from lumbung_weather_alerts.api.caching import cached_response
from lumbung_weather_alerts.api.catalogue import CATALOGUE_CACHE_CONTROL
from lumbung_weather_alerts.api.forecast_views import LandingSiteView, landing_site_view

router = APIRouter(prefix="/v1/landing-sites", tags=["fishing-grounds"])


class LandingSiteList(BaseModel):
    """Every landing site, in the reference data's order."""

    items: list[LandingSiteView]


@router.get("", response_model=LandingSiteList)
async def landing_sites(request: Request) -> Response:
    """Fishing ports (PPS/PPN/PPP), landing places (PPI) and auctions (TPI) with coordinates."""
    body = LandingSiteList(items=[landing_site_view(s) for s in LANDING_SITES.values()])
    return cached_response(
        request, body.model_dump_json().encode(), "application/json", None, CATALOGUE_CACHE_CONTROL
    )
