"""BMKG wave-height categories, kept as a table so the boundaries can be read and audited.

BMKG publishes its categories as ranges that share their end points (0.5-1.25, 1.25-2.5 ...).
We resolve each shared boundary upwards: a height equal to a boundary belongs to the higher,
more dangerous category (1.25 m is `sedang`, 2.5 m is `tinggi`, 9.0 m is `sangat ekstrem`),
because a warning that errs on the side of the sea being rougher is the safe mistake.
Heights below 0.1 m (BMKG's lowest bound) are still `tenang`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class WaveCategory(Enum):
    """A BMKG sea-state category; values are stable slugs, ordered from calm to very high."""

    TENANG = "tenang"
    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"
    SANGAT_TINGGI = "sangat_tinggi"
    EKSTREM = "ekstrem"
    SANGAT_EKSTREM = "sangat_ekstrem"

    @property
    def rank(self) -> int:
        """Position from calm (0) to very high (6); comparisons use it."""
        return _RANKS[self]

    @property
    def label_id(self) -> str:
        """The Indonesian name BMKG uses, e.g. 'sangat tinggi'."""
        return _BANDS_BY_CATEGORY[self].label_id

    @property
    def label_en(self) -> str:
        """The English (WMO sea state) name, e.g. 'very rough'."""
        return _BANDS_BY_CATEGORY[self].label_en

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, WaveCategory):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, WaveCategory):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, WaveCategory):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, WaveCategory):
            return NotImplemented
        return self.rank >= other.rank


@dataclass(frozen=True)
class WaveBand:
    """One row of the BMKG table: heights from `from_m` (inclusive) up to the next row."""

    category: WaveCategory
    from_m: float
    label_id: str
    label_en: str


WAVE_BANDS: tuple[WaveBand, ...] = (
    WaveBand(WaveCategory.TENANG, 0.0, "tenang", "calm"),
    WaveBand(WaveCategory.RENDAH, 0.5, "rendah", "slight"),
    WaveBand(WaveCategory.SEDANG, 1.25, "sedang", "moderate"),
    WaveBand(WaveCategory.TINGGI, 2.5, "tinggi", "rough"),
    WaveBand(WaveCategory.SANGAT_TINGGI, 4.0, "sangat tinggi", "very rough"),
    WaveBand(WaveCategory.EKSTREM, 6.0, "ekstrem", "high"),
    WaveBand(WaveCategory.SANGAT_EKSTREM, 9.0, "sangat ekstrem", "very high"),
)
"""The BMKG table, calmest first; each band ends where the next begins (boundary goes up)."""

_BANDS_BY_CATEGORY = {band.category: band for band in WAVE_BANDS}
_RANKS = {band.category: rank for rank, band in enumerate(WAVE_BANDS)}


def wave_category(significant_wave_m: float) -> WaveCategory:
    """Return the BMKG category of a significant wave height in metres.

    Negative heights are a caller bug (observations are validated before they get here).
    """
    if significant_wave_m < 0:
        raise ValueError("wave height cannot be negative")
    category = WaveCategory.TENANG
    for band in WAVE_BANDS:
        if significant_wave_m >= band.from_m:
            category = band.category
    return category
