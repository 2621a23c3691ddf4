"""Landing a trip's catch: which reservations the actual quantity keeps, and which it releases.

Buyers reserved against the expected quantity; the sea decides the actual one. First come,
first served: reservations are taken oldest first (ties by order id, so every replica and every
retry decides alike) and kept while their running total fits the catch. The first one that does
not fit and every newer one are released, even a newer smaller one that would still fit: a later
buyer never overtakes an earlier one. The kilograms left over go on sale as normal stock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from lumbung_listings.domain.listing import MAX_QUANTITY, Quantity

CATCH_SHORT: Final = "catch_short"
"""The reason an order released at landing is cancelled with."""


@dataclass(frozen=True)
class Reservation:
    """Kilograms one order holds on the pre-listing, and since when."""

    order_id: str
    quantity: int
    reserved_at: datetime


@dataclass(frozen=True)
class LandingSplit:
    """The reservations a landing keeps (oldest first) and releases (newest first)."""

    kept: tuple[Reservation, ...]
    released: tuple[Reservation, ...]

    @property
    def kept_quantity(self) -> int:
        return sum(reservation.quantity for reservation in self.kept)


def split_at_landing(reservations: Iterable[Reservation], actual_quantity: int) -> LandingSplit:
    """Keep the oldest reservations while their running total is at most `actual_quantity`.

    The rest are released oldest-last: `released` lists the newest first, the order in which
    they lose their claim to the catch.
    """
    if actual_quantity < 0:
        raise ValueError("a landed quantity cannot be negative")
    ordered = sorted(reservations, key=lambda r: (r.reserved_at, r.order_id))
    total, cut = 0, len(ordered)
    for index, reservation in enumerate(ordered):
        if total + reservation.quantity > actual_quantity:
            cut = index
            break
        total += reservation.quantity
    return LandingSplit(tuple(ordered[:cut]), tuple(reversed(ordered[cut:])))


class LandingReport(BaseModel):
    """What the fisher brought in: the actual kilograms landed."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra={"examples": [{"actual_quantity": 40}]}
    )

    actual_quantity: Annotated[
        Quantity,
        Field(description=f"Kilograms landed, 0 to {MAX_QUANTITY}; 0 releases every order."),
    ]
