"""Events, a broker stand-in and lease look-ups shared by the outbox relay tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from lumbung_shared.events import new_event
from lumbung_shared.events.stock import StockLine, StockReleased, StockReserved
from lumbung_shared.outbox_leases import LEASES
from pymongo.asynchronous.collection import AsyncCollection

Collection = AsyncCollection[dict[str, Any]]


def reserved(order_id: str) -> Any:
    line = StockLine(listing_id="l-1", quantity=1, remaining=0)
    return new_event(
        StockReserved(order_id=order_id, lines=[line]),
        producer="test",
        correlation_id="c",
        key=order_id,
    )


def released(order_id: str) -> Any:
    line = StockLine(listing_id="l-1", quantity=1, remaining=1)
    return new_event(
        StockReleased(order_id=order_id, lines=[line]),
        producer="test",
        correlation_id="c",
        key=order_id,
    )


class Recorder:
    """A broker stand-in: notes each entry handed over; its ack comes `delay` seconds later."""

    def __init__(self, delay: float = 0.0) -> None:
        self.published: list[str] = []
        self.delay = delay

    async def __call__(self, entry: dict[str, Any]) -> Awaitable[object]:
        self.published.append(entry["event_id"])
        return asyncio.ensure_future(asyncio.sleep(self.delay))


async def leases_of(collection: Collection) -> list[dict[str, Any]]:
    """Every lease document beside `collection` (its database is the test's own)."""
    return await collection.database[LEASES].find({}).to_list(None)
