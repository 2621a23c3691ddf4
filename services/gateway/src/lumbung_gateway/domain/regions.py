"""Kemendagri region codes as accounts carry them: province, regency/city or district.

The shape of a code is the shared rule (`lumbung_shared.regions`); what this adds is the
gateway's bilingual 422 for an account's region that does not have that shape.
"""

from __future__ import annotations

import re

from lumbung_shared.errors import Message
from lumbung_shared.regions import REGION_PATTERN

from lumbung_gateway.domain.errors import InvalidInputError

__all__ = ["REGION_PATTERN", "check_region"]

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
