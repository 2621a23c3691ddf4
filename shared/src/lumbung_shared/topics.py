"""Create the topics `Topic` declares, idempotently: `python -m lumbung_shared.topics`.

Run once per environment before the services (devstack does it locally; docker-compose and
Kubernetes run it as a one-shot job), because the brokers refuse to auto-create topics.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from lumbung_shared.events import Topic

log = logging.getLogger(__name__)


async def create_topics(
    bootstrap: str, partitions: int, replication: int = 1, wait_seconds: float = 60
) -> list[str]:
    """Create the missing topics; returns their names. Waits for the broker, bounded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [str(t) for t in Topic if str(t) not in existing]
            if missing:
                await admin.create_topics(
                    [NewTopic(name, partitions, replication) for name in missing],
                    timeout_ms=30_000,
                )
            return missing
        except KafkaError as exc:
            if loop.time() > deadline:
                raise
            log.warning("Kafka not ready for topic creation: %s; retrying", type(exc).__name__)
            await asyncio.sleep(1)
        finally:
            await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--replication", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    created = asyncio.run(create_topics(args.bootstrap, args.partitions, args.replication))
    print(f"created: {', '.join(created) or 'nothing (all topics exist)'}")


if __name__ == "__main__":
    main()
