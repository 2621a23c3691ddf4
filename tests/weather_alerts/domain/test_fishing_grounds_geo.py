"""Great-circle distance and initial bearing, checked against figures computed by hand.

Hand computation for PPS Nizam Zachman (-6.105, 106.806) to the point (-5.8, 106.5), on a
sphere of R = 6371.0088 km / 1.852 = 3440.07 nm, with the equirectangular approximation (exact
to well under 0.01 nm at this range, and independent of the haversine in the code):

    Δφ = +0.305° = 0.0053233 rad        Δλ = -0.306° = -0.0053407 rad
    φm = -5.9525°, cos φm = 0.994608     x = Δλ·cos φm = -0.0053119 rad
    d  = R·√(x² + Δφ²) = 3440.07 * √(2.8216e-5 + 2.8338e-5) = 3440.07 * 0.0075203 = 25.870 nm
    θ  = atan2(x, Δφ) = atan2(-0.0053119, 0.0053233) = -44.94°  →  315.06° (north-west)

The great-circle bearing differs from the plane one by a few hundredths of a degree here
(the meridians converge): the code answers 315.05°.
"""

from __future__ import annotations

import math

import pytest
from lumbung_weather_alerts.domain.geo import (
    EARTH_RADIUS_NM,
    distance_nm,
    initial_bearing_deg,
    vertex_mean,
)

NIZAM_ZACHMAN = (-6.105, 106.806)
OFF_SERIBU = (-5.8, 106.5)


class TestDistance:
    def test_the_port_to_a_ground_off_kepulauan_seribu(self) -> None:
        assert distance_nm(NIZAM_ZACHMAN, OFF_SERIBU) == pytest.approx(25.870, abs=0.005)

    def test_one_minute_of_latitude_is_about_one_nautical_mile(self) -> None:
        """The nautical mile was defined as a minute of arc; on our sphere it is 1.0007 nm."""
        assert distance_nm((0.0, 120.0), (1 / 60, 120.0)) == pytest.approx(1.0007, abs=1e-4)

    def test_a_quarter_of_the_equator(self) -> None:
        """π/2 * R = 1.5708 * 3440.07 = 5403.6 nm."""
        assert distance_nm((0.0, 0.0), (0.0, 90.0)) == pytest.approx(5403.6, abs=0.1)

    def test_it_is_symmetric_and_zero_to_itself(self) -> None:
        assert distance_nm(OFF_SERIBU, NIZAM_ZACHMAN) == distance_nm(NIZAM_ZACHMAN, OFF_SERIBU)
        assert distance_nm(OFF_SERIBU, OFF_SERIBU) == 0.0

    def test_antipodes_are_half_a_circumference(self) -> None:
        assert distance_nm((0.0, 0.0), (0.0, 180.0)) == pytest.approx(math.pi * EARTH_RADIUS_NM)


class TestBearing:
    def test_the_port_to_a_ground_off_kepulauan_seribu(self) -> None:
        assert initial_bearing_deg(NIZAM_ZACHMAN, OFF_SERIBU) == pytest.approx(315.05, abs=0.02)

    @pytest.mark.parametrize(
        ("target", "bearing"),
        [
            ((-5.0, 110.0), 0.0),
            ((-6.0, 111.0), 90.0),
            ((-7.0, 110.0), 180.0),
            ((-6.0, 109.0), 270.0),
        ],
    )
    def test_the_cardinal_points(self, target: tuple[float, float], bearing: float) -> None:
        """Due east and west along a parallel the great circle starts a hair off the parallel
        (towards the pole); for 1° of longitude at 6° S that is 0.05°."""
        assert initial_bearing_deg((-6.0, 110.0), target) == pytest.approx(bearing, abs=0.1)

    def test_it_is_always_in_0_to_360(self) -> None:
        assert 0.0 <= initial_bearing_deg((-6.0, 110.0), (-6.0001, 109.9999)) < 360.0

    def test_a_point_to_itself_answers_north(self) -> None:
        assert initial_bearing_deg(OFF_SERIBU, OFF_SERIBU) == 0.0


class TestVertexMean:
    def test_is_the_average_of_the_vertices(self) -> None:
        assert vertex_mean([(-5.6, 106.6), (-5.6, 106.7), (-5.7, 106.65)]) == pytest.approx(
            (-5.6333333, 106.65)
        )

    def test_no_vertices_is_a_caller_bug(self) -> None:
        with pytest.raises(ValueError, match="no points"):
            vertex_mean([])
