"""The envelope every event travels in, and the base class of every payload.

The envelope carries what a consumer needs before it looks at the payload: a unique id to
de-duplicate by, the type and version to pick the payload model, when and by whom it happened,
the correlation id that ties it to the request that caused it, and the partition key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from lumbung_shared.events.topics import Topic
from lumbung_shared.trace_context import TRACE_CONTEXT, captured


class EventPayload(BaseModel):
    """Base of every payload: subclasses name their type, version and topic as class data."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[Topic]


P = TypeVar("P", bound=EventPayload)


class Envelope(BaseModel, Generic[P]):
    """An event on the wire: metadata plus a typed payload."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID = Field(description="Unique per event; consumers de-duplicate by it.")
    type: str = Field(description="Event type, `entity.past_tense`, e.g. `listing.created`.")
    version: int = Field(ge=1, description="Payload schema version for this type.")
    occurred_at: AwareDatetime
    producer: str = Field(max_length=64, description="The service that emitted it.")
    correlation_id: str = Field(max_length=128, description="Ties the event to its request.")
    key: str = Field(max_length=128, description="Partition key: the aggregate's id.")
    payload: P

    @property
    def topic(self) -> Topic:
        return self.payload.topic

    def to_outbox(self) -> dict[str, Any]:
        """The form kept in an aggregate's outbox until the relay has published it, with the
        trace context of the write that queued it (the relay publishes under it again)."""
        entry: dict[str, Any] = {
            "event_id": str(self.event_id),
            "type": self.type,
            "topic": str(self.topic),
            "key": self.key,
            "correlation_id": self.correlation_id,
            "body": self.model_dump_json(),
        }
        if carrier := captured():
            entry[TRACE_CONTEXT] = carrier
        return entry


def new_event(payload: P, *, producer: str, correlation_id: str, key: str) -> Envelope[P]:
    """Wrap a payload in a fresh envelope (new id, now) ready for the outbox."""
    return Envelope[P](
        event_id=uuid4(),
        type=payload.event_type,
        version=payload.schema_version,
        occurred_at=datetime.now(UTC),
        producer=producer,
        correlation_id=correlation_id,
        key=key,
        payload=payload,
    )
