"""Kemendagri region codes as accounts carry them: province, regency/city or district."""

from __future__ import annotations

import re

from lumbung_shared.errors import Message

from lumbung_gateway.domain.errors import InvalidInputError

REGION_PATTERN = r"^[0-9]{2}(\.[0-9]{2}){0,2}$"
_REGION = re.compile(REGION_PATTERN)


def check_region(code: str) -> str:
    """Return `code` if it is `NN`, `NN.NN` or `NN.NN.NN`; else a 422 `invalid-region`."""
    if not _REGION.fullmatch(code):
        raise InvalidInputError(
            "invalid-region",
            Message(
                id=f"Kode wilayah {code!r} tidak valid; contoh: 63, 63.08 atau 63.08.01.",
                en=f"Region code {code!r} is invalid; for example 63, 63.08 or 63.08.01.",
            ),
        )
    return code
