"""`lumbung_consumer_lag`: how many records each consumer group of the process has not done yet.

Per partition of the group's topics: the partition's end offset minus the offset the group
committed (a consumer commits a record only once it is handled or dead-lettered,
`lumbung_shared.consumer`). A partition the group never committed on counts from the log
start, where the group will begin (`auto_offset_reset="earliest"`).

Read from the broker, not from the process's own consumers: the committed offsets are the
group's, so every replica reports every partition, including those of a member that stopped
or hangs (until the group moves them, its partitions show the records piling up). The series
are bounded by the topics' partitions. Sampled on the metrics loop (`lumbung_shared.sampling`)
with an admin client (committed offsets) and a group-less consumer (log start and end
offsets): one `OffsetFetch` per group and two `ListOffsets` per sample, no store access.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from lumbung_shared.sampling import Labels, SampledGauge

CONSUMER_LAG = "lumbung_consumer_lag"


def lag(end: int, committed: int | None, log_start: int) -> int:
    """Records after the group's committed offset; from the log start when it committed none
    (Kafka answers -1); never below 0 (the end is read first, so the group may be past it)."""
    position = committed if committed is not None and committed >= 0 else log_start
    return max(0, end - position)


class ConsumerLag:
    """The lag gauge of the process's consumer groups, and the two Kafka clients it reads with."""

    def __init__(
        self,
        service: str,
        bootstrap_servers: str,
        groups: Mapping[str, Sequence[str]],
        *,
        request_timeout_ms: int = 10_000,
    ) -> None:
        self._service = service
        self._bootstrap = bootstrap_servers
        self._groups = {group: sorted(set(topics)) for group, topics in groups.items()}
        self._timeout_ms = request_timeout_ms
        self._lag = SampledGauge(
            CONSUMER_LAG,
            "Records on the partition after the consumer group's committed offset",
            ["service", "consumer_group", "topic", "partition"],
        )
        self._admin: AIOKafkaAdminClient | None = None
        self._offsets: AIOKafkaConsumer | None = None

    @property
    def gauges(self) -> Sequence[SampledGauge]:
        return (self._lag,)

    async def sample(self) -> None:
        if not self._groups:
            return
        admin, offsets = await self._clients()
        try:
            values = await self._read(admin, offsets)
        except Exception:
            await self.close()  # fresh clients for the next sample
            raise
        self._lag.set_all(values)

    async def _read(
        self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer
    ) -> dict[Labels, float]:
        topics = sorted({topic for topics in self._groups.values() for topic in topics})
        partitions = {
            described["topic"]: sorted(p["partition"] for p in described["partitions"])
            for described in await admin.describe_topics(topics)
            if not described["error_code"]
        }
        every = [TopicPartition(t, p) for t in topics for p in partitions.get(t, [])]
        start = await offsets.beginning_offsets(every)
        end = await offsets.end_offsets(every)
        values: dict[Labels, float] = {}
        for group, group_topics in self._groups.items():
            owned = [tp for tp in every if tp.topic in group_topics]
            if not owned:
                continue
            committed = await admin.list_consumer_group_offsets(group, partitions=owned)
            for tp in owned:
                done = committed.get(tp)
                behind = lag(end[tp], done.offset if done is not None else None, start[tp])
                values[(self._service, group, tp.topic, str(tp.partition))] = float(behind)
        return values

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        """Started on first use; a start that fails is retried on the next sample."""
        if self._admin is None:
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self._bootstrap,
                client_id=f"{self._service}-metrics",
                request_timeout_ms=self._timeout_ms,
            )
            try:
                await admin.start()
            except Exception:
                await admin.close()
                raise
            self._admin = admin
        if self._offsets is None:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap,
                client_id=f"{self._service}-metrics",
                group_id=None,
                enable_auto_commit=False,
                request_timeout_ms=self._timeout_ms,
            )
            try:
                await consumer.start()
            except Exception:
                await consumer.stop()
                raise
            self._offsets = consumer
        return self._admin, self._offsets

    async def close(self) -> None:
        admin, offsets, self._admin, self._offsets = self._admin, self._offsets, None, None
        if offsets is not None:
            await offsets.stop()
        if admin is not None:
            await admin.close()
