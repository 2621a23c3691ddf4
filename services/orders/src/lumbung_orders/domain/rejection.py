"""Why an order was rejected, in terms a buyer's app can act on.

Listings decides stock and price (`stock.rejected` names its reason); the orders service adds
`timeout` when no decision came within the reservation deadline. With `price_changed` the order
keeps the listing's current price, so the app can show it and ask the buyer again.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict

TIMEOUT: Final = "timeout"
"""No stock decision arrived within the reservation deadline (`settings.reservation_deadline`)."""
PRICE_CHANGED: Final = "price_changed"
"""The listing's price is no longer the one the buyer saw; nothing was reserved."""


class RejectedLine(BaseModel):
    """The line listings refused and, for `price_changed`, the price it asks now."""

    model_config = ConfigDict(frozen=True)

    listing_id: str
    current_price: int | None = None
