"""Lumbung's events: the envelope, one payload model per event type, topics and the registry.

Every service speaks to the others only through these types, so a change here is a change of
contract: `tests/shared/events` refuses incompatible ones.
"""

from lumbung_shared.events.envelope import Envelope, EventPayload, new_event
from lumbung_shared.events.registry import EVENT_TYPES, UnknownEventError, decode_event
from lumbung_shared.events.topics import Topic

__all__ = [
    "EVENT_TYPES",
    "Envelope",
    "EventPayload",
    "Topic",
    "UnknownEventError",
    "decode_event",
    "new_event",
]
