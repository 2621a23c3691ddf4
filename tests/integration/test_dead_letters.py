"""Dead letters through a real service: recorded, listed to admins, replayed once and only once.

A record no consumer can read is put on the sea-alert topic, which three consumer groups read
(listings, orders, weather_alerts). Each records its own dead letter; the one orders keeps is
replayed through orders' admin API (directly, with an identity header as the gateway signs it).
The replay is still unreadable, so orders dead-letters it again, and the other two groups skip
it: it was replayed for orders' group only.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack
from faststream.kafka import KafkaBroker
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.dead_letters import (
    DeadLetter,
    DeadLetterReplayedError,
    DeadLetters,
    ReplayDeadLetter,
)
from lumbung_shared.events import Envelope, Topic, new_event
from lumbung_shared.events.stock import StockRejected
from lumbung_shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from lumbung_shared.inbox import ProcessedEvents
from lumbung_shared.kafka import dead_letter_publisher
from lumbung_shared.redelivery import DeliveryPolicy
from pymongo import AsyncMongoClient

from tests.support.kafka import publish_raw, tap
from tests.support.polling import eventually
from tests.support.topics import own_topic

ADMIN = Identity(subject="admin-dead-letters", role=Role.ADMIN)
BUYER = Identity(subject="buyer-dead-letters", role=Role.BUYER)
LIST = "/v1/admin/dead-letters"


def signed(stack: Stack, service: str, method: str, path: str, who: Identity = ADMIN) -> Any:
    secret = stack.secrets.internal_secret.encode()
    header = sign_identity(who, secret, audience=service, method=method, path=path)
    return {IDENTITY_HEADER: header}


async def letters_of(
    client: httpx.AsyncClient, stack: Stack, service: str, group: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"{stack.url(service)}{LIST}",
        params={"consumer_group": group, "limit": 100},
        headers=signed(stack, service, "GET", LIST),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def letter_keyed(
    client: httpx.AsyncClient, stack: Stack, service: str, group: str, key: str
) -> dict[str, Any] | None:
    found = [i for i in await letters_of(client, stack, service, group) if i["key"] == key]
    return found[0] if found else None


class TestDeadLetterAdmin:
    async def test_a_dead_letter_is_listed_replayed_once_and_a_second_replay_is_409(
        self, stack: Stack
    ) -> None:
        key = f"poison-{uuid4().hex[:8]}"
        async with httpx.AsyncClient(timeout=10) as client:
            await publish_raw(stack, Topic.SEA_ALERT_EVENTS, b"\xffnot an envelope", key.encode())
            letter = await eventually(
                lambda: letter_keyed(client, stack, "orders", "orders.sea-alerts", key)
            )
            assert letter["source"]["topic"] == str(Topic.SEA_ALERT_EVENTS)
            assert "not a Lumbung event envelope" in letter["reason"]
            assert letter["body"] is None  # not UTF-8
            assert letter["body_base64"] == "/25vdCBhbiBlbnZlbG9wZQ=="
            assert letter["replayed_at"] is None

            one = f"{LIST}/{letter['id']}"
            shown = await client.get(
                f"{stack.url('orders')}{one}", headers=signed(stack, "orders", "GET", one)
            )
            assert shown.status_code == 200
            assert shown.json() == letter

            replay = f"{one}/replay"
            async with tap(stack, Topic.SEA_ALERT_EVENTS, raw=True) as source:
                first = await client.post(
                    f"{stack.url('orders')}{replay}",
                    headers=signed(stack, "orders", "POST", replay),
                )
                second = await client.post(
                    f"{stack.url('orders')}{replay}",
                    headers={
                        **signed(stack, "orders", "POST", replay),
                        "Accept-Language": "en",
                    },
                )
                # Same key, so the same partition: once the tap sees this, it has seen all
                # that the replays published before it.
                await publish_raw(stack, Topic.SEA_ALERT_EVENTS, b"\xffsentinel", key.encode())
                await source.wait_for(lambda r: r.value == b"\xffsentinel")
            replays = [
                r for r in source.records if dict(r.headers).get("replayed-from") is not None
            ]

            assert first.status_code == 200, first.text
            assert first.json()["replayed_at"] is not None
            assert second.status_code == 409
            assert second.headers["content-type"] == "application/problem+json"
            problem = second.json()
            assert problem["type"].endswith("/dead-letter-replayed")
            assert problem["title"] == "This dead letter has been replayed already."
            assert problem["message"]["id"] == "Pesan gagal ini sudah pernah dikirim ulang."
            [replayed] = replays
            assert replayed.value == b"\xffnot an envelope"
            assert replayed.key == key.encode()
            assert dict(replayed.headers)["replayed-from"] == letter["id"].encode()

            async def dead_lettered_again() -> dict[str, Any] | None:
                items = await letters_of(client, stack, "orders", "orders.sea-alerts")
                again = [i for i in items if i["replayed_from"] == letter["id"]]
                return again[0] if again else None

            again = await eventually(dead_lettered_again)
            assert again["id"] != letter["id"]

            # listings read the sentinel after the replay (same partition): it skipped the
            # replay meant for orders, and dead-lettered only the original and the sentinel.
            async def sentinel_seen() -> list[dict[str, Any]] | None:
                items = await letters_of(client, stack, "listings", "listings.supply-risk")
                mine = [i for i in items if i["key"] == key]
                return mine if any(i["body_base64"] == "/3NlbnRpbmVs" for i in mine) else None

            listings_letters = await eventually(sentinel_seen)
            assert sorted(i["body_base64"] for i in listings_letters) == [
                "/25vdCBhbiBlbnZlbG9wZQ==",
                "/3NlbnRpbmVs",
            ]
            assert all(i["replayed_from"] is None for i in listings_letters)

    async def test_only_admins_see_dead_letters(self, stack: Stack) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(
                f"{stack.url('weather_alerts')}{LIST}",
                headers=signed(stack, "weather_alerts", "GET", LIST, BUYER),
            )
            anonymous = await client.get(f"{stack.url('weather_alerts')}{LIST}")
        assert response.status_code == 403
        assert anonymous.status_code == 401

    async def test_an_unknown_dead_letter_is_404_and_a_malformed_id_422(self, stack: Stack) -> None:
        unknown = f"{LIST}/{'0' * 32}/replay"
        malformed = f"{LIST}/not-an-id"
        async with httpx.AsyncClient(timeout=10) as client:
            missing = await client.post(
                f"{stack.url('listings')}{unknown}",
                headers=signed(stack, "listings", "POST", unknown),
            )
            bad = await client.get(
                f"{stack.url('listings')}{malformed}",
                headers=signed(stack, "listings", "GET", malformed),
            )
        assert missing.status_code == 404
        assert bad.status_code == 422

    async def test_pages_follow_the_cursor_newest_first(self, stack: Stack) -> None:
        key = f"paged-{uuid4().hex[:8]}"
        for n in range(3):
            await publish_raw(stack, Topic.SEA_ALERT_EVENTS, b"\xffpage %d" % n, key.encode())
        async with httpx.AsyncClient(timeout=10) as client:

            async def all_three() -> list[dict[str, Any]] | None:
                items = await letters_of(client, stack, "weather_alerts", "weather_alerts.webhooks")
                mine = [i for i in items if i["key"] == key]
                return mine if len(mine) == 3 else None

            expected = await eventually(all_three)
            seen: list[str] = []
            cursor: str | None = None
            while True:
                params: dict[str, Any] = {"consumer_group": "weather_alerts.webhooks", "limit": 1}
                if cursor:
                    params["cursor"] = cursor
                page = await client.get(
                    f"{stack.url('weather_alerts')}{LIST}",
                    params=params,
                    headers=signed(stack, "weather_alerts", "GET", LIST),
                )
                assert page.status_code == 200
                seen += [i["id"] for i in page.json()["items"]]
                cursor = page.json()["next_cursor"]
                if cursor is None:
                    break
            bad = await client.get(
                f"{stack.url('weather_alerts')}{LIST}",
                params={"cursor": "%%%"},
                headers=signed(stack, "weather_alerts", "GET", LIST),
            )
        assert [i["id"] for i in expected] == [s for s in seen if s in {i["id"] for i in expected}]
        assert len(seen) == len(set(seen))
        assert bad.status_code == 422, bad.text
        assert bad.json()["type"].endswith("/invalid-cursor")


def rejected(order_id: str) -> Envelope[StockRejected]:
    payload = StockRejected(order_id=order_id, reason="insufficient", listing_id="l-1")
    return new_event(payload, producer="test", correlation_id=uuid4().hex, key="same-partition")


class TestReplayAfterTheFix:
    """Two consumer groups, with the real store and inbox: group A has a bug, group B none."""

    async def test_the_failed_group_handles_the_replay_once_and_the_others_skip_it(
        self, stack: Stack
    ) -> None:
        run = uuid4().hex[:8]
        group_a, group_b = f"test.a-{run}", f"test.b-{run}"
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            stack.mongo.url, tz_aware=True, maxPoolSize=1
        )
        db = client[f"dead_letter_tests_{run}"]
        letters, inbox = DeadLetters(db.dead_letters), ProcessedEvents(db.processed_events)
        broker = KafkaBroker(stack.kafka.bootstrap)
        bug = [True]
        handled: dict[str, list[str]] = {group_a: [], group_b: []}

        def handler(group: str) -> Any:
            async def handle(event: Envelope[Any]) -> None:
                if group == group_a and bug[0]:
                    raise ValueError("bug in A")
                handled[group].append(event.payload.order_id)

            return handle

        policy = DeliveryPolicy(retry_delay=0.01, non_transient_attempts=2)
        async with own_topic(stack, "replay") as topic:
            for group in (group_a, group_b):
                EventConsumer(
                    group_id=group,
                    handlers={"stock.rejected": handler(group)},
                    inbox=inbox,
                    broker=broker,
                    policy=policy,
                    dead_letters=letters,
                ).subscribe([topic])  # type: ignore[list-item]
            await broker.start()
            try:

                async def send(event: Envelope[Any]) -> None:
                    body = event.model_dump_json().encode()
                    await broker.publish(body, topic=topic, key=b"same-partition")

                async def both_handled(order_id: str) -> bool | None:
                    return True if all(order_id in h for h in handled.values()) else None

                async def letter_of_a() -> DeadLetter | None:
                    found = await letters.page(consumer_group=group_a, after=None, limit=10)
                    return found[0] if found else None

                first = rejected("first")
                await send(first)
                letter = await eventually(letter_of_a)
                assert letter.reason == "ValueError: bug in A"
                assert await eventually(lambda: _has(handled[group_b], "first")) == ["first"]

                bug[0] = False  # the fix is deployed
                replay = ReplayDeadLetter(letters, dead_letter_publisher(broker))
                await replay(letter.id)
                with pytest.raises(DeadLetterReplayedError):
                    await replay(letter.id)
                await eventually(lambda: _has(handled[group_a], "first"))

                # The same event once more (a duplicate publish): both inboxes skip it. The
                # sentinel after it on the same partition shows both groups got past it.
                await send(first)
                await send(rejected("sentinel"))
                await eventually(lambda: both_handled("sentinel"))
            finally:
                await broker.stop()
        marks = await db.processed_events.count_documents({"_id": f"{group_a}:{first.event_id}"})
        await client.drop_database(db.name)
        await client.close()

        assert handled == {group_a: ["first", "sentinel"], group_b: ["first", "sentinel"]}
        assert marks == 1


async def _has(items: list[str], item: str) -> list[str] | None:
    return items if item in items else None
