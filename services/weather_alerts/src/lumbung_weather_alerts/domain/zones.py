"""Maritime forecast zones (perairan) and the coastal regencies each one touches.

An alert is issued for a zone; the regencies decide who hears about it (fishers registered in
those regencies, agencies subscribed to them, catch listings flagged "supply at risk"). Codes
are Kemendagri regency/city codes `NN.NN`. The seed is a starting set of real BMKG forecast
waters with approximate bounding boxes; admins manage the full list.
"""

from __future__ import annotations

from typing import Annotated, Any

from lumbung_shared.errors import FieldError, Message
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from .observations import ZONE_ID_PATTERN

RegencyCode = Annotated[str, Field(pattern=r"^\d{2}\.\d{2}$")]
"""Kemendagri regency/city code, e.g. '31.01' (Kepulauan Seribu)."""

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class BoundingBox(BaseModel):
    """A latitude/longitude rectangle (WGS 84) roughly covering a zone: south < north, west < east.

    The corner rule sits on `north` and `east` (a `FieldError` each), so an inverted box names
    the side that is wrong, together with any other bad field of the same body.
    """

    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "examples": [{"south": -8.8, "west": 114.3, "north": -8.0, "east": 114.7}]
        },
    )

    south: Latitude
    west: Longitude
    north: Latitude
    east: Longitude

    @field_validator("north")
    @classmethod
    def _north_of_south(cls, north: float, info: ValidationInfo) -> float:
        south = info.data.get("south")
        if south is not None and north <= south:
            raise FieldError(
                "bbox-inverted",
                Message(
                    id="Batas utara wilayah harus di sebelah utara batas selatan.",
                    en="The north edge of the box must lie north of its south edge.",
                ),
            )
        return north

    @field_validator("east")
    @classmethod
    def _east_of_west(cls, east: float, info: ValidationInfo) -> float:
        west = info.data.get("west")
        if west is not None and east <= west:
            raise FieldError(
                "bbox-inverted",
                Message(
                    id="Batas timur wilayah harus di sebelah timur batas barat.",
                    en="The east edge of the box must lie east of its west edge.",
                ),
            )
        return east

    def ring(self) -> tuple[tuple[float, float], ...]:
        """The box as a closed (lat, lon) ring, first point repeated last (as CAP wants)."""
        corners = (
            (self.south, self.west),
            (self.south, self.east),
            (self.north, self.east),
            (self.north, self.west),
        )
        return (*corners, corners[0])


class Zone(BaseModel):
    """A maritime forecast zone."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=ZONE_ID_PATTERN, max_length=80)
    name_id: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    bbox: BoundingBox
    regency_codes: tuple[RegencyCode, ...] = Field(min_length=1)


def _zone(
    zone_id: str,
    name_id: str,
    name_en: str,
    box: tuple[float, float, float, float],
    codes: tuple[str, ...],
) -> Zone:
    south, west, north, east = box
    bbox = BoundingBox(south=south, west=west, north=north, east=east)
    return Zone(id=zone_id, name_id=name_id, name_en=name_en, bbox=bbox, regency_codes=codes)


# (south, west, north, east) boxes are approximate; codes are the coastal regencies touched.
SEED_ZONES: tuple[Zone, ...] = (
    _zone(
        "perairan-kepulauan-seribu",
        "Perairan Kepulauan Seribu",
        "Thousand Islands waters",
        (-6.2, 106.2, -5.1, 106.9),
        ("31.01", "31.75", "36.03"),  # Kep. Seribu, Jakarta Utara, Tangerang
    ),
    _zone(
        "selat-sunda-bagian-utara",
        "Selat Sunda bagian utara",
        "Northern Sunda Strait",
        (-6.3, 105.5, -5.6, 106.1),
        ("36.04", "36.72", "36.01", "18.03"),  # Serang, Cilegon, Pandeglang, Lampung Selatan
    ),
    _zone(
        "perairan-utara-jawa-tengah",
        "Perairan utara Jawa Tengah",
        "Northern Central Java waters",
        (-6.9, 108.8, -6.2, 110.5),
        # Brebes, Tegal, Kota Tegal, Pemalang, Pekalongan, Kota Pekalongan, Batang, Kendal,
        # Kota Semarang
        ("33.29", "33.28", "33.76", "33.27", "33.26", "33.75", "33.25", "33.24", "33.74"),
    ),
    _zone(
        "laut-jawa-bagian-tengah",
        "Laut Jawa bagian tengah",
        "Central Java Sea",
        (-6.0, 109.5, -3.0, 113.0),
        ("33.20", "62.01", "62.02"),  # Jepara (Karimunjawa), Kotawaringin Barat, K. Timur
    ),
    _zone(
        "selat-makassar-bagian-selatan",
        "Selat Makassar bagian selatan",
        "Southern Makassar Strait",
        (-5.5, 117.0, -2.0, 119.5),
        # Kota Makassar, Pangkajene dan Kepulauan, Barru, Paser, Kotabaru
        ("73.71", "73.10", "73.11", "64.01", "63.02"),
    ),
    _zone(
        "perairan-kepulauan-riau-batam",
        "Perairan Kepulauan Riau - Batam",
        "Riau Islands - Batam waters",
        (0.4, 103.3, 1.4, 104.8),
        ("21.71", "21.72", "21.01", "21.02"),  # Batam, Tanjung Pinang, Karimun, Bintan
    ),
    _zone(
        "laut-banda",
        "Laut Banda",
        "Banda Sea",
        (-7.5, 124.0, -3.5, 131.0),
        ("81.03", "81.71", "81.08"),  # Maluku Tengah, Kota Ambon, Maluku Barat Daya
    ),
    _zone(
        "selat-bali",
        "Selat Bali",
        "Bali Strait",
        (-8.8, 114.3, -8.0, 114.7),
        ("35.10", "51.01"),  # Banyuwangi, Jembrana
    ),
    _zone(
        "perairan-selatan-jawa-timur",
        "Perairan selatan Jawa Timur",
        "Southern East Java waters",
        (-9.5, 111.0, -8.2, 114.6),
        # Pacitan, Trenggalek, Tulungagung, Blitar, Malang, Lumajang, Jember, Banyuwangi
        ("35.01", "35.03", "35.04", "35.05", "35.07", "35.08", "35.09", "35.10"),
    ),
    _zone(
        "laut-arafuru",
        "Laut Arafuru",
        "Arafura Sea",
        (-10.0, 131.0, -5.0, 140.0),
        ("81.05", "81.02", "81.72"),  # Kepulauan Aru, Maluku Tenggara, Kota Tual
    ),
    _zone(
        "perairan-bitung-manado",
        "Perairan Bitung - Manado",
        "Bitung - Manado waters",
        (1.2, 124.5, 2.0, 125.5),
        ("71.71", "71.72", "71.06"),  # Kota Manado, Kota Bitung, Minahasa Utara
    ),
    _zone(
        "selat-karimata",
        "Selat Karimata",
        "Karimata Strait",
        (-3.5, 106.5, 0.5, 110.0),
        ("19.02", "19.06", "61.06", "61.11"),  # Belitung, Belitung Timur, Ketapang, Kayong Utara
    ),
    _zone(
        "perairan-selatan-bali",
        "Perairan selatan Bali",
        "Southern Bali waters",
        (-9.2, 114.4, -8.5, 115.8),
        ("51.01", "51.02", "51.03", "51.71", "51.04", "51.05"),
        # Jembrana, Tabanan, Badung, Kota Denpasar, Gianyar, Klungkung
    ),
    _zone(
        "perairan-selatan-jawa-barat",
        "Perairan selatan Jawa Barat",
        "Southern West Java waters",
        (-8.2, 106.3, -7.0, 108.8),
        ("32.02", "32.03", "32.05", "32.06", "32.18"),
        # Sukabumi, Cianjur, Garut, Tasikmalaya, Pangandaran
    ),
)

ZONES_BY_ID: dict[str, Zone] = {zone.id: zone for zone in SEED_ZONES}


def zones_for_regency(code_prefix: str) -> tuple[Zone, ...]:
    """Seed zones touching any regency whose code starts with the prefix ('33' or '33.26')."""
    return tuple(
        zone
        for zone in SEED_ZONES
        if any(code.startswith(code_prefix) for code in zone.regency_codes)
    )


def zone_of(doc: dict[str, Any]) -> Zone:
    """The zone kept in `doc`: a stored zone (`_id`) or an alert chain's snapshot of it (`id`)."""
    return Zone.model_validate(
        {
            "id": doc.get("id", doc.get("_id")),
            "name_id": doc["name_id"],
            "name_en": doc["name_en"],
            "bbox": doc["bbox"],
            "regency_codes": tuple(doc["regency_codes"]),
        }
    )
