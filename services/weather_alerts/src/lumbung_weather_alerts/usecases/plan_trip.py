"""The fisher's trip planner: grounds in range of an origin, ranked, each with sea advice, fuel
and the catch price.

Every forecast in force is read (a bounded scan: `storage.fishing_grounds`) and each ground
measured from the origin in code (`domain.geo`; the store has no geo queries). For the zones of
the grounds in range, the zone's open alert and its observations are read once each, and each
ground is advised for its forecast's window (`domain.sea_advice`). Grounds are ranked with
*do not sail* last (`domain.trip_plan`), never dropped, then cut to the page size. Prices are
asked of `CatchPrices` once per species group, for the origin's regency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lumbung_shared.fisheries import SpeciesGroup

from lumbung_weather_alerts.domain.alert_chain import Chain
from lumbung_weather_alerts.domain.catch_prices import PriceFigure
from lumbung_weather_alerts.domain.conditions import ReceivedObservation
from lumbung_weather_alerts.domain.forecast_record import (
    Forecast,
    StoredGround,
    grounds_of,
    species_of,
)
from lumbung_weather_alerts.domain.geo import distance_nm, initial_bearing_deg
from lumbung_weather_alerts.domain.sea_advice import NOW_SPAN, SeaAdvice, sea_advice
from lumbung_weather_alerts.domain.trip_plan import (
    FuelEstimate,
    FuelProfile,
    TripOrigin,
    fuel_estimate,
    rank_key,
)
from lumbung_weather_alerts.domain.vessels import VesselClass
from lumbung_weather_alerts.storage.alerts import AlertRepository
from lumbung_weather_alerts.storage.fishing_grounds import ForecastRepository
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.usecases.catch_prices import CatchPrices


@dataclass(frozen=True)
class TripRequest:
    """What the fisher asks: from where, in what, how far, and how the boat burns fuel."""

    origin: TripOrigin
    vessel: VesselClass
    range_nm: float
    limit: int
    fuel: FuelProfile
    fuel_price_per_litre: int


@dataclass(frozen=True)
class PlannedGround:
    """One ground of the answer."""

    forecast: Forecast
    ground: StoredGround
    zone: dict[str, Any]
    """The forecast's snapshot of the ground's zone (id, names, regencies)."""
    distance_nm: float
    bearing_deg: float
    advice: SeaAdvice
    fuel: FuelEstimate
    price: PriceFigure | None

    @property
    def species_group(self) -> SpeciesGroup | None:
        return species_of(self.forecast)


@dataclass(frozen=True)
class TripPlan:
    """The ranked grounds (at most `limit`) and how many lay in range before the cut."""

    grounds: list[PlannedGround]
    in_range: int


@dataclass(frozen=True)
class _Candidate:
    forecast: Forecast
    ground: StoredGround
    distance_nm: float


class PlanTrip:
    """Ranks the grounds of the forecasts in force for one trip request."""

    def __init__(
        self,
        forecasts: ForecastRepository,
        alerts: AlertRepository,
        observations: ObservationRepository,
        prices: CatchPrices,
    ) -> None:
        self._forecasts = forecasts
        self._alerts = alerts
        self._observations = observations
        self._prices = prices

    async def plan(self, request: TripRequest, now: datetime) -> TripPlan:
        """The grounds within `request.range_nm` of the origin, ranked (module docstring)."""
        candidates = [
            _Candidate(forecast, ground, distance)
            for forecast in await self._forecasts.live(now)
            for ground in grounds_of(forecast)
            if (distance := distance_nm(request.origin.position, ground.position))
            <= request.range_nm
        ]
        seas = await self._seas(candidates, now)
        advised = []
        for candidate in candidates:
            alert, received = seas[candidate.ground.zone_id]
            forecast = candidate.forecast
            advice = sea_advice(
                request.vessel,
                alert,
                received,
                now=now,
                valid_from=forecast["valid_from"],
                valid_until=forecast["valid_until"],
            )
            advised.append((candidate, advice))
        advised.sort(
            key=lambda pair: rank_key(
                pair[1].do_not_sail,
                pair[0].distance_nm,
                pair[0].forecast["_id"],
                pair[0].ground.index,
            )
        )
        page = advised[: request.limit]
        prices = await self._prices_for(page, request.origin.price_regency)
        return TripPlan(
            grounds=[self._planned(c, a, request, prices) for c, a in page],
            in_range=len(candidates),
        )

    async def _seas(
        self, candidates: list[_Candidate], now: datetime
    ) -> dict[str, tuple[Chain | None, list[ReceivedObservation]]]:
        """Each zone's open alert and the observations up to its latest window's end."""
        ends: dict[str, datetime] = {}
        for candidate in candidates:
            zone_id = candidate.ground.zone_id
            until: datetime = candidate.forecast["valid_until"]
            ends[zone_id] = max(ends.get(zone_id, until), until)
        seas = {}
        for zone_id, until in ends.items():
            horizon = max(until - now, NOW_SPAN) + timedelta(seconds=1)
            alert = await self._alerts.open_for_zone(zone_id)
            seas[zone_id] = (alert, await self._observations.covering(zone_id, now, horizon))
        return seas

    async def _prices_for(
        self, page: list[tuple[_Candidate, SeaAdvice]], regency_code: str
    ) -> dict[SpeciesGroup, PriceFigure | None]:
        groups = {g for c, _ in page if (g := species_of(c.forecast)) is not None}
        return {group: await self._prices.median(group, regency_code) for group in sorted(groups)}

    @staticmethod
    def _planned(
        candidate: _Candidate,
        advice: SeaAdvice,
        request: TripRequest,
        prices: dict[SpeciesGroup, PriceFigure | None],
    ) -> PlannedGround:
        forecast, ground = candidate.forecast, candidate.ground
        zone = next(z for z in forecast["zones"] if z["id"] == ground.zone_id)
        group = species_of(forecast)
        return PlannedGround(
            forecast=forecast,
            ground=ground,
            zone=zone,
            distance_nm=candidate.distance_nm,
            bearing_deg=initial_bearing_deg(request.origin.position, ground.position),
            advice=advice,
            fuel=fuel_estimate(candidate.distance_nm, request.fuel, request.fuel_price_per_litre),
            price=None if group is None else prices[group],
        )
