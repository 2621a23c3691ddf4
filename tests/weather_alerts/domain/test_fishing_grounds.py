"""A fishing-ground forecast is checked before anything is stored, and each ground falls in
the maritime zone whose box holds it (the smallest box where boxes overlap)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from lumbung_shared.errors import FieldError
from lumbung_weather_alerts.domain.fishing_grounds import (
    EXAMPLE,
    MAX_GROUNDS,
    Confidence,
    ForecastBody,
    PolygonGround,
)
from lumbung_weather_alerts.domain.ground_zones import (
    GroundOutsideZonesError,
    locate_grounds,
    touched_regencies,
    zone_at,
)
from lumbung_weather_alerts.domain.zones import SEED_ZONES, ZONES_BY_ID
from pydantic import ValidationError

START = datetime(2026, 3, 1, tzinfo=UTC)
ZONES = list(SEED_ZONES)


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": "zppi-uji-1",
        "source": "BRIN/KKP ZPPI",
        "issued_at": START.isoformat(),
        "valid_from": START.isoformat(),
        "valid_until": (START + timedelta(days=2)).isoformat(),
        "grounds": [{"kind": "point", "lat": -5.8, "lon": 106.5}],
    }
    values.update(changes)
    return values


def codes(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    """`field.path: code` of every error, FieldError codes where a rule of ours said no."""
    found = {}
    for error in exc.value.errors():
        cause = (error.get("ctx") or {}).get("error")
        where = ".".join(str(part) for part in error["loc"])
        found[where] = cause.code if isinstance(cause, FieldError) else error["type"]
    return found


def polygon(*vertices: tuple[float, float]) -> dict[str, Any]:
    return {"kind": "polygon", "vertices": [{"lat": lat, "lon": lon} for lat, lon in vertices]}


class TestAForecast:
    def test_the_published_example_is_valid(self) -> None:
        forecast = ForecastBody.model_validate(EXAMPLE)
        assert forecast.confidence is Confidence.MEDIUM
        assert len(forecast.grounds) == 2

    def test_confidence_is_medium_when_the_producer_says_nothing(self) -> None:
        assert ForecastBody.model_validate(body()).confidence is Confidence.MEDIUM

    def test_times_are_kept_in_utc_to_the_millisecond(self) -> None:
        wib = timezone(timedelta(hours=7))
        moment = datetime(2026, 3, 1, 7, 0, 0, 123456, tzinfo=wib)
        forecast = ForecastBody.model_validate(body(issued_at=moment.isoformat()))
        assert forecast.issued_at == datetime(2026, 3, 1, 0, 0, 0, 123000, tzinfo=UTC)
        assert forecast.issued_at.utcoffset() == timedelta(0)

    def test_the_same_forecast_in_another_offset_has_the_same_content(self) -> None:
        wib = timezone(timedelta(hours=7))
        local = body(
            issued_at=START.astimezone(wib).isoformat(),
            valid_from=START.astimezone(wib).isoformat(),
            valid_until=(START + timedelta(days=2)).astimezone(wib).isoformat(),
        )
        same = ForecastBody.model_validate(local).content_hash()
        assert same == ForecastBody.model_validate(body()).content_hash()

    def test_any_change_changes_the_content(self) -> None:
        moved = body(grounds=[{"kind": "point", "lat": -5.81, "lon": 106.5}])
        assert (
            ForecastBody.model_validate(moved).content_hash()
            != ForecastBody.model_validate(body()).content_hash()
        )


class TestTheWindow:
    def test_must_end_after_it_starts(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(valid_until=START.isoformat()))
        assert codes(exc) == {"valid_until": "validity-window-empty"}

    def test_may_last_at_most_seven_days(self) -> None:
        week = body(valid_until=(START + timedelta(days=7)).isoformat())
        assert ForecastBody.model_validate(week)
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(
                body(valid_until=(START + timedelta(days=7, seconds=1)).isoformat())
            )
        assert codes(exc) == {"valid_until": "validity-window-too-long"}

    def test_cannot_end_before_the_forecast_was_issued(self) -> None:
        late = body(issued_at=(START + timedelta(days=3)).isoformat())
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(late)
        assert codes(exc) == {"valid_until": "issued-after-validity"}

    def test_times_need_a_zone(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(valid_from="2026-03-01T00:00:00"))
        assert codes(exc)["valid_from"] == "timezone_aware"


class TestGrounds:
    def test_at_least_one_and_at_most_the_bound(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(grounds=[]))
        assert codes(exc) == {"grounds": "too_short"}
        many = [{"kind": "point", "lat": -5.8, "lon": 106.5}] * (MAX_GROUNDS + 1)
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(grounds=many))
        assert codes(exc) == {"grounds": "too_long"}

    def test_coordinates_must_lie_on_earth(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(grounds=[{"kind": "point", "lat": -91, "lon": 181}]))
        assert codes(exc) == {
            "grounds.0.point.lat": "greater_than_equal",
            "grounds.0.point.lon": "less_than_equal",
        }

    def test_a_ground_names_its_kind(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(grounds=[{"kind": "circle", "lat": 0, "lon": 0}]))
        assert codes(exc) == {"grounds.0": "union_tag_invalid"}

    def test_a_small_polygon_is_placed_at_its_vertex_mean(self) -> None:
        ground = PolygonGround.model_validate(polygon((-5.6, 106.6), (-5.6, 106.7), (-5.7, 106.65)))
        assert ground.latlon == pytest.approx((-5.6333333, 106.65))

    def test_a_closing_vertex_is_dropped(self) -> None:
        ring = polygon((-5.6, 106.6), (-5.6, 106.7), (-5.7, 106.65), (-5.6, 106.6))
        assert len(PolygonGround.model_validate(ring).vertices) == 3

    def test_a_polygon_needs_three_distinct_vertices(self) -> None:
        with pytest.raises(ValidationError) as exc:
            PolygonGround.model_validate(polygon((-5.6, 106.6), (-5.6, 106.6), (-5.7, 106.65)))
        assert codes(exc) == {"vertices": "polygon-degenerate"}

    def test_a_polygon_reaching_over_30_nm_from_its_centre_is_too_large(self) -> None:
        """1° of latitude is 60 nm. Vertices at -5.0, -5.0 and -5.75 average to -5.25: the
        farthest lies 0.5° = 30.02 nm from the mean (refused, just); at -5.74 it is 0.4933° =
        29.62 nm (allowed)."""
        assert PolygonGround.model_validate(
            polygon((-5.0, 106.0), (-5.0, 106.0001), (-5.74, 106.0))
        )
        with pytest.raises(ValidationError) as exc:
            PolygonGround.model_validate(polygon((-5.0, 106.0), (-5.0, 106.0001), (-5.75, 106.0)))
        assert codes(exc) == {"vertices": "polygon-too-large"}
        with pytest.raises(ValidationError) as exc:
            PolygonGround.model_validate(polygon((-5.0, 106.0), (-5.0, 106.1), (-6.5, 106.05)))
        assert codes(exc) == {"vertices": "polygon-too-large"}

    def test_supersedes_never_names_the_forecast_itself_and_repeats_collapse(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(supersedes=["zppi-uji-1"]))
        assert codes(exc) == {"supersedes": "supersedes-itself"}
        forecast = ForecastBody.model_validate(body(supersedes=["a", "b", "a"]))
        assert forecast.supersedes == ["a", "b"]

    def test_unknown_fields_are_refused(self) -> None:
        with pytest.raises(ValidationError) as exc:
            ForecastBody.model_validate(body(colour="blue"))
        assert codes(exc) == {"colour": "extra_forbidden"}


class TestZones:
    def test_a_ground_falls_in_the_box_that_holds_it(self) -> None:
        zone = zone_at((-5.8, 106.5), ZONES)
        assert zone is not None
        assert zone.id == "perairan-kepulauan-seribu"

    def test_where_boxes_overlap_the_smallest_wins(self) -> None:
        """Selat Bali (0.8° * 0.4°) lies inside the southern East Java waters (1.3° * 3.6°)
        and overlaps southern Bali: the strait is the most specific water."""
        zone = zone_at((-8.45, 114.5), ZONES)
        assert zone is not None
        assert zone.id == "selat-bali"

    def test_equal_boxes_fall_to_the_lower_id(self) -> None:
        seribu = ZONES_BY_ID["perairan-kepulauan-seribu"]
        twin = seribu.model_copy(update={"id": "aaa-twin"})
        zone = zone_at((-5.8, 106.5), [seribu, twin])
        assert zone is not None
        assert zone.id == "aaa-twin"

    def test_the_edges_belong_to_the_box(self) -> None:
        zone = zone_at((-5.1, 106.9), ZONES)
        assert zone is not None
        assert zone.id == "perairan-kepulauan-seribu"

    def test_a_ground_in_no_zone_is_refused_naming_every_such_ground(self) -> None:
        forecast = ForecastBody.model_validate(
            body(
                grounds=[
                    {"kind": "point", "lat": -5.8, "lon": 106.5},
                    {"kind": "point", "lat": -20.0, "lon": 90.0},
                    {"kind": "point", "lat": 10.0, "lon": 100.0},
                ]
            )
        )
        with pytest.raises(GroundOutsideZonesError) as exc:
            locate_grounds(forecast, ZONES)
        assert exc.value.indexes == [1, 2]
        assert exc.value.status == 422

    def test_located_grounds_name_their_zones_and_regencies(self) -> None:
        forecast = ForecastBody.model_validate(EXAMPLE)
        zones = locate_grounds(forecast, ZONES)
        assert [zone.id for zone in zones] == ["perairan-kepulauan-seribu"] * 2
        assert touched_regencies(zones) == ["31.01", "31.75", "36.03"]
