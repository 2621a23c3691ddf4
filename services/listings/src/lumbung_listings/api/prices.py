"""`GET /v1/prices`: the price board, what a commodity sells for per regency in live listings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from lumbung_shared.web.identity import Caller
from pydantic import BaseModel

from lumbung_listings.api.deps import PriceBoardShowing
from lumbung_listings.domain.commodities import get_commodity
from lumbung_listings.domain.prices import WINDOW
from lumbung_listings.domain.regions import validate_region

router = APIRouter(prefix="/v1/prices", tags=["prices"])


class PricePointView(BaseModel):
    """Median, minimum and maximum asking price (whole rupiah) over `count` listings."""

    commodity: str
    regency: str
    unit: str
    median: int
    min: int
    max: int
    count: int


class PriceBoard(BaseModel):
    """The board over active listings created in the last `window_days` days."""

    window_days: int
    as_of: datetime
    entries: list[PricePointView]


@router.get("", response_model=PriceBoard)
async def price_board_view(
    caller: Caller,
    show_price_board: PriceBoardShowing,
    response: Response,
    commodity: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[str | None, Query(max_length=8)] = None,
) -> PriceBoard:
    """Median/min/max price per commodity per regency (optionally one commodity or region)."""
    del caller  # the board is public
    code = get_commodity(commodity).code if commodity is not None else None
    place = validate_region(region) if region is not None else None
    now = datetime.now(UTC)
    entries = [
        PricePointView(
            commodity=p.commodity,
            regency=p.regency,
            unit=p.unit.value,
            median=p.median,
            min=p.min,
            max=p.max,
            count=p.count,
        )
        for p in await show_price_board(code, place, now)
    ]
    response.headers["Cache-Control"] = "public, max-age=60"
    return PriceBoard(window_days=WINDOW.days, as_of=now, entries=entries)
