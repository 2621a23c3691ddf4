"""The envelope: what every event carries, and how bytes become a typed event or a refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lumbung_shared.events import EVENT_TYPES, Topic, UnknownEventError, decode_event, new_event
from lumbung_shared.events.stock import StockLine, StockReserved


def reserved() -> StockReserved:
    return StockReserved(
        order_id="o-1", lines=[StockLine(listing_id="l-1", quantity=3, remaining=7)]
    )


class TestNewEvent:
    def test_carries_id_type_version_time_producer_correlation_and_key(self) -> None:
        event = new_event(reserved(), producer="listings", correlation_id="c-1", key="o-1")
        assert event.type == "stock.reserved"
        assert event.version == 1
        assert event.producer == "listings"
        assert event.correlation_id == "c-1"
        assert event.key == "o-1"
        assert event.occurred_at.tzinfo is not None
        assert event.topic is Topic.STOCK_EVENTS

    def test_every_event_gets_its_own_id(self) -> None:
        ids = {
            new_event(reserved(), producer="p", correlation_id="c", key="k").event_id
            for _ in range(100)
        }
        assert len(ids) == 100

    def test_outbox_form_round_trips_through_decode(self) -> None:
        event = new_event(reserved(), producer="listings", correlation_id="c-1", key="o-1")
        entry = event.to_outbox()
        assert entry["topic"] == "lumbung.stock.events"
        assert entry["event_id"] == str(event.event_id)
        decoded = decode_event(entry["body"])
        assert decoded == event
        assert isinstance(decoded.payload, StockReserved)


class TestDecodeRefuses:
    def body(self, **changes: Any) -> str:
        event = new_event(reserved(), producer="listings", correlation_id="c", key="o-1")
        data = json.loads(event.model_dump_json())
        data.update(changes)
        return json.dumps(data)

    @pytest.mark.parametrize("raw", [b"", b"{not json", b"[]", b'{"type": "stock.reserved"}'])
    def test_bytes_that_are_not_an_envelope(self, raw: bytes) -> None:
        with pytest.raises(UnknownEventError, match="not a Lumbung event envelope"):
            decode_event(raw)

    def test_an_unknown_event_type(self) -> None:
        with pytest.raises(UnknownEventError, match="unknown event type"):
            decode_event(self.body(type="stock.vanished"))

    def test_a_newer_schema_version_than_this_code_knows(self) -> None:
        with pytest.raises(UnknownEventError, match="newer"):
            decode_event(self.body(version=99))

    def test_a_payload_that_does_not_fit_its_type(self) -> None:
        with pytest.raises(UnknownEventError, match=r"invalid stock\.reserved payload"):
            decode_event(self.body(payload={"order_id": "o-1", "lines": [{"quantity": -1}]}))


class TestRegistry:
    def test_every_type_is_named_entity_past_tense_on_its_entitys_topic(self) -> None:
        for event_type, cls in EVENT_TYPES.items():
            entity, _, action = event_type.partition(".")
            assert action, event_type
            assert cls.event_type == event_type
            assert entity in cls.topic.value, (event_type, cls.topic)

    def test_every_payload_documents_when_it_is_sent(self) -> None:
        for cls in EVENT_TYPES.values():
            assert "Sent when" in (cls.__doc__ or ""), cls.__name__
