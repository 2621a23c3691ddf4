"""The AsyncAPI 3.1 description of Lumbung's events, generated from the one event registry.

Channels are the topics, messages are the event types (envelope + payload schema from the
pydantic models), and a service's document adds the operations it sends and receives. Served at
`/asyncapi.json` by every service; `python -m lumbung_shared.asyncapi` prints the whole system's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from lumbung_shared.events import EVENT_TYPES, Envelope, Topic
from lumbung_shared.kafka import EVENT_CONTENT_TYPE

ASYNCAPI_VERSION = "3.1.0"


def _message_name(event_type: str) -> str:
    return event_type.replace(".", "_")


def _schemas() -> dict[str, Any]:
    mode: Literal["validation"] = "validation"
    models: list[tuple[type[BaseModel], Literal["validation"]]] = [
        (Envelope[cls], mode)  # type: ignore[valid-type]
        for cls in EVENT_TYPES.values()
    ]
    _, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = defs.get("$defs", {})
    return schemas


def _messages() -> dict[str, Any]:
    messages = {}
    for event_type, cls in EVENT_TYPES.items():
        envelope_name = f"Envelope_{cls.__name__}_"
        messages[_message_name(event_type)] = {
            "name": event_type,
            "title": event_type,
            "summary": (cls.__doc__ or "").strip().splitlines()[0],
            "contentType": EVENT_CONTENT_TYPE,
            "headers": {
                "type": "object",
                "description": "Kafka record headers set by the outbox relay (consumers may "
                "route on `event-type` without decoding the value).",
                "required": ["content-type", "event-type", "event-id"],
                "properties": {
                    "content-type": {"type": "string", "const": EVENT_CONTENT_TYPE},
                    "event-type": {"type": "string", "const": event_type},
                    "event-id": {"type": "string", "format": "uuid"},
                },
            },
            "payload": {"$ref": f"#/components/schemas/{envelope_name}"},
        }
    return messages


def _channels() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    for topic in Topic:
        refs = {
            _message_name(t): {"$ref": f"#/components/messages/{_message_name(t)}"}
            for t, cls in EVENT_TYPES.items()
            if cls.topic is topic
        }
        channels[topic.name.lower()] = {
            "address": str(topic),
            "description": f"Kafka topic `{topic}`; records are keyed by aggregate id.",
            "messages": refs,
        }
    return channels


def _operations(
    service: str, sends: Iterable[str], receives: Mapping[str, Iterable[str]]
) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for event_type in sends:
        channel = EVENT_TYPES[event_type].topic.name.lower()
        operations[f"{service}_sends_{_message_name(event_type)}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{_message_name(event_type)}"}],
        }
    for group, event_types in receives.items():
        for event_type in event_types:
            channel = EVENT_TYPES[event_type].topic.name.lower()
            operations[f"{group.replace('.', '_')}_receives_{_message_name(event_type)}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{channel}"},
                "summary": f"consumer group `{group}`",
                "messages": [
                    {"$ref": f"#/channels/{channel}/messages/{_message_name(event_type)}"}
                ],
            }
    return operations


def build_asyncapi(
    service: str = "lumbung",
    sends: Iterable[str] = (),
    receives: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, Any]:
    """The AsyncAPI document, optionally with one service's operations."""
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": f"Lumbung events ({service})",
            "version": "1.0.0",
            "description": "Events between Lumbung services. Every message is an envelope "
            "(event_id, type, version, occurred_at, producer, correlation_id, key, payload); "
            "delivery is at least once, so consumers de-duplicate by event_id.",
        },
        "defaultContentType": EVENT_CONTENT_TYPE,
        "servers": {
            "kafka": {"host": "kafka:9092", "protocol": "kafka", "description": "Apache Kafka"}
        },
        "channels": _channels(),
        "operations": _operations(service, sends, receives or {}),
        "components": {"messages": _messages(), "schemas": _schemas()},
    }


if __name__ == "__main__":
    print(json.dumps(build_asyncapi(), indent=2))
