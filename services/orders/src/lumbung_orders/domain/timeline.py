"""The steps of an order's history, shown to buyer and seller (and streamed live, in order)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from lumbung_orders.domain.states import Actor, OrderState


class TimelineEntry(BaseModel):
    """One step of the order's history, shown to buyer and seller."""

    model_config = ConfigDict(frozen=True)

    state: OrderState
    actor: Actor
    actor_id: str | None = None
    at: datetime
    reason: str | None = None
