"""The commodity catalogue: what may be sold, its names in both languages and how it is counted.

A fixed catalogue (rather than free text) lets buyers filter by commodity, lets the price board
compare like with like across regencies, and stops a listing of tuna being sold by the `ikat`.
Codes are slugs of the Indonesian name because that is what farmers and fishers type and say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lumbung_shared.errors import DomainError

from lumbung_listings.domain.problems import invalid
from lumbung_listings.domain.vocabulary import Kind, Unit


@dataclass(frozen=True)
class Commodity:
    """One tradeable good: its slug, bilingual names, kind and the units it is sold in."""

    code: str
    name_id: str
    name_en: str
    kind: Kind
    default_unit: Unit
    units: frozenset[Unit]

    def allows(self, unit: Unit) -> bool:
        """Whether a listing of this commodity may be priced per `unit`."""
        return unit in self.units


_P, _C, _O = Kind.PRODUCE, Kind.CATCH, Kind.PROCESSED
_KG, _TON, _EKOR, _IKAT = Unit.KG, Unit.TON, Unit.EKOR, Unit.IKAT
_KARUNG, _LITER, _BUAH = Unit.KARUNG, Unit.LITER, Unit.BUAH

_BULK = (_KG, _TON, _KARUNG)  # grains and beans leave the farm by the sack or the truck
_FISH = (_KG, _EKOR)  # fish are weighed at the landing or sold whole per fish

# (code, name_id, name_en, kind, units; the first unit is the default)
_ROWS: tuple[tuple[str, str, str, Kind, tuple[Unit, ...]], ...] = (
    ("beras", "Beras", "Rice", _P, _BULK),
    ("gabah", "Gabah kering giling", "Dry unhusked paddy", _P, _BULK),
    ("jagung", "Jagung pipilan", "Shelled maize", _P, _BULK),
    ("kedelai", "Kedelai", "Soybeans", _P, _BULK),
    ("cabai-rawit", "Cabai rawit", "Bird's eye chili", _P, (_KG,)),
    ("cabai-merah", "Cabai merah keriting", "Curly red chili", _P, (_KG,)),
    ("bawang-merah", "Bawang merah", "Shallots", _P, (_KG, _IKAT, _KARUNG)),
    ("bawang-putih", "Bawang putih", "Garlic", _P, (_KG, _KARUNG)),
    ("tomat", "Tomat", "Tomatoes", _P, (_KG,)),
    ("kentang", "Kentang", "Potatoes", _P, (_KG, _KARUNG)),
    ("wortel", "Wortel", "Carrots", _P, (_KG, _IKAT)),
    ("kangkung", "Kangkung", "Water spinach", _P, (_IKAT, _KG)),
    ("kopi-arabika", "Kopi arabika (biji hijau)", "Arabica coffee (green beans)", _P, _BULK),
    ("kopi-robusta", "Kopi robusta (biji hijau)", "Robusta coffee (green beans)", _P, _BULK),
    ("kakao", "Biji kakao", "Cocoa beans", _P, _BULK),
    ("pisang", "Pisang", "Bananas", _P, (_KG, _IKAT)),
    ("mangga", "Mangga", "Mangoes", _P, (_KG, _BUAH)),
    ("jeruk", "Jeruk", "Citrus (oranges)", _P, (_KG,)),
    ("kelapa", "Kelapa", "Coconuts", _P, (_BUAH, _KG)),
    ("tuna-sirip-kuning", "Tuna sirip kuning", "Yellowfin tuna", _C, _FISH),
    ("cakalang", "Cakalang", "Skipjack tuna", _C, _FISH),
    ("tongkol", "Tongkol", "Mackerel tuna", _C, _FISH),
    ("kembung", "Ikan kembung", "Short mackerel", _C, (_KG,)),
    ("kerapu", "Ikan kerapu", "Grouper", _C, _FISH),
    ("bandeng", "Bandeng", "Milkfish", _C, _FISH),
    ("teri", "Ikan teri segar", "Fresh anchovies", _C, (_KG,)),
    ("cumi", "Cumi-cumi", "Squid", _C, (_KG,)),
    ("udang-vaname", "Udang vaname", "Whiteleg shrimp", _C, (_KG, _TON)),
    ("lobster", "Lobster", "Spiny lobster", _C, (_KG, _EKOR)),
    ("kepiting-bakau", "Kepiting bakau", "Mud crab", _C, (_KG, _EKOR)),
    ("rumput-laut", "Rumput laut", "Seaweed", _C, _BULK),
    ("ikan-asin", "Ikan asin", "Salted dried fish", _O, (_KG,)),
    ("ikan-asap", "Ikan asap (cakalang fufu)", "Smoked skipjack (fufu)", _O, (_KG, _EKOR)),
    ("terasi", "Terasi", "Shrimp paste", _O, (_KG, _BUAH)),
    ("kerupuk-ikan", "Kerupuk ikan", "Fish crackers", _O, (_KG,)),
    ("gula-aren", "Gula aren", "Palm sugar", _O, (_KG, _BUAH)),
    ("minyak-kelapa", "Minyak kelapa murni", "Virgin coconut oil", _O, (_LITER,)),
    ("madu-hutan", "Madu hutan", "Wild forest honey", _O, (_LITER, _BUAH)),
)

COMMODITIES: Mapping[str, Commodity] = MappingProxyType(
    {
        code: Commodity(code, name_id, name_en, kind, units[0], frozenset(units))
        for code, name_id, name_en, kind, units in _ROWS
    }
)


def get_commodity(code: str) -> Commodity:
    """Look a commodity up by code; an unknown code is the seller's input error (422)."""
    commodity = COMMODITIES.get(code) if isinstance(code, str) else None
    if commodity is None:
        raise unknown_commodity(code)
    return commodity


def commodities_of(kind: Kind) -> list[Commodity]:
    """The catalogue entries of one kind, in catalogue order, for pickers in the client."""
    return [c for c in COMMODITIES.values() if c.kind is kind]


def unknown_commodity(code: str) -> DomainError:
    """The error for a commodity code that is not in the catalogue (echoed back, shortened)."""
    code = str(code)[:40]
    return invalid(
        "unknown-commodity",
        f"Komoditas '{code}' tidak ada dalam katalog.",
        f"Commodity '{code}' is not in the catalogue.",
        commodity=code,
    )
