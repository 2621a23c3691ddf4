"""Fisheries reference data every service reads alike: landing sites and species groups.

Landing sites (pelabuhan perikanan: PPS/PPN/PPP, pangkalan pendaratan ikan PPI, tempat
pelelangan ikan TPI) are where a fisher's trip starts and ends and where catch is priced; the
planner measures from them (weather_alerts) and a trip's pre-listing names the one it lands at
(listings). Species groups are how ZPPI fishing-ground forecasts name their fish (KKP's
pelagis besar / pelagis kecil / demersal); each maps to the catch commodities of the listing
catalogue whose prices stand for it. Both are static, versioned with the code: a new port is a
change reviewed like any other, and no service has to ask another for them.

Coordinates are the harbour basins' approximate positions (WGS 84, ~0.01° ≈ 1 km), enough for
trip distances in nautical miles; regency codes are Kemendagri's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class SpeciesGroup(StrEnum):
    """KKP's groups of fishing-ground forecasts (ZPPI)."""

    PELAGIS_BESAR = "pelagis_besar"
    PELAGIS_KECIL = "pelagis_kecil"
    DEMERSAL = "demersal"


@dataclass(frozen=True)
class SpeciesGroupInfo:
    """A group's names and species (Indonesian and English) and its catalogue commodities."""

    group: SpeciesGroup
    name_id: str
    name_en: str
    species_id: tuple[str, ...]
    species_en: tuple[str, ...]
    commodities: tuple[str, ...]
    """Listing catalogue codes (listings' `domain.commodities`) whose prices stand for it."""


SPECIES_GROUPS: Mapping[SpeciesGroup, SpeciesGroupInfo] = MappingProxyType(
    {
        SpeciesGroup.PELAGIS_BESAR: SpeciesGroupInfo(
            SpeciesGroup.PELAGIS_BESAR,
            "Ikan pelagis besar",
            "Large pelagic fish",
            ("tuna sirip kuning", "cakalang", "tongkol", "tenggiri"),
            ("yellowfin tuna", "skipjack tuna", "mackerel tuna", "Spanish mackerel"),
            ("tuna-sirip-kuning", "cakalang", "tongkol"),
        ),
        SpeciesGroup.PELAGIS_KECIL: SpeciesGroupInfo(
            SpeciesGroup.PELAGIS_KECIL,
            "Ikan pelagis kecil",
            "Small pelagic fish",
            ("kembung", "layang", "tembang", "teri", "cumi-cumi"),
            ("short mackerel", "scad", "fringescale sardinella", "anchovy", "squid"),
            ("kembung", "teri", "cumi"),
        ),
        SpeciesGroup.DEMERSAL: SpeciesGroupInfo(
            SpeciesGroup.DEMERSAL,
            "Ikan demersal",
            "Demersal fish",
            ("kerapu", "kakap merah", "lobster", "kepiting"),
            ("grouper", "red snapper", "spiny lobster", "crab"),
            ("kerapu", "lobster", "kepiting-bakau"),
        ),
    }
)


def species_group_of(commodity: str) -> SpeciesGroup | None:
    """The group a catch commodity's price stands for, if any."""
    for info in SPECIES_GROUPS.values():
        if commodity in info.commodities:
            return info.group
    return None


@dataclass(frozen=True)
class LandingSite:
    """A fishing port or fish-landing place: a trip's origin and where its catch is sold."""

    id: str
    name: str
    """Its Indonesian name, as fishers say it (no English name: it is a proper name)."""
    kind: str
    """PPS, PPN, PPP, PPI or TPI (samudera / nusantara / pantai / pendaratan / pelelangan)."""
    regency_code: str
    latitude: float
    longitude: float


# (id, name, kind, regency, latitude, longitude): ports on the coasts of the seeded BMKG zones.
_SITES: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("pps-nizam-zachman", "PPS Nizam Zachman (Muara Baru)", "PPS", "31.75", -6.105, 106.806),
    ("ppi-pulau-pramuka", "PPI Pulau Pramuka", "PPI", "31.01", -5.746, 106.614),
    ("ppn-karangantu", "PPN Karangantu", "PPN", "36.73", -6.025, 106.166),
    ("ppp-labuan", "PPP Labuan", "PPP", "36.01", -6.378, 105.823),
    ("ppp-tegalsari", "PPP Tegalsari", "PPP", "33.76", -6.853, 109.133),
    ("ppn-pekalongan", "PPN Pekalongan", "PPN", "33.75", -6.862, 109.677),
    ("tpi-karimunjawa", "TPI Karimunjawa", "TPI", "33.20", -5.840, 110.430),
    ("ppi-paotere", "PPI Paotere", "PPI", "73.71", -5.114, 119.420),
    ("ppi-barelang", "PPI Barelang", "PPI", "21.71", 1.034, 103.950),
    ("ppn-ambon", "PPN Ambon", "PPN", "81.71", -3.677, 128.170),
    ("ppn-pengambengan", "PPN Pengambengan", "PPN", "51.01", -8.397, 114.575),
    ("ppp-muncar", "PPP Muncar", "PPP", "35.10", -8.433, 114.333),
    ("ppn-prigi", "PPN Prigi", "PPN", "35.03", -8.290, 111.733),
    ("ppp-pondokdadap", "PPP Pondokdadap (Sendang Biru)", "PPP", "35.07", -8.434, 112.687),
    ("ppn-tual", "PPN Tual", "PPN", "81.72", -5.623, 132.750),
    ("pps-bitung", "PPS Bitung", "PPS", "71.72", 1.443, 125.192),
    ("ppn-tanjung-pandan", "PPN Tanjung Pandan", "PPN", "19.02", -2.740, 107.630),
    ("ppi-benoa", "PPI Benoa", "PPI", "51.71", -8.745, 115.210),
    ("ppn-palabuhanratu", "PPN Palabuhanratu", "PPN", "32.02", -6.985, 106.545),
)

LANDING_SITES: Mapping[str, LandingSite] = MappingProxyType(
    {row[0]: LandingSite(*row) for row in _SITES}
)
"""Every landing site by id, in the order above."""

LANDING_SITE_IDS: tuple[str, ...] = tuple(LANDING_SITES)
"""The `enum` of every landing-site field and parameter."""
