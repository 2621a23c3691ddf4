"""The steps of an order's history, shown to buyer and seller (and streamed live, in order)."""

from __future__ import annotations

from collections.abc import Sequence
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


def moves_since(
    state: OrderState, steps: Sequence[TimelineEntry]
) -> list[tuple[OrderState, OrderState]]:
    """The state changes `steps` made, in order, starting from `state`.

    `steps` are the timeline entries one write appended: each entry is one move (`Order._move`
    appends exactly one), so a delivery that also completes the order is two moves.
    """
    moves: list[tuple[OrderState, OrderState]] = []
    for step in steps:
        moves.append((state, step.state))
        state = step.state
    return moves
