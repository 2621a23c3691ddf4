"""The commodity catalogue: what may be sold, its names in both languages and how it is counted.

A fixed catalogue (rather than free text) lets buyers filter by commodity, lets the price board
compare like with like across regencies, and stops a listing of tuna being sold by the `ikat`.
Codes are slugs of the Indonesian name because that is what farmers and fishers type and say.
Clients learn them from `GET /v1/catalogue/commodities`; a code written the way people write
names (`Bawang Merah`, `bawang_merah`) is read as the slug it spells (`bawang-merah`), and a
buyer's words find commodities by either name (`shallot` finds `bawang-merah`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lumbung_shared.errors import DomainError, Message

from lumbung_listings.domain.problems import as_field_error, invalid
from lumbung_listings.domain.search import tokens
from lumbung_listings.domain.vocabulary import Kind, Unit

CATALOGUE_ROUTE = "/v1/catalogue/commodities"
MAX_CODE_LENGTH = 40
MAX_SUGGESTIONS = 3


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


COMMODITY_CODES: tuple[str, ...] = tuple(COMMODITIES)
"""Every code in catalogue order: the `enum` of each commodity field and parameter."""

_SLUG_SEPARATORS = re.compile(r"[\s_]+")


def normalise_code(value: str) -> str:
    """The slug a code spells: `" Bawang_Merah "` and `"bawang merah"` read as `bawang-merah`.

    Only case, accents, spaces and underscores are forgiven; the result must still be a code
    of the catalogue, so this never guesses between commodities.
    """
    decomposed = unicodedata.normalize("NFKD", value.strip())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _SLUG_SEPARATORS.sub("-", plain)


def find_commodity(code: object) -> Commodity | None:
    """The entry a (normalised) code names, or None."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH:
        return None
    return COMMODITIES.get(normalise_code(code))


def get_commodity(code: str) -> Commodity:
    """Look a commodity up by code; an unknown code is the seller's input error (422)."""
    commodity = find_commodity(code)
    if commodity is None:
        raise unknown_commodity(code)
    return commodity


def known_commodity_code(value: str) -> str:
    """A pydantic validator: the catalogue code of `value`, else a `FieldError` for its field."""
    commodity = find_commodity(value)
    if commodity is None:
        raise as_field_error(unknown_commodity(value))
    return commodity.code


def commodities_of(kind: Kind) -> list[Commodity]:
    """The catalogue entries of one kind, in catalogue order, for pickers in the client."""
    return [c for c in COMMODITIES.values() if c.kind is kind]


def _singular(word: str) -> str:
    """English plurals of the catalogue's names: shallots, tomatoes, anchovies."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("oes") and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _name_words(commodity: Commodity) -> frozenset[str]:
    words = tokens(" ".join((commodity.code, commodity.name_id, commodity.name_en)))
    return frozenset(words) | {_singular(word) for word in words}


_WORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {code: _name_words(commodity) for code, commodity in COMMODITIES.items()}
)


def commodities_named_by(word: str) -> frozenset[str]:
    """The codes whose Indonesian or English name (or code) has the search word `word`.

    `word` is one of `search.tokens`; `shallot` and `shallots` both give `{"bawang-merah"}`,
    `merah` gives shallots and red chili. Plural and singular match each other.
    """
    forms = {word, _singular(word)}
    return frozenset(code for code, words in _WORDS.items() if forms & words)


def search_catalogue(q: str | None = None, kind: Kind | None = None) -> list[Commodity]:
    """The entries of `kind` whose names have every word of `q` as a word or word start.

    Prefixes, so a picker can search as the user types (`baw mer` finds `bawang-merah`).
    """
    wanted = tokens(q or "")
    found = []
    for commodity in COMMODITIES.values():
        if kind is not None and commodity.kind is not kind:
            continue
        words = _WORDS[commodity.code]
        if all(any(w.startswith(part) for w in words) for part in wanted):
            found.append(commodity)
    return found


def _suggestions(value: str) -> list[str]:
    """Codes the unknown value may have meant: those named by all of its words."""
    words = tokens(value)
    if not words:
        return []
    named: Iterable[str] = COMMODITY_CODES
    for word in words:
        named = [code for code in named if code in commodities_named_by(word)]
    return list(named)[:MAX_SUGGESTIONS]


def unknown_commodity(code: str) -> DomainError:
    """The 422 for a code not in the catalogue: echoed (shortened), with where to look it up.

    When the value is a commodity's name rather than its code (`shallot`), the codes it names
    are suggested so the client can correct itself.
    """
    code = str(code)[:MAX_CODE_LENGTH]
    suggestions = _suggestions(code)
    hint = Message(
        id=f" Mungkin maksud Anda: {', '.join(suggestions)}." if suggestions else "",
        en=f" Did you mean: {', '.join(suggestions)}?" if suggestions else "",
    )
    return invalid(
        "unknown-commodity",
        f"Komoditas '{code}' tidak ada dalam katalog (lihat GET {CATALOGUE_ROUTE}).{hint.id}",
        f"Commodity '{code}' is not in the catalogue (see GET {CATALOGUE_ROUTE}).{hint.en}",
        commodity=code,
        catalogue=CATALOGUE_ROUTE,
        suggestions=suggestions,
    )
