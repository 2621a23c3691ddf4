"""`GET /v1/prices`: the price board, what a commodity sells for per regency in live listings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, Field, WithJsonSchema

from lumbung_listings.api.deps import PriceBoardShowing
from lumbung_listings.api.params import CommodityFilter, RegionFilter
from lumbung_listings.domain.prices import WINDOW
from lumbung_listings.domain.vocabulary import Unit

router = APIRouter(prefix="/v1/prices", tags=["prices"])


class PricePointView(BaseModel):
    """Median, minimum and maximum asking price (whole rupiah) over `count` listings."""

    commodity: str = Field(description="The commodity id (`GET /v1/catalogue/commodities`)")
    regency: str
    unit: Unit
    median: int
    min: int
    max: int
    count: int


class PriceBoard(BaseModel):
    """The board over active listings created in the last `window_days` days."""

    window_days: int
    as_of: datetime
    seller_type: Literal["individual", "aggregator"] | None = Field(
        default=None, description="The sellers the board was limited to (none: everyone)"
    )
    entries: list[PricePointView]


@router.get("", response_model=PriceBoard, responses=problem_responses(422))
async def price_board_view(
    *,
    caller: Caller,
    show_price_board: PriceBoardShowing,
    response: Response,
    commodity: CommodityFilter = None,
    region: RegionFilter = None,
    seller_type: Annotated[
        Literal["individual", "aggregator"] | None,
        WithJsonSchema({"type": "string", "enum": ["individual", "aggregator"]}),
        Query(description="Only individual sellers' or only aggregators' (cooperatives') prices"),
    ] = None,
) -> PriceBoard:
    """Median/min/max price per commodity per regency (optionally one commodity or region)."""
    del caller  # the board is public
    now = datetime.now(UTC)
    entries = [
        PricePointView(
            commodity=p.commodity,
            regency=p.regency,
            unit=p.unit,
            median=p.median,
            min=p.min,
            max=p.max,
            count=p.count,
        )
        for p in await show_price_board(commodity, region, now, seller_type)
    ]
    response.headers["Cache-Control"] = "public, max-age=60"
    return PriceBoard(window_days=WINDOW.days, as_of=now, seller_type=seller_type, entries=entries)
