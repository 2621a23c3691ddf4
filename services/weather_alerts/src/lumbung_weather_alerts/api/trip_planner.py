"""The fisher's trip planner (`GET /v1/fishing-grounds?from=…&vessel=…&range_nm=…`).

For fishers (and admins): the grounds of the forecasts in force within range of a landing site
or a position, nearest first and *do not sail* last, each with distance and bearing, sea
advice now and over the forecast's window, a fuel estimate and the catch price near the
origin. The rules are `usecases.plan_trip`; this route parses, bounds and renders.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, Field

from lumbung_weather_alerts.api.deps import Fisher, Planner, Settings
from lumbung_weather_alerts.api.forecast_views import (
    LandingSiteView,
    SpeciesGroupView,
    ZoneRef,
    landing_site_view,
    species_group_view,
    zone_ref,
)
from lumbung_weather_alerts.domain.fishing_grounds import Confidence
from lumbung_weather_alerts.domain.trip_plan import (
    MAX_RANGE_NM,
    MAX_RESULTS,
    ORIGIN_PATTERN,
    FuelProfile,
    parse_origin,
)
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.usecases.plan_trip import PlannedGround, TripRequest

router = APIRouter(prefix="/v1/fishing-grounds", tags=["fishing-grounds"])


class AdviceView(BaseModel):
    """Sea advice for the vessel in the ground's zone: now, and over the forecast's window."""

    now: Risk
    over_window: Risk
    reasons_id: list[str] = Field(description="Why, in Indonesian: one sentence per source.")
    reasons_en: list[str] = Field(description="The same reasons in English.")


class FuelView(BaseModel):
    """Fuel for the round trip at cruise speed."""

    litres: float = Field(ge=0, description="Litres, to 0.1 l.")
    rupiah: int = Field(ge=0, description="What it costs, in whole rupiah.")


class PriceView(BaseModel):
    """The recent median asking price per kg of the species group, and where it was taken."""

    median_per_kg: int = Field(description="Whole rupiah per kg.")
    listings: int = Field(description="How many catch listings it is the median of.")
    scope: Literal["regency", "province", "national"]


class PlannedGroundView(BaseModel):
    """One ground of the plan."""

    forecast_id: str
    ground_index: int = Field(description="The ground's position in its forecast's `grounds`.")
    kind: str = Field(description="`point` or `polygon` (measured from the vertex mean).")
    lat: float
    lon: float
    zone: ZoneRef
    distance_nm: float = Field(description="Great-circle distance from the origin (nm, 0.01).")
    bearing_deg: float = Field(description="Initial course from the origin (degrees true, 0.1).")
    advice: AdviceView
    do_not_sail: bool = Field(description="Danger now or over the window: sorted last.")
    fuel: FuelView
    price: PriceView | None = Field(description="Null without a species group or listings.")
    species_group: SpeciesGroupView | None
    confidence: Confidence
    source: str
    valid_from: datetime
    valid_until: datetime


class OriginView(BaseModel):
    """Where the plan measures from, and whose prices it shows."""

    lat: float
    lon: float
    landing_site: LandingSiteView | None = Field(description="Null for a `lat,lon` origin.")
    price_regency: str = Field(description="The landing site's regency, or the nearest one's.")


class FuelAssumptions(BaseModel):
    """The figures the fuel estimates use (settings, or the request's overrides)."""

    speed_knots: float
    litres_per_hour: float
    price_per_litre: int


class TripPlanView(BaseModel):
    """Grounds in range, nearest first, *do not sail* ones last; at most `limit`."""

    origin: OriginView
    vessel: VesselClass
    range_nm: float
    fuel_assumptions: FuelAssumptions
    in_range: int = Field(description="Grounds within range before the `limit` cut.")
    grounds: list[PlannedGroundView]


@router.get("", response_model=TripPlanView, responses=problem_responses(401, 403, 422))
async def plan_trip(
    *,
    fisher: Fisher,
    planner: Planner,
    settings: Settings,
    origin: Annotated[
        str,
        Query(
            alias="from",
            max_length=40,
            pattern=ORIGIN_PATTERN,
            description="`lat,lon` in decimal degrees, or a landing-site id "
            "(`GET /v1/landing-sites`)",
            examples=["pps-nizam-zachman", "-6.105,106.806"],
        ),
    ],
    vessel: Annotated[VesselClass, Query(description="Vessel class")] = VesselClass.FISHING_BOAT,
    range_nm: Annotated[
        float,
        Query(
            gt=0,
            le=MAX_RANGE_NM,
            allow_inf_nan=False,
            description="How far to look, in nautical miles",
        ),
    ] = 100.0,
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 20,
    litres_per_hour: Annotated[
        float | None,
        Query(gt=0, le=5000, allow_inf_nan=False, description="Your boat's consumption (l/h)"),
    ] = None,
    speed_knots: Annotated[
        float | None,
        Query(ge=1, le=40, allow_inf_nan=False, description="Your boat's cruise speed (knots)"),
    ] = None,
    fuel_price: Annotated[
        int | None, Query(ge=1000, le=50_000, description="Fuel price per litre (rupiah)")
    ] = None,
) -> TripPlanView:
    """Fishing grounds in range ranked by distance, with sea advice, fuel and catch price."""
    del fisher
    start = parse_origin(origin)
    default = settings.fuel_profile(vessel)
    fuel = FuelProfile(
        speed_knots=speed_knots or default.speed_knots,
        litres_per_hour=litres_per_hour or default.litres_per_hour,
    )
    price = fuel_price or settings.fuel_price_per_litre
    request = TripRequest(start, vessel, range_nm, limit, fuel, price)
    plan = await planner.plan(request, datetime.now(UTC))
    lat, lon = start.position
    return TripPlanView(
        origin=OriginView(
            lat=lat,
            lon=lon,
            landing_site=None
            if start.landing_site is None
            else landing_site_view(start.landing_site),
            price_regency=start.price_regency,
        ),
        vessel=vessel,
        range_nm=range_nm,
        fuel_assumptions=FuelAssumptions(
            speed_knots=fuel.speed_knots,
            litres_per_hour=fuel.litres_per_hour,
            price_per_litre=price,
        ),
        in_range=plan.in_range,
        grounds=[_ground_view(g) for g in plan.grounds],
    )


def _ground_view(planned: PlannedGround) -> PlannedGroundView:
    forecast, advice, price = planned.forecast, planned.advice, planned.price
    lat, lon = planned.ground.position
    return PlannedGroundView(
        forecast_id=forecast["_id"],
        ground_index=planned.ground.index,
        kind=planned.ground.kind,
        lat=lat,
        lon=lon,
        zone=zone_ref(planned.zone),
        distance_nm=round(planned.distance_nm, 2),
        bearing_deg=round(planned.bearing_deg, 1) % 360.0,
        advice=AdviceView(
            now=advice.now,
            over_window=advice.over_window,
            reasons_id=[reason.id for reason in advice.reasons],
            reasons_en=[reason.en for reason in advice.reasons],
        ),
        do_not_sail=advice.do_not_sail,
        fuel=FuelView(litres=planned.fuel.litres, rupiah=planned.fuel.rupiah),
        price=None
        if price is None
        else PriceView(
            median_per_kg=price.median_per_kg, listings=price.listings, scope=price.scope
        ),
        species_group=species_group_view(planned.species_group),
        confidence=Confidence(forecast["confidence"]),
        source=forecast["source"],
        valid_from=forecast["valid_from"],
        valid_until=forecast["valid_until"],
    )
