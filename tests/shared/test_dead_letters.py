"""Replaying a dead letter: once, with its origin in a header, and given back if Kafka is away.

The store's conditional update is exercised on FerretDB by tests/integration/test_dead_letters.py;
here an in-memory store with the same claim rule pins the use case and the admin view down.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lumbung_shared.dead_letters import (
    REPLAYED_FOR_GROUP,
    REPLAYED_FROM,
    DeadLetter,
    DeadLetterReplayedError,
    ReplayDeadLetter,
    ReplayUnavailableError,
)
from lumbung_shared.errors import NotFoundError
from lumbung_shared.web.dead_letters import view

AT = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def letter(body: bytes = b'{"type": "stock.rejected"}') -> DeadLetter:
    return DeadLetter(
        id=DeadLetter.id_for("orders.stock-saga", "lumbung.stock.events", 0, 42),
        consumer_group="orders.stock-saga",
        source_topic="lumbung.stock.events",
        source_partition=0,
        source_offset=42,
        key=b"o-1",
        headers=(("event-type", "stock.rejected"), ("dlq-reason", "old")),
        body=body,
        reason="ValueError: bug",
        failed_at=AT,
    )


class MemoryLetters:
    """The claim rule of `DeadLetters`: set `replayed_at` only where it is absent."""

    def __init__(self, *letters: DeadLetter) -> None:
        self.docs = {one.id: one.to_document() for one in letters}

    async def find(self, letter_id: str) -> DeadLetter | None:
        doc = self.docs.get(letter_id)
        return DeadLetter.from_document(doc) if doc else None

    async def claim_replay(self, letter_id: str, at: datetime) -> DeadLetter | None:
        doc = self.docs.get(letter_id)
        if doc is None or "replayed_at" in doc:
            return None
        doc["replayed_at"] = at
        return DeadLetter.from_document(doc)

    async def undo_replay(self, letter_id: str, at: datetime) -> None:
        if self.docs[letter_id].get("replayed_at") == at:
            del self.docs[letter_id]["replayed_at"]


class Republisher:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[DeadLetter, dict[str, str]]] = []
        self.fail = fail

    async def __call__(self, one: DeadLetter, headers: dict[str, str]) -> None:
        if self.fail:
            raise ConnectionError("kafka away")
        self.sent.append((one, headers))


class TestReplay:
    async def test_publishes_the_original_once_and_refuses_a_second_replay(self) -> None:
        original = letter()
        store, republish = MemoryLetters(original), Republisher()
        replay = ReplayDeadLetter(store, republish)  # type: ignore[arg-type]

        replayed = await replay(original.id)
        with pytest.raises(DeadLetterReplayedError) as second:
            await replay(original.id)

        assert replayed.replayed_at is not None
        [(sent, headers)] = republish.sent
        assert (sent.body, sent.key, sent.source_topic) == (
            original.body,
            b"o-1",
            "lumbung.stock.events",
        )
        assert headers == {
            "event-type": "stock.rejected",
            REPLAYED_FROM: original.id,
            REPLAYED_FOR_GROUP: "orders.stock-saga",
        }
        assert second.value.status == 409
        assert second.value.code == "dead-letter-replayed"
        assert second.value.message.id != second.value.message.en

    async def test_a_failed_publish_gives_the_claim_back(self) -> None:
        original = letter()
        store = MemoryLetters(original)

        with pytest.raises(ReplayUnavailableError) as failed:
            await ReplayDeadLetter(store, Republisher(fail=True))(original.id)  # type: ignore[arg-type]
        assert failed.value.status == 503
        assert "replayed_at" not in store.docs[original.id]

        republish = Republisher()
        await ReplayDeadLetter(store, republish)(original.id)  # type: ignore[arg-type]
        assert len(republish.sent) == 1

    async def test_an_unknown_dead_letter_is_404(self) -> None:
        with pytest.raises(NotFoundError):
            await ReplayDeadLetter(MemoryLetters(), Republisher())("0" * 32)  # type: ignore[arg-type]


class TestAdminView:
    def test_text_bodies_are_shown_as_text_and_always_as_base64(self) -> None:
        shown = view(letter())
        assert shown.body == '{"type": "stock.rejected"}'
        assert shown.body_base64 == "eyJ0eXBlIjogInN0b2NrLnJlamVjdGVkIn0="
        assert shown.source.offset == 42
        assert shown.key == "o-1"

    def test_binary_bodies_only_as_base64(self) -> None:
        shown = view(letter(b"\xff\x00garbage"))
        assert shown.body is None
        assert shown.body_base64 == "/wBnYXJiYWdl"

    def test_the_id_is_stable_for_the_same_record(self) -> None:
        assert DeadLetter.id_for("g", "t", 0, 1) == DeadLetter.id_for("g", "t", 0, 1)
        assert DeadLetter.id_for("g", "t", 0, 1) != DeadLetter.id_for("g", "t", 0, 2)
