"""Watch the order topic for the saga's decisions, so waiting for them costs the store nothing.

On FerretDB every query scans, and the orders service has one connection: polling its database
while the saga runs slows the saga down. The decision events (`order.reserved`,
`order.rejected`, ...) are on Kafka anyway, so the test reads them there, from the start of the
topic, and looks at the databases once they say every order is decided.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Collection

from aiokafka import AIOKafkaConsumer
from devstack.stack import Stack
from lumbung_shared.events import Topic

DECISIONS = frozenset({"order.reserved", "order.rejected", "order.expired", "order.cancelled"})


class DecisionWatch:
    """Collects the ids of orders whose stock decision has been published."""

    def __init__(self, stack: Stack) -> None:
        self.decided: set[str] = set()
        self._consumer = AIOKafkaConsumer(
            str(Topic.ORDER_EVENTS),
            bootstrap_servers=stack.kafka.bootstrap,
            auto_offset_reset="earliest",  # no group: every partition, from the start
        )
        self._reading: asyncio.Task[None] | None = None

    async def __aenter__(self) -> DecisionWatch:
        await self._consumer.start()
        self._reading = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reading is not None:
            self._reading.cancel()
        await self._consumer.stop()

    async def _read(self) -> None:
        async for message in self._consumer:
            try:
                event = json.loads(message.value)
            except ValueError:
                continue  # not an event; the services dead-letter such records
            if isinstance(event, dict) and event.get("type") in DECISIONS:
                self.decided.add(str(event.get("key")))

    async def all_decided(self, order_ids: Collection[str], deadline: float) -> bool:
        """True once every one of `order_ids` is decided; False if `deadline` passes first."""
        while not self.decided.issuperset(order_ids):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.2)
        return True
