"""A topic of a test's own on the stack's broker, for consumers run inside the test process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from devstack.stack import Stack


@asynccontextmanager
async def own_topic(stack: Stack, purpose: str, partitions: int = 1) -> AsyncIterator[str]:
    """A fresh topic (one partition: every record in order), deleted afterwards."""
    name = f"lumbung.test.{purpose}.{uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
        yield name
    finally:
        await admin.delete_topics([name])
        await admin.close()
