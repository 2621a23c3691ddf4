"""The closed word lists of the marketplace: kinds of goods, selling units and listing tags.

They are closed on purpose: buyers filter by them, the price board groups by them and the
mobile client shows a translated label for each, so a free-text value would break all three.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What sort of goods a listing sells; decides which dates and units make sense."""

    PRODUCE = "produce"  # hasil tani: grown and harvested
    CATCH = "catch"  # hasil tangkapan / budidaya: fished or farmed in water
    PROCESSED = "processed"  # olahan: dried, salted, boiled down, fermented


class Unit(StrEnum):
    """How a seller counts what they sell; prices are always per one of these."""

    KG = "kg"
    TON = "ton"
    EKOR = "ekor"  # per fish or animal
    IKAT = "ikat"  # bunch
    KARUNG = "karung"  # sack
    LITER = "liter"
    BUAH = "buah"  # piece


UNIT_NAMES: dict[Unit, tuple[str, str]] = {
    Unit.KG: ("kilogram", "kilogram"),
    Unit.TON: ("ton", "tonne"),
    Unit.EKOR: ("ekor (per ikan atau hewan)", "head (per fish or animal)"),
    Unit.IKAT: ("ikat", "bunch"),
    Unit.KARUNG: ("karung", "sack"),
    Unit.LITER: ("liter", "litre"),
    Unit.BUAH: ("buah", "piece"),
}
"""Each unit's name in Indonesian and English, for the units catalogue and price labels."""


class Tag(StrEnum):
    """Allow-listed labels a seller may attach; local-value tags are the marketplace's edge."""

    ORGANIK = "organik"
    HALAL = "halal"
    PRODUK_LOKAL = "produk-lokal"
    SEGAR = "segar"
    BEKU = "beku"
    KERING = "kering"
    ASAP = "asap"
    TANPA_PESTISIDA = "tanpa-pestisida"
    TANGKAPAN_TRADISIONAL = "tangkapan-tradisional"
    BUATAN_TANGAN = "buatan-tangan"
    INDIKASI_GEOGRAFIS = "indikasi-geografis"
    PANEN_BARU = "panen-baru"

    @property
    def label_en(self) -> str:
        """The English label shown to clients that asked for English."""
        return TAG_LABELS_EN[self]


TAG_LABELS_EN: dict[Tag, str] = {
    Tag.ORGANIK: "organic",
    Tag.HALAL: "halal",
    Tag.PRODUK_LOKAL: "local product",
    Tag.SEGAR: "fresh",
    Tag.BEKU: "frozen",
    Tag.KERING: "dried",
    Tag.ASAP: "smoked",
    Tag.TANPA_PESTISIDA: "pesticide-free",
    Tag.TANGKAPAN_TRADISIONAL: "traditional catch",
    Tag.BUATAN_TANGAN: "handmade",
    Tag.INDIKASI_GEOGRAFIS: "geographical indication",
    Tag.PANEN_BARU: "freshly harvested",
}
