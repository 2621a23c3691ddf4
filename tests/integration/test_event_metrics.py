"""On the real stack, the consumers' counts and the sampled gauges, read from the metrics ports.

A poison record and an order go through the services' consumers and show in their counters.
The lag of a stopped consumer is shown with a consumer group run in this process (a service's
own consumers cannot be stopped while it runs), read by the same `ConsumerLag` the services
sample with; the services' own groups are shown caught up. The outbox and inbox gauges and
the weather-alerts families are scraped from each process.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from faststream.kafka import KafkaBroker
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.consumer_lag import ConsumerLag
from lumbung_shared.consumer_metrics import ConsumerMetrics
from lumbung_shared.events import Envelope, Topic, new_event
from lumbung_shared.events.stock import StockRejected
from lumbung_shared.redelivery import DeliveryPolicy
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from tests.orders.integration.flows import Party, new_listing, place_one, reaches
from tests.shared.messaging.test_event_consumer import MemoryInbox
from tests.support.kafka import publish_raw
from tests.support.polling import eventually
from tests.support.topics import own_topic

OUTBOXES = {"listings": {"listings", "stock_reservations"}, "orders": {"orders"}}
ORDERS_GROUPS = {
    "orders.listing-snapshots",
    "orders.stock-saga",
    "orders.trips",
    "orders.sea-alerts",
}


async def scrape(stack: Stack, service: str) -> list[Sample]:
    """Every sample the service serves on its metrics port."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(stack.metrics_url(service))
    assert response.status_code == 200, response.text
    return [s for f in text_string_to_metric_families(response.text) for s in f.samples]


def of(samples: list[Sample], name: str, **labels: str) -> list[Sample]:
    return [
        s
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]


def total(samples: list[Sample], name: str, **labels: str) -> float:
    return sum(s.value for s in of(samples, name, **labels))


async def grows(stack: Stack, service: str, name: str, before: float, **labels: str) -> float:
    """The family's total once it is above `before` (fails after the polling deadline)."""

    async def probe() -> float | None:
        now = total(await scrape(stack, service), name, **labels)
        return now if now > before else None

    return await eventually(probe)


class TestConsumerCounts:
    async def test_a_poison_record_counts_one_dead_letter_of_an_unknown_event(
        self, stack: Stack
    ) -> None:
        labels = {"consumer_group": "listings.stock", "event_type": "unknown"}
        name = "lumbung_events_dead_lettered_total"
        before = total(await scrape(stack, "listings"), name, **labels)
        key = f"poison-{uuid4().hex[:8]}".encode()
        await publish_raw(stack, Topic.ORDER_EVENTS, b"\xffnot an envelope", key)
        assert await grows(stack, "listings", name, before, **labels) == before + 1

    async def test_an_order_is_handled_by_listings_and_its_reply_by_orders(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        handled = "lumbung_events_handled_total"
        placed = {"consumer_group": "listings.stock", "event_type": "order.placed"}
        reply = {"consumer_group": "orders.stock-saga", "event_type": "stock.reserved"}
        listings_before = total(await scrape(stack, "listings"), handled, **placed)
        orders_before = total(await scrape(stack, "orders"), handled, **reply)
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        await reaches(gateway, buyer, order["id"], "reserved")
        assert await grows(stack, "listings", handled, listings_before, **placed) >= (
            listings_before + 1
        )
        assert await grows(stack, "orders", handled, orders_before, **reply) >= orders_before + 1
        timed = of(await scrape(stack, "orders"), "lumbung_event_handler_duration_seconds_count")
        assert {s.labels["service"] for s in timed} == {"orders"}
        # FastStream's middleware counts the relay's publishes per topic beside ours.
        sent = of(await scrape(stack, "orders"), "faststream_published_messages_total")
        order_topic = [s for s in sent if s.labels["destination"] == "lumbung.order.events"]
        assert order_topic
        assert {s.labels["app_name"] for s in order_topic} == {"orders"}
        assert sum(s.value for s in order_topic) >= 1


def rejected(order_id: str) -> Envelope[StockRejected]:
    payload = StockRejected(order_id=order_id, reason="insufficient", listing_id="l-1")
    return new_event(payload, producer="listings", correlation_id=uuid4().hex, key=order_id)


class TestConsumerLag:
    async def test_a_stopped_consumer_shows_the_records_it_has_not_done_then_catches_up(
        self, stack: Stack
    ) -> None:
        group = f"test.lag-{uuid4().hex[:8]}"
        handled: list[str] = []
        registry = CollectorRegistry()
        metrics = ConsumerMetrics(registry, "test")

        async def handle(event: Envelope[Any]) -> None:
            handled.append(event.payload.order_id)

        def running(topic: str) -> KafkaBroker:
            broker = KafkaBroker(stack.kafka.bootstrap)
            EventConsumer(
                group_id=group,
                handlers={"stock.rejected": handle},
                inbox=MemoryInbox(),
                broker=broker,
                policy=DeliveryPolicy(retry_delay=0.01),
                metrics=metrics,
            ).subscribe([topic])  # type: ignore[list-item]
            return broker

        async with own_topic(stack, "lag", partitions=2) as topic:
            lag = ConsumerLag("test", stack.kafka.bootstrap, {group: [topic]})

            async def lag_is(expected: float) -> float | None:
                await lag.sample()
                behind = sum(lag.gauges[0].values().values())
                return behind if behind == expected else None

            async def handled_count(expected: int) -> int | None:
                return len(handled) if len(handled) == expected else None

            async def send(order_ids: list[str]) -> None:
                for order_id in order_ids:
                    body = rejected(order_id).model_dump_json().encode()
                    await publish_raw(stack, topic, body, order_id.encode())  # type: ignore[arg-type]

            try:
                broker = running(topic)
                await broker.start()
                await send(["a", "b", "c"])
                await eventually(lambda: handled_count(3))
                await eventually(lambda: lag_is(0))
                await broker.stop()  # the consumer stops; its group keeps its offsets

                await send(["d", "e", "f", "g", "h"])
                assert await eventually(lambda: lag_is(5)) == 5
                partitions = {labels[3] for labels in lag.gauges[0].values()}
                assert partitions == {"0", "1"}  # every partition of the topic

                broker = running(topic)
                await broker.start()
                await eventually(lambda: handled_count(8))
                assert await eventually(lambda: lag_is(0)) == 0
                await broker.stop()
            finally:
                await lag.close()
        labels = {"service": "test", "consumer_group": group, "event_type": "stock.rejected"}
        assert registry.get_sample_value("lumbung_events_handled_total", labels) == 8

    async def test_every_partition_of_each_group_of_a_service_is_reported_and_caught_up(
        self, stack: Stack
    ) -> None:
        async def caught_up() -> list[Sample] | None:
            series = of(await scrape(stack, "orders"), "lumbung_consumer_lag", service="orders")
            return series if series and all(s.value == 0 for s in series) else None

        series = await eventually(caught_up)
        reported = {(s.labels["consumer_group"], s.labels["partition"]) for s in series}
        assert reported == {(group, p) for group in ORDERS_GROUPS for p in ("0", "1")}


class TestStoreGauges:
    async def test_each_outbox_the_relay_watches_is_reported_and_drained(
        self, stack: Stack
    ) -> None:
        for service, collections in OUTBOXES.items():

            async def drained(service: str = service) -> list[Sample] | None:
                samples = await scrape(stack, service)
                pending = of(samples, "lumbung_outbox_pending_events", service=service)
                ages = of(samples, "lumbung_outbox_oldest_event_age_seconds", service=service)
                done = pending and all(s.value == 0 for s in [*pending, *ages])
                return pending if done else None

            pending = await eventually(drained)
            assert {s.labels["collection"] for s in pending} == collections

    async def test_the_inbox_counts_the_events_a_service_has_handled(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        await new_listing(gateway, Party(stack, "farmer"))  # orders has copied it: one event

        async def counted() -> float | None:
            [inbox] = of(await scrape(stack, "orders"), "lumbung_inbox_events", service="orders")
            return inbox.value if inbox.value > 0 else None

        assert await eventually(counted) >= 1


class TestWeatherAlertsFamilies:
    async def test_webhook_outcomes_and_alert_severities_are_served_from_start_up(
        self, stack: Stack
    ) -> None:
        samples = await scrape(stack, "weather_alerts")
        deliveries = of(samples, "lumbung_webhook_deliveries_total", service="weather_alerts")
        max_attempts = 5  # WEATHER_ALERTS_WEBHOOK_MAX_ATTEMPTS in tests/support/stack_env.py
        assert {(s.labels["outcome"], s.labels["attempt"]) for s in deliveries} == {
            *((outcome, str(n)) for outcome in ("failed", "refused") for n in range(1, 5)),
            *(("delivered", str(n)) for n in range(1, max_attempts + 1)),
            ("gave_up", str(max_attempts)),
        }
        severities = of(samples, "lumbung_alerts_in_force", service="weather_alerts")
        assert {s.labels["severity"] for s in severities} == {
            "Extreme",
            "Severe",
            "Moderate",
            "Minor",
        }
        alerts = of(samples, "lumbung_outbox_pending_events", service="weather_alerts")
        assert {s.labels["collection"] for s in alerts} == {"alerts", "fishing_ground_forecasts"}
