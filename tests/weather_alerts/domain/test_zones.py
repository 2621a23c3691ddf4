"""The seed maritime zones and the Zone model's validation."""

from __future__ import annotations

import re

import pytest
from lumbung_shared.errors import FieldError
from lumbung_weather_alerts.domain.zones import (
    SEED_ZONES,
    ZONES_BY_ID,
    BoundingBox,
    Zone,
    zones_for_regency,
)
from pydantic import ValidationError

INDONESIA = BoundingBox(south=-11.5, west=94.5, north=6.5, east=141.5)


class TestSeedZones:
    def test_there_are_at_least_twelve_zones(self) -> None:
        assert len(SEED_ZONES) >= 12

    def test_ids_are_unique(self) -> None:
        assert len(ZONES_BY_ID) == len(SEED_ZONES)

    @pytest.mark.parametrize("zone", SEED_ZONES, ids=lambda zone: zone.id)
    def test_regency_codes_are_well_formed_and_unique(self, zone: Zone) -> None:
        assert all(re.fullmatch(r"\d{2}\.\d{2}", code) for code in zone.regency_codes)
        assert len(set(zone.regency_codes)) == len(zone.regency_codes)

    @pytest.mark.parametrize("zone", SEED_ZONES, ids=lambda zone: zone.id)
    def test_boxes_lie_within_indonesia(self, zone: Zone) -> None:
        box = zone.bbox
        assert INDONESIA.south <= box.south < box.north <= INDONESIA.north
        assert INDONESIA.west <= box.west < box.east <= INDONESIA.east

    def test_known_regencies_are_covered(self) -> None:
        assert "31.01" in ZONES_BY_ID["perairan-kepulauan-seribu"].regency_codes
        assert "21.71" in ZONES_BY_ID["perairan-kepulauan-riau-batam"].regency_codes

    def test_zones_are_found_by_regency_prefix(self) -> None:
        ids = {zone.id for zone in zones_for_regency("35.10")}
        assert ids == {"selat-bali", "perairan-selatan-jawa-timur"}


class TestZoneValidation:
    def test_malformed_regency_code_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            Zone(
                id="selat-bali",
                name_id="Selat Bali",
                name_en="Bali Strait",
                bbox=BoundingBox(south=-8.8, west=114.3, north=-8.0, east=114.7),
                regency_codes=("3510",),
            )

    @pytest.mark.parametrize(
        ("south", "west", "north", "east"),
        [(-8.0, 114.3, -8.8, 114.7), (-8.8, 114.7, -8.0, 114.3), (-8.0, 114.3, -8.0, 114.7)],
    )
    def test_inverted_or_empty_box_is_a_bilingual_field_error(
        self, south: float, west: float, north: float, east: float
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            BoundingBox(south=south, west=west, north=north, east=east)
        [error] = raised.value.errors()
        assert error["loc"] == (("north",) if north <= south else ("east",))
        refusal = error["ctx"]["error"]
        assert isinstance(refusal, FieldError)
        assert refusal.code == "bbox-inverted"
        assert refusal.message.id != refusal.message.en

    def test_both_inverted_sides_are_named_at_once(self) -> None:
        with pytest.raises(ValidationError) as raised:
            BoundingBox(south=-8.0, west=114.7, north=-8.8, east=114.3)
        assert [e["loc"] for e in raised.value.errors()] == [("north",), ("east",)]

    def test_latitude_beyond_the_pole_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            BoundingBox(south=-91, west=0, north=0, east=1)

    def test_ring_is_closed(self) -> None:
        ring = ZONES_BY_ID["selat-bali"].bbox.ring()
        assert len(ring) == 5
        assert ring[0] == ring[-1]
