"""Sampled gauges: scrapes read the last sample, failures keep it, and what each source reads.

The sources run here against stand-ins for the store; on the real FerretDB and Kafka through
the services: tests/integration/test_event_metrics.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from lumbung_shared import sampling
from lumbung_shared.clock import utc_now
from lumbung_shared.consumer_lag import ConsumerLag, lag
from lumbung_shared.events import new_event
from lumbung_shared.events.stock import StockRejected
from lumbung_shared.gauges import InboxSize, OutboxBacklog, occurred_at
from lumbung_shared.metrics import render
from lumbung_shared.sampling import SampledGauge, Sampler
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from pymongo.errors import OperationFailure

from tests.support.polling import eventually


class Counting:
    """A source whose gauge holds how many samples it took; it can be told to fail or hang."""

    def __init__(self, name: str, *, fails: bool = False, hangs: bool = False) -> None:
        self.gauge = SampledGauge(name, "samples taken", ["service"])
        self.fails, self.hangs = fails, hangs
        self.samples = 0
        self.closed = False

    @property
    def gauges(self) -> list[SampledGauge]:
        return [self.gauge]

    async def sample(self) -> None:
        self.samples += 1
        if self.hangs:
            await asyncio.Event().wait()
        if self.fails:
            raise ConnectionError("store away")
        self.gauge.set_all({("orders",): float(self.samples)})

    async def close(self) -> None:
        self.closed = True


def scraped(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = render(registry)[0].decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


class TestSampler:
    async def test_a_scrape_shows_the_last_sample_and_never_samples_itself(self) -> None:
        registry = CollectorRegistry()
        sampler, source = Sampler(registry), Counting("lumbung_probe")
        sampler.add(source)
        await sampler.sample_once()
        await sampler.sample_once()
        assert scraped(registry) == {("lumbung_probe", (("service", "orders"),)): 2.0}
        assert source.samples == 2

    async def test_a_failed_sample_keeps_its_last_values_and_the_other_sources_sample(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        registry = CollectorRegistry()
        sampler, flaky, steady = (
            Sampler(registry),
            Counting("lumbung_flaky"),
            Counting("lumbung_ok"),
        )
        sampler.add(flaky, steady)
        await sampler.sample_once()
        flaky.fails = True
        with caplog.at_level(logging.WARNING, logger=sampling.__name__):
            await sampler.sample_once()
        assert value(registry, "lumbung_flaky", service="orders") == 1.0
        assert value(registry, "lumbung_ok", service="orders") == 2.0
        [warning] = caplog.records
        assert warning.getMessage() == "metrics sample failed; keeping the last values"
        assert warning.__dict__["source"] == "Counting"

    async def test_a_source_that_hangs_is_cut_off(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(sampling, "SAMPLE_TIMEOUT_SECONDS", 0.05)
        registry = CollectorRegistry()
        sampler, hanging, steady = (
            Sampler(registry),
            Counting("lumbung_hangs"),
            Counting("lumbung_ok"),
        )
        sampler.add(hanging, steady)
        hanging.hangs = True
        await sampler.sample_once()
        assert value(registry, "lumbung_ok", service="orders") == 1.0
        assert value(registry, "lumbung_hangs", service="orders") is None  # never sampled

    async def test_the_loop_keeps_sampling_through_failures_and_closes_its_sources(
        self,
    ) -> None:
        sampler = Sampler(CollectorRegistry())
        failing, steady = Counting("lumbung_failing", fails=True), Counting("lumbung_ok")
        sampler.add(failing, steady)
        task = asyncio.create_task(sampler.loop(0.01)())

        async def sampled_thrice() -> bool | None:
            return True if failing.samples >= 3 and steady.samples >= 3 else None

        await eventually(sampled_thrice)
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert failing.closed
        assert steady.closed


class Collection:
    """The part of a store collection the sources use: its name, `find` and `aggregate`."""

    def __init__(self, name: str, docs: list[dict[str, Any]] | None = None) -> None:
        self.name = name
        self.docs = docs or []
        self.finds: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.stats: list[dict[str, Any]] | OperationFailure = []

    def find(self, query: dict[str, Any], projection: dict[str, Any]) -> AsyncIterator[Any]:
        self.finds.append((query, projection))

        async def cursor() -> AsyncIterator[dict[str, Any]]:
            for doc in self.docs:
                if doc.get("outbox_pending", 0) > 0:  # what the store's filter keeps
                    yield doc

        return cursor()

    async def aggregate(self, pipeline: list[dict[str, Any]]) -> Any:
        assert pipeline == [{"$collStats": {"count": {}}}]
        if isinstance(self.stats, OperationFailure):
            raise self.stats
        stats = self.stats

        class Cursor:
            async def to_list(self, length: int | None) -> list[dict[str, Any]]:
                return stats

        return Cursor()


def entry(seconds_ago: float) -> dict[str, Any]:
    """An outbox entry as the writers store it, for an event that happened `seconds_ago`."""
    payload = StockRejected(order_id="o-1", reason="insufficient", listing_id="l-1")
    event = new_event(payload, producer="listings", correlation_id="c", key="o-1")
    event = event.model_copy(update={"occurred_at": utc_now() - timedelta(seconds=seconds_ago)})
    return event.to_outbox()


class TestOutboxBacklog:
    def test_each_watched_collection_shows_zero_before_the_first_sample(self) -> None:
        registry = CollectorRegistry()
        Sampler(registry).add(OutboxBacklog("listings", [Collection("listings"), Collection("s")]))
        assert scraped(registry) == {
            (name, (("collection", collection), ("service", "listings"))): 0.0
            for name in ("lumbung_outbox_pending_events", "lumbung_outbox_oldest_event_age_seconds")
            for collection in ("listings", "s")
        }

    async def test_pending_is_the_sum_of_the_counters_and_the_age_that_of_the_oldest_entry(
        self,
    ) -> None:
        orders = Collection(
            "orders",
            [
                {"outbox_pending": 2, "outbox": [entry(90), entry(1)]},
                {"outbox_pending": 1, "outbox": [entry(30)]},
                {"outbox_pending": 0, "outbox": []},
            ],
        )
        registry = CollectorRegistry()
        sampler = Sampler(registry)
        sampler.add(OutboxBacklog("orders", [orders]))
        await sampler.sample_once()
        labels = {"service": "orders", "collection": "orders"}
        assert value(registry, "lumbung_outbox_pending_events", **labels) == 3.0
        age = value(registry, "lumbung_outbox_oldest_event_age_seconds", **labels)
        assert age is not None
        assert 90.0 <= age < 95.0

    async def test_it_reads_only_pending_documents_and_only_counters_and_bodies(self) -> None:
        orders = Collection("orders")
        await OutboxBacklog("orders", [orders]).sample()
        assert orders.finds == [
            ({"outbox_pending": {"$gt": 0}}, {"_id": 0, "outbox_pending": 1, "outbox.body": 1})
        ]

    async def test_nothing_pending_is_zero_events_zero_seconds_old(self) -> None:
        registry = CollectorRegistry()
        sampler = Sampler(registry)
        sampler.add(OutboxBacklog("orders", [Collection("orders", [{"outbox_pending": 0}])]))
        await sampler.sample_once()
        labels = {"service": "orders", "collection": "orders"}
        assert value(registry, "lumbung_outbox_pending_events", **labels) == 0.0
        assert value(registry, "lumbung_outbox_oldest_event_age_seconds", **labels) == 0.0

    def test_an_entry_tells_when_its_event_happened(self) -> None:
        payload = StockRejected(order_id="o-1", reason="insufficient", listing_id="l-1")
        event = new_event(payload, producer="listings", correlation_id="c", key="o-1")
        assert occurred_at(event.to_outbox()) == event.occurred_at

    @pytest.mark.parametrize(
        "bad",
        [{}, {"body": "not json"}, {"body": "{}"}, {"body": '{"occurred_at": "2026-01-01T00:00"}'}],
    )
    def test_an_unreadable_or_naive_entry_has_no_time(self, bad: dict[str, Any]) -> None:
        assert occurred_at(bad) is None


class TestInboxSize:
    async def test_the_count_is_the_collection_statistics_summed_over_shards(self) -> None:
        inbox = Collection("processed_events")
        inbox.stats = [{"count": 40}, {"count": 2}]
        registry = CollectorRegistry()
        sampler = Sampler(registry)
        sampler.add(InboxSize("orders", inbox))  # type: ignore[arg-type]
        assert value(registry, "lumbung_inbox_events", service="orders") == 0.0
        await sampler.sample_once()
        assert value(registry, "lumbung_inbox_events", service="orders") == 42.0

    async def test_an_inbox_not_created_yet_holds_nothing(self) -> None:
        inbox = Collection("processed_events")
        inbox.stats = OperationFailure("ns not found", code=26)
        source = InboxSize("orders", inbox)  # type: ignore[arg-type]
        await source.sample()
        assert source.gauges[0].values() == {("orders",): 0.0}

    async def test_any_other_store_error_fails_the_sample(self) -> None:
        inbox = Collection("processed_events")
        inbox.stats = OperationFailure("not authorised", code=13)
        with pytest.raises(OperationFailure):
            await InboxSize("orders", inbox).sample()  # type: ignore[arg-type]


class TestConsumerLag:
    @pytest.mark.parametrize(
        ("end", "committed", "log_start", "expected"),
        [
            (10, 4, 0, 6),
            (10, 10, 0, 0),
            (10, None, 3, 7),  # never committed: the group starts at the log start
            (10, -1, 3, 7),  # Kafka's answer for "no offset" when the partition is named
            (10, 12, 0, 0),  # committed after the end offset was read
        ],
    )
    def test_lag_is_the_records_after_the_committed_offset(
        self, end: int, committed: int | None, log_start: int, expected: int
    ) -> None:
        assert lag(end, committed, log_start) == expected

    async def test_a_process_without_consumers_reads_nothing_from_kafka(self) -> None:
        source = ConsumerLag("gateway", "127.0.0.1:1", {})
        await source.sample()  # would fail: nothing listens on port 1
        assert source.gauges[0].values() == {}
        await source.close()
