"""Kafka: our consume→produce loop (FastStream) vs the same loop in raw aiokafka; acks=all vs 1.

(a) N `order.placed` envelopes are produced to a fresh `bench_in_*` topic; each loop (own
consumer group, so both read the same N) handles every record and publishes one to
`bench_out_*`. Ours is `EventConsumer` itself on `make_broker`'s broker, subscribed by its own
`subscribe` (manual ack = commit after the work, earliest), with an in-memory inbox. The raw
loop does the same work by hand: `getone`, `decode_event`, inbox check, handler, inbox mark,
`commit()` per record (auto-commit off), with an `AIOKafkaProducer` of `make_broker`'s
settings. Timed from the first record handled to the N-th committed (the group join is not
counted); the CPU this process spent per record is in the note.
(b) The same records sent by an idempotent acks=all producer and by a plain acks=1 one,
pipelined (10 N sent, then all awaited) and N/2 one at a time; each producer warmed by one
send first; alternating, three rounds each.

Budget: about 30 s (N = 500; `quick`: 150). Topics are created and deleted here.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaMessage
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Envelope, decode_event, new_event
from lumbung_shared.events.orders import OrderLine, OrderPlaced
from lumbung_shared.kafka import make_broker
from lumbung_shared.settings import ServiceSettings

from bench.harness import BenchContext, Row, at_least

SECTION = "kafka"
PARTITIONS = 2
LOOP_TIMEOUT_S = 30.0
FASTSTREAM_SHARE = 0.75  # the targets; acks=all idempotent ≥ 85 % of acks=1
ACKS_1 = "acks=1, not idempotent"


def _records(n: int) -> list[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """`order.placed` envelopes as the outbox relay publishes them (body, key, headers)."""
    made = []
    for i in range(n):
        line = OrderLine(listing_id=uuid4().hex, quantity=3, unit_price=12_000)
        placed = OrderPlaced(
            order_id=f"o-{i}", buyer_id="b-1", seller_id="s-1", state="placed",
            lines=[line] * 3, total=108_000, actor="buyer",
        )  # fmt: skip
        out = new_event(placed, producer="bench", correlation_id="c", key=f"o-{i}").to_outbox()
        headers = [("event-type", out["type"].encode()), ("event-id", out["event_id"].encode())]
        made.append((out["body"].encode(), out["key"].encode(), headers))
    return made


class MemoryInbox:
    """The inbox without a store: this section measures Kafka, not FerretDB."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    async def seen(self, consumer: str, event_id: str) -> bool:
        return (consumer, event_id) in self._seen

    async def mark(self, consumer: str, event_id: str) -> None:
        self._seen.add((consumer, event_id))


class Finish:
    """Counts acknowledged records; the clock runs from the first handled to the last acked."""

    def __init__(self, n: int) -> None:
        self.n, self.done, self.first, self.last = n, 0, 0.0, 0.0
        self.cpu_first, self.cpu_last = 0.0, 0.0  # this process's CPU: what the loop costs us
        self.all_done = asyncio.Event()

    def started(self) -> None:
        if not self.first:
            self.first, self.cpu_first = time.perf_counter(), time.process_time()

    def acked(self) -> None:
        self.done += 1
        self.last, self.cpu_last = time.perf_counter(), time.process_time()
        if self.done >= self.n:
            self.all_done.set()

    async def wait(self) -> None:
        """Until all are acknowledged, or the loop's time is up (then `rate` says so)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.all_done.wait(), LOOP_TIMEOUT_S)

    def rate(self) -> tuple[float | None, str]:
        """Records/s, and a note when not all were acknowledged in time."""
        elapsed = self.last - self.first
        note = "" if self.done >= self.n else f"timed out: {self.done}/{self.n} acknowledged"
        return (self.done / elapsed if elapsed > 0 else None), note


def _settings(ctx: BenchContext) -> ServiceSettings:
    return ServiceSettings(
        service_name="bench-kafka",
        kafka_bootstrap_servers=ctx.stack.kafka.bootstrap,
        mongo_database="bench_unused",
        internal_secret=ctx.stack.secrets.internal_secret,
    )


async def faststream_loop(ctx: BenchContext, source: str, sink: str, n: int) -> Finish:
    """`EventConsumer` on our broker; its handler publishes one record per event."""
    broker = make_broker(_settings(ctx))
    finish = Finish(n)

    async def placed(envelope: Envelope[Any]) -> None:
        finish.started()
        body = envelope.payload.model_dump_json().encode()
        await broker.publish(body, topic=sink, key=envelope.key.encode())

    consumer = EventConsumer(
        group_id=f"bench-fs-{uuid4().hex[:6]}", handlers={"order.placed": placed},
        inbox=MemoryInbox(), broker=broker,
    )  # fmt: skip
    on_message = consumer.on_message

    async def counted(message: KafkaMessage) -> None:  # ours always ends in ack or nack
        await on_message(message)
        finish.acked()

    consumer.on_message = counted  # type: ignore[method-assign]
    consumer.subscribe([source])  # type: ignore[list-item]  # a bench topic, not a `Topic`
    await broker.start()
    try:
        await finish.wait()
    finally:
        await broker.stop()
    return finish


async def raw_loop(ctx: BenchContext, source: str, sink: str, n: int) -> Finish:
    """The same loop by hand: aiokafka consumer and producer, same settings, commit per record."""
    settings = _settings(ctx)
    inbox, group = MemoryInbox(), f"bench-raw-{uuid4().hex[:6]}"
    producer = _producer(ctx, idempotent=True, timeout_ms=settings.kafka_request_timeout_ms)
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=ctx.stack.kafka.bootstrap,
        client_id=settings.service_name,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    finish = Finish(n)

    async def consume() -> None:
        while finish.done < n:
            record = await consumer.getone()
            finish.started()
            envelope = decode_event(record.value)
            event_id = str(envelope.event_id)
            if not await inbox.seen(group, event_id):
                body = envelope.payload.model_dump_json().encode()
                await (await producer.send(sink, body, envelope.key.encode()))
                await inbox.mark(group, event_id)
            await consumer.commit()
            finish.acked()

    await producer.start()
    await consumer.start()
    task = asyncio.create_task(consume())
    try:
        await finish.wait()
    finally:
        task.cancel()
        (failure,) = await asyncio.gather(task, return_exceptions=True)
        await consumer.stop()
        await producer.stop()
    if isinstance(failure, Exception):
        raise failure  # the loop broke off: reported as the row's note
    return finish


def _producer(ctx: BenchContext, *, idempotent: bool, timeout_ms: int = 10_000) -> Any:
    return AIOKafkaProducer(
        bootstrap_servers=ctx.stack.kafka.bootstrap,
        client_id="bench-kafka",
        enable_idempotence=idempotent,
        acks="all" if idempotent else 1,
        request_timeout_ms=timeout_ms,
    )


async def send_all(
    ctx: BenchContext, topic: str, records: list[Any], *, idempotent: bool, pipelined: bool
) -> float | None:
    """Records/s for sending every record and having every delivery acknowledged."""
    producer = _producer(ctx, idempotent=idempotent)
    await producer.start()
    try:
        value, key, headers = records[0]
        await producer.send_and_wait(topic, value, key, headers=headers)  # metadata, producer id
        started = time.perf_counter()
        if pipelined:
            sent = [await producer.send(topic, v, k, headers=h) for v, k, h in records]
            await asyncio.gather(*sent)
        else:
            for value, key, headers in records:
                await producer.send_and_wait(topic, value, key, headers=headers)
        return len(records) / (time.perf_counter() - started)
    except Exception:  # a failed send is a result: the row shows no figure
        return None
    finally:
        await producer.stop()


async def _rows_for_acks(ctx: BenchContext, topic: str, records: list[Any]) -> list[Row]:
    rows = []
    for pipelined in (True, False):
        batch = records * 10 if pipelined else records[: len(records) // 2]  # ~0.5 s a run
        rates: dict[bool, list[float]] = {True: [], False: []}
        for round_ in range(3):
            for idempotent in (True, False) if round_ % 2 == 0 else (False, True):
                rate = await send_all(ctx, topic, batch, idempotent=idempotent, pipelined=pipelined)
                if rate is not None:
                    rates[idempotent].append(rate)
        figure = f"idempotent acks=all producer, {'pipelined' if pipelined else 'one at a time'}"
        ours, plain, note = _mean(rates[True]), _mean(rates[False]), f"{len(batch)} records x 3"
        if pipelined:  # how the relay sends; one at a time, each send waits out a round trip
            rows.append(at_least(SECTION, figure, ours, "records/s", plain, ACKS_1, 0.85, note))
        else:  # informative: the same round trip either way on one broker, so mostly noise here
            rows.append(Row(SECTION, figure, ours, "records/s", plain, ACKS_1, note=note))
    return rows


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


async def _loops(ctx: BenchContext, source: str, sink: str, n: int) -> list[Row]:
    """Both loops twice, in the order raw, ours, ours, raw; records/s over all their runs."""
    runs: dict[str, list[Finish]] = {"ours": [], "raw": []}
    notes = [f"{n} records x 2 runs each, ack = commit per record"]
    for name in ("raw", "ours", "ours", "raw"):
        loop = faststream_loop if name == "ours" else raw_loop
        try:
            finish = await loop(ctx, source, sink, n)
        except Exception as exc:  # an error is a result of the benchmark
            notes.append(f"{name} failed: {type(exc).__name__}: {exc}"[:200])
            continue
        runs[name].append(finish)
        notes.append(finish.rate()[1])
    ours, raw = runs["ours"], runs["raw"]
    return [
        at_least(
            SECTION, "FastStream consume→produce loop (EventConsumer)", _rate(ours),
            "records/s", _rate(raw), "raw aiokafka, same work and settings",
            FASTSTREAM_SHARE, "; ".join(filter(None, notes)),
        ),
        Row(
            SECTION, "CPU of this process per record, same loops", _cpu_ms(ours), "ms",
            _cpu_ms(raw), "raw aiokafka", note="steadier than records/s on a shared box",
        ),
    ]  # fmt: skip


def _cpu_ms(finished: list[Finish]) -> float | None:
    done = _total(finished, lambda f: f.done)
    return _total(finished, lambda f: f.cpu_last - f.cpu_first) * 1000 / done if done else None


def _total(finished: list[Finish], part: Callable[[Finish], float]) -> float:
    return sum(map(part, finished))


def _rate(finished: list[Finish]) -> float | None:
    elapsed = _total(finished, lambda f: f.last - f.first)
    return _total(finished, lambda f: f.done) / elapsed if elapsed > 0 else None


async def run(ctx: BenchContext) -> list[Row]:
    n = 150 if ctx.quick else 500
    suffix = uuid4().hex[:8]
    source, sink = f"bench_in_{suffix}", f"bench_out_{suffix}"
    admin = AIOKafkaAdminClient(bootstrap_servers=ctx.stack.kafka.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, PARTITIONS, 1) for t in (source, sink)])
        records = _records(n)
        ctx.progress(f"kafka: {n} records into {source}")
        await send_all(ctx, source, records, idempotent=True, pipelined=True)
        ctx.progress("kafka: consume→produce loops, ours (FastStream) and raw aiokafka")
        rows = await _loops(ctx, source, sink, n)
        ctx.progress("kafka: producer acks=all idempotent vs acks=1")
        rows += await _rows_for_acks(ctx, sink, records)
        return rows
    finally:
        await admin.delete_topics([source, sink])
        await admin.close()
