"""Query parameters more than one route declares, each with the constraints the server enforces.

Commodity and region filters are validated by the same catalogue checks as a listing's fields
(bilingual `FieldError`s in the 422's `errors`), and declared as the catalogues' enums (the
`RegionCode` component) so a generated client offers only values the server accepts.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, WithJsonSchema

from lumbung_listings.domain.commodities import (
    CATALOGUE_ROUTE,
    COMMODITY_CODES,
    known_commodity_code,
)
from lumbung_listings.domain.regions import RegionCode
from lumbung_listings.domain.search import MAX_CURSOR_LENGTH, MAX_PAGE_SIZE

CURSOR_PATTERN = rf"^[A-Za-z0-9_-]{{1,{MAX_CURSOR_LENGTH}}}$"
"""Cursors are URL-safe base64 without padding (`lumbung_shared.cursors`)."""

CommodityFilter = Annotated[
    str | None,
    AfterValidator(lambda code: None if code is None else known_commodity_code(code)),
    WithJsonSchema({"type": "string", "enum": list(COMMODITY_CODES)}),
    Query(
        description=f"A commodity id from `GET {CATALOGUE_ROUTE}`; case, spaces and "
        "underscores are forgiven (`Bawang_Merah` is `bawang-merah`)",
    ),
]
RegionFilter = Annotated[
    RegionCode | None,
    Query(
        description="A province `NN`, regency `NN.NN` or district `NN.NN.NN` "
        "(`GET /v1/catalogue/regions`); listings anywhere inside it match",
    ),
]
PageSize = Annotated[
    int | None,
    Query(ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, 1 to {MAX_PAGE_SIZE} (20)"),
]
PageCursor = Annotated[
    str | None,
    Query(
        pattern=CURSOR_PATTERN,
        description="The `next_cursor` of the previous page, unchanged",
    ),
]
