"""The trip planner's rules: the origin, the fuel for the round trip, the order of grounds."""

from __future__ import annotations

import pytest
from lumbung_shared.fisheries import LANDING_SITES
from lumbung_weather_alerts.domain.trip_plan import (
    DEFAULT_FUEL_PROFILES,
    SOLAR_SUBSIDI_RUPIAH,
    FuelProfile,
    UnknownOriginError,
    fuel_estimate,
    nearest_landing_site,
    parse_origin,
    rank_key,
)
from lumbung_weather_alerts.domain.vessels import VesselClass
from pydantic import ValidationError


class TestOrigin:
    def test_a_landing_site_is_its_own_position_and_prices_its_own_regency(self) -> None:
        origin = parse_origin("pps-nizam-zachman")
        assert origin.position == (-6.105, 106.806)
        assert origin.landing_site == LANDING_SITES["pps-nizam-zachman"]
        assert origin.price_regency == "31.75"

    def test_a_position_prices_the_nearest_landing_sites_regency(self) -> None:
        """(-5.75, 106.6) is 0.8 nm from PPI Pulau Pramuka (Kepulauan Seribu, 31.01) and 24.6 nm
        from Muara Baru."""
        origin = parse_origin("-5.75,106.6")
        assert origin.position == (-5.75, 106.6)
        assert origin.landing_site is None
        assert origin.price_regency == "31.01"
        assert nearest_landing_site((-5.75, 106.6)).id == "ppi-pulau-pramuka"

    @pytest.mark.parametrize("text", ["pelabuhan-atlantis", "-95.0,106.0", "-6.0,181.0", "6,1,2"])
    def test_anything_else_is_refused(self, text: str) -> None:
        with pytest.raises(UnknownOriginError) as exc:
            parse_origin(text)
        assert exc.value.status == 422
        assert exc.value.extra == {"field": "from"}


class TestFuel:
    def test_a_round_trip_at_cruise_speed_priced_in_whole_rupiah(self) -> None:
        """25.87 nm each way in a fishing boat at 7 kn burning 6 l/h:
        2 * 25.87 / 7 = 7.39143 h; * 6 = 44.3486 l (shown 44.3); * 6,800 = 301,570.3, so
        301,570 rupiah."""
        estimate = fuel_estimate(25.87, DEFAULT_FUEL_PROFILES[VesselClass.FISHING_BOAT], 6800)
        assert estimate.litres == 44.3
        assert estimate.rupiah == 301_570
        assert isinstance(estimate.rupiah, int)

    def test_the_request_may_bring_its_own_boat_and_price(self) -> None:
        """10 nm each way at 5 kn burning 3 l/h = 4 h * 3 = 12 l; at 10,000 = 120,000."""
        estimate = fuel_estimate(10, FuelProfile(speed_knots=5, litres_per_hour=3), 10_000)
        assert (estimate.litres, estimate.rupiah) == (12.0, 120_000)

    def test_no_distance_costs_nothing(self) -> None:
        estimate = fuel_estimate(0, DEFAULT_FUEL_PROFILES[VesselClass.LARGE_SHIP], 6800)
        assert (estimate.litres, estimate.rupiah) == (0.0, 0)

    def test_solar_subsidi_is_the_default_price(self) -> None:
        assert SOLAR_SUBSIDI_RUPIAH == 6800

    def test_every_vessel_class_has_a_profile(self) -> None:
        assert set(DEFAULT_FUEL_PROFILES) == set(VesselClass)

    @pytest.mark.parametrize(
        "values",
        [{"speed_knots": 0, "litres_per_hour": 6}, {"speed_knots": 7, "litres_per_hour": -1}],
    )
    def test_a_profile_is_bounded(self, values: dict[str, float]) -> None:
        with pytest.raises(ValidationError):
            FuelProfile.model_validate(values)


class TestRanking:
    def test_nearest_first_and_do_not_sail_after_every_other(self) -> None:
        grounds = [
            ("near-but-barred", True, 5.0),
            ("far", False, 80.0),
            ("near", False, 10.0),
            ("far-and-barred", True, 90.0),
        ]
        ranked = sorted(grounds, key=lambda g: rank_key(g[1], g[2], g[0], 0))
        assert [name for name, _, _ in ranked] == [
            "near",
            "far",
            "near-but-barred",
            "far-and-barred",
        ]

    def test_equal_distances_keep_one_order(self) -> None:
        keys = [
            rank_key(False, 10.0, "b", 0),
            rank_key(False, 10.0, "a", 1),
            rank_key(False, 10.0, "a", 0),
        ]
        assert sorted(keys) == [
            rank_key(False, 10.0, "a", 0),
            rank_key(False, 10.0, "a", 1),
            rank_key(False, 10.0, "b", 0),
        ]
