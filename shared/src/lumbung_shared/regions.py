"""Kemendagri region codes as every service reads them: `63` province, `63.08` regency,
`63.08.01` district. Containment is by whole dotted segments, so `63.1` never covers `63.10`.

Pure: the catalogue of names lives with the service that needs it (listings); these are the
rules of the code itself, shared so agencies' scopes mean the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REGION_PATTERN = r"^[0-9]{2}(\.[0-9]{2}){0,2}$"
_WELL_FORMED = re.compile(REGION_PATTERN)


def is_well_formed(code: object) -> bool:
    """Whether `code` has the shape of a region code (province, regency or district)."""
    return isinstance(code, str) and bool(_WELL_FORMED.fullmatch(code))


def prefixes(code: str) -> list[str]:
    """The code and every wider region containing it, widest first: `63`, `63.08`, ..."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def regency_of(code: str) -> str | None:
    """The regency (`63.08`) a district or village code lies in; None for a province."""
    parts = code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def within(code: str, region: str) -> bool:
    """Whether `code` is `region` or lies inside it."""
    return code == region or code.startswith(region + ".")


def covered_by(code: str, scope: Iterable[str]) -> bool:
    """Whether any region of `scope` contains `code`."""
    return any(within(code, region) for region in scope)
