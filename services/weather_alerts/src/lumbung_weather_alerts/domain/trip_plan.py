"""The trip planner's rules: where a trip starts, what the fuel costs, how grounds are ranked.

- **Origin**: a landing site id (`lumbung_shared.fisheries.LANDING_SITES`) or `lat,lon`. Prices
  are those of the origin's regency: the landing site's own, or for a position the nearest
  landing site's (that is where the catch would be sold).
- **Fuel**: a round trip at cruise speed, `litres = 2 * distance_nm / speed_knots *
  litres_per_hour`, priced per litre in whole rupiah (IDR has no minor unit); litres shown to
  0.1 l, rupiah rounded from the unrounded litres. Time fishing on the ground is not counted:
  it depends on the gear, not on the ground.
- **Ranking**: grounds the vessel may sail to first, nearest first; *do not sail* grounds after
  all of them, also nearest first; equal distances by forecast id then ground number, so a
  page never reorders between two identical requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lumbung_shared.errors import DomainError, Message
from lumbung_shared.fisheries import LANDING_SITE_IDS, LANDING_SITES, LandingSite
from pydantic import BaseModel, ConfigDict, Field

from .geo import LatLon, distance_nm
from .vessels import VesselClass

MAX_RANGE_NM = 300.0
"""Beyond a few hundred nm no boat of the classes here plans a fishing trip from shore."""
MAX_RESULTS = 50

_LATITUDE = r"-?(?:90(?:\.0{1,6})?|[1-8]?\d(?:\.\d{1,6})?)"
_LONGITUDE = r"-?(?:180(?:\.0{1,6})?|(?:1[0-7]\d|[1-9]?\d)(?:\.\d{1,6})?)"
_POSITION = re.compile(rf"^({_LATITUDE}),({_LONGITUDE})$")
ORIGIN_PATTERN = rf"^(?:{_LATITUDE},{_LONGITUDE}|{'|'.join(map(re.escape, LANDING_SITE_IDS))})$"
"""`lat,lon` in decimal degrees (-90..90, -180..180, up to 6 decimals) or a landing-site id:
the whole rule, so whatever the pattern admits the planner takes."""


class FuelProfile(BaseModel):
    """How a vessel class burns fuel: cruise speed and consumption at that speed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    speed_knots: float = Field(ge=1, le=40, allow_inf_nan=False, title="Cruise speed (knots)")
    litres_per_hour: float = Field(
        gt=0, le=5000, allow_inf_nan=False, title="Consumption at cruise speed (litres/hour)"
    )


DEFAULT_FUEL_PROFILES: dict[VesselClass, FuelProfile] = {
    # A 5-10 GT kapal motor with a ~30 HP diesel (the perahu nelayan of BMKG's table).
    VesselClass.FISHING_BOAT: FuelProfile(speed_knots=7, litres_per_hour=6),
    VesselClass.BARGE: FuelProfile(speed_knots=6, litres_per_hour=60),
    VesselClass.FERRY: FuelProfile(speed_knots=12, litres_per_hour=300),
    VesselClass.LARGE_SHIP: FuelProfile(speed_knots=13, litres_per_hour=600),
}
"""Rough figures, meant to be set per deployment (`WEATHER_ALERTS_FUEL_PROFILES`)."""

SOLAR_SUBSIDI_RUPIAH = 6800
"""Subsidised diesel (solar) per litre, the fuel of Indonesia's small fishing fleet."""


@dataclass(frozen=True)
class FuelEstimate:
    """Fuel for the round trip."""

    litres: float
    rupiah: int


def fuel_estimate(one_way_nm: float, profile: FuelProfile, price_per_litre: int) -> FuelEstimate:
    """Fuel to sail to a ground `one_way_nm` away and back (see the module docstring)."""
    litres = 2 * one_way_nm / profile.speed_knots * profile.litres_per_hour
    return FuelEstimate(litres=round(litres, 1), rupiah=round(litres * price_per_litre))


@dataclass(frozen=True)
class TripOrigin:
    """Where the trip starts, and the regency whose prices it sees."""

    position: LatLon
    landing_site: LandingSite | None
    price_regency: str


class UnknownOriginError(DomainError):
    """422: `from` is neither a known landing site nor a position on Earth."""

    def __init__(self, given: str) -> None:
        super().__init__(
            code="unknown-origin",
            message=Message(
                id=f"Titik berangkat '{given}' tidak dikenal: gunakan 'lintang,bujur' atau id "
                "pelabuhan perikanan (GET /v1/landing-sites).",
                en=f"Unknown origin '{given}': give 'lat,lon' or a landing-site id "
                "(GET /v1/landing-sites).",
            ),
            status=422,
            extra={"field": "from"},
        )


def parse_origin(text: str) -> TripOrigin:
    """A landing-site id or `lat,lon` as an origin; `UnknownOriginError` otherwise."""
    site = LANDING_SITES.get(text)
    if site is not None:
        return TripOrigin((site.latitude, site.longitude), site, site.regency_code)
    match = _POSITION.match(text)
    if match is None:
        raise UnknownOriginError(text)
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UnknownOriginError(text)
    return TripOrigin((lat, lon), None, nearest_landing_site((lat, lon)).regency_code)


def nearest_landing_site(position: LatLon) -> LandingSite:
    """The landing site closest to `position` (great circle)."""
    return min(
        LANDING_SITES.values(),
        key=lambda site: distance_nm(position, (site.latitude, site.longitude)),
    )


def rank_key(
    do_not_sail: bool, distance: float, forecast_id: str, index: int
) -> tuple[bool, float, str, int]:
    """Sort key of a planned ground (see the module docstring)."""
    return (do_not_sail, distance, forecast_id, index)
