"""Indonesia's administrative regions (Kemendagri codes) as the marketplace's place vocabulary.

Listings, buyers and alert subscriptions all name places by code — province `NN`, regency or
city `NN.NN`, district `NN.NN.NN` — so that "everything in Kalimantan Selatan" is a prefix
filter. The codes ship with the service as `data/regions.csv` (sources in `data/README.md`)
and are loaded once per process.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Annotated, TypeGuard

from lumbung_shared import regions as shared_regions
from lumbung_shared.errors import DomainError, NotFoundError
from lumbung_shared.regions import prefixes

from lumbung_listings.domain.catalogue_codes import CatalogueCode
from lumbung_listings.domain.problems import as_field_error, invalid

_DATA_FILE = "regions.csv"


class RegionLevel(StrEnum):
    """How deep in the hierarchy a code sits; the level is the number of dotted parts."""

    PROVINCE = "province"
    REGENCY = "regency"  # kabupaten or kota
    DISTRICT = "district"  # kecamatan


_LEVELS = (RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.DISTRICT)


class RegionNotFoundError(NotFoundError):
    """No region has this code (404)."""

    def __init__(self) -> None:
        super().__init__("Wilayah", "Region")


@dataclass(frozen=True)
class Region:
    """One administrative region."""

    code: str
    name: str

    @property
    def level(self) -> RegionLevel:
        """Province, regency or district, read from the shape of the code."""
        return _LEVELS[self.code.count(".")]

    @property
    def parent(self) -> str | None:
        """The code one level up (`63.08` for `63.08.05`); None for a province."""
        return self.code.rpartition(".")[0] or None


def is_well_formed(code: object) -> TypeGuard[str]:
    """Whether `code` has the shape of a Kemendagri code (without checking that it exists)."""
    return shared_regions.is_well_formed(code)


class RegionCatalogue:
    """The known regions, looked up by code; every lookup of a user-supplied code validates it."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = MappingProxyType(dict(names))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]]) -> RegionCatalogue:
        """Build a catalogue from (code, name) pairs, refusing malformed or orphaned codes."""
        names = dict(rows)
        for code in names:
            if not is_well_formed(code):
                raise ValueError(f"malformed region code in catalogue: {code!r}")
            if any(parent not in names for parent in prefixes(code)[:-1]):
                raise ValueError(f"region {code!r} has no parent in the catalogue")
        return cls(names)

    @classmethod
    def load(cls) -> RegionCatalogue:
        """Read the catalogue shipped inside the package (works from any working directory)."""
        source = resources.files("lumbung_listings.domain").joinpath("data", _DATA_FILE)
        lines = source.read_text(encoding="utf-8").splitlines()
        rows = csv.DictReader(line for line in lines if not line.startswith("#"))
        return cls.from_rows((row["code"], row["name"]) for row in rows)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._names

    def codes(self) -> list[str]:
        """Every known code, in code order (a province before its regencies)."""
        return sorted(self._names)

    def validate(self, code: object) -> str:
        """Return `code` if it names a known region, else raise a bilingual 422."""
        if not is_well_formed(code):
            raise malformed_region(code)
        if code not in self._names:
            raise unknown_region(code)
        return code

    def get(self, code: object) -> Region:
        """The region for a valid code."""
        valid = self.validate(code)
        return Region(valid, self._names[valid])

    def name(self, code: object) -> str:
        """The official name of a region, e.g. `Kabupaten Hulu Sungai Utara` for `63.08`."""
        return self._names[self.validate(code)]

    def ancestors(self, code: object) -> list[str]:
        """The region and its parents, province first: what a listing is indexed under.

        Storing this list on a listing lets a buyer's filter on any level be one equality
        match on an indexed array, which FerretDB serves without regular expressions.
        """
        return prefixes(self.validate(code))

    def children(self, code: object) -> list[Region]:
        """The regions one level below `code`, in code order (for region pickers)."""
        parent = self.validate(code)
        depth = parent.count(".") + 1
        return [
            Region(c, n)
            for c, n in sorted(self._names.items())
            if c.startswith(parent + ".") and c.count(".") == depth
        ]

    def under(self, parent: str | None) -> list[Region]:
        """The provinces when `parent` is None, else the regions one level below it.

        For a picker that walks down the tree; a parent we do not know is a 404, because the
        parent names a resource (its list of children) rather than a value to validate.
        """
        if parent is None:
            return self.of_level(RegionLevel.PROVINCE)
        if parent not in self:
            raise RegionNotFoundError
        return self.children(parent)

    def of_level(self, level: RegionLevel) -> list[Region]:
        """All regions of one level, in code order."""
        return [
            Region(c, n) for c, n in sorted(self._names.items()) if _LEVELS[c.count(".")] is level
        ]


@lru_cache(maxsize=1)
def default_catalogue() -> RegionCatalogue:
    """The shipped catalogue, read on first use and then shared for the life of the process."""
    return RegionCatalogue.load()


def validate_region(code: object) -> str:
    """Validate a code against the shipped catalogue (422 when malformed or unknown)."""
    return default_catalogue().validate(code)


def known_region_code(code: str) -> str:
    """A pydantic validator: `code` if the shipped catalogue has it, else a `FieldError`."""
    try:
        return validate_region(code)
    except DomainError as error:
        raise as_field_error(error) from None


RegionCode = Annotated[
    str,
    CatalogueCode(
        name="RegionCode",
        codes=lambda: default_catalogue().codes(),
        check=known_region_code,
        description="A Kemendagri region code from `GET /v1/catalogue/regions`: province `NN`, "
        "regency `NN.NN` or district `NN.NN.NN`.",
    ),
]
"""A known region's code, in bodies and filters alike (the `RegionCode` component)."""


def ancestors(code: object) -> list[str]:
    """`ancestors("63.08.01") == ["63", "63.08", "63.08.01"]`, validated."""
    return default_catalogue().ancestors(code)


def name(code: object) -> str:
    """The official name of a known region."""
    return default_catalogue().name(code)


def malformed_region(code: object) -> DomainError:
    """The error for a value that is not shaped like a region code."""
    return invalid(
        "malformed-region",
        f"Kode wilayah '{str(code)[:20]}' tidak sesuai format NN, NN.NN atau NN.NN.NN.",
        f"Region code '{str(code)[:20]}' is not of the form NN, NN.NN or NN.NN.NN.",
        region=str(code)[:20],
    )


def unknown_region(code: str) -> DomainError:
    """The error for a well-formed code that names no region we know."""
    return invalid(
        "unknown-region",
        f"Kode wilayah '{code}' tidak dikenal.",
        f"Region code '{code}' is unknown.",
        region=code,
    )
