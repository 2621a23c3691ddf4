"""Counts every store command a service sends, and whether FerretDB reads a whole collection for it.

On FerretDB/SQLite (the local store) only a filter that is exactly `{"_id": <string|ObjectId>}`
becomes `WHERE _id = ?`; any other filter of a find, update, delete, findAndModify, count,
distinct or aggregate (its leading `$match`) makes FerretDB read and decode every document of
the collection (FerretDB v1.24 `backends/sqlite/collection.go`). A service holds one store
connection, so one such scan delays every other store call of the process. Counting
`lumbung_store_commands_total{service, collection, command, scan}` shows which queries on a hot
path scan (`lumbung_store_command_seconds_total`: how long their answers took), and
`make bench` reads both per order saga. On MongoDB (production, indexed) `scan` only marks
filters that would scan here; the counts are still round trips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bson import ObjectId
from prometheus_client import CollectorRegistry, Counter
from pymongo import monitoring

COMMANDS_TOTAL = "lumbung_store_commands"
"""The counter's name; Prometheus exposes it as `lumbung_store_commands_total`."""
SECONDS_TOTAL = "lumbung_store_command_seconds"
"""Their summed answer time, exposed as `lumbung_store_command_seconds_total`."""
MAX_IN_FLIGHT = 10_000
Key = tuple[str, str, bool]
"""(collection, command, scan)."""

FILTER_FIELDS: Mapping[str, str] = {
    "find": "filter",
    "findAndModify": "query",
    "count": "query",
    "distinct": "query",
}
STATEMENT_LISTS: Mapping[str, str] = {"update": "updates", "delete": "deletes"}
"""Write commands carry one filter (`q`) per statement; one scanning statement scans."""


def is_exact_id(where: Mapping[str, Any]) -> bool:
    """True when FerretDB pushes the filter down: one key, `_id`, a string or an ObjectId."""
    return len(where) == 1 and isinstance(where.get("_id"), str | ObjectId)


def filters_of(name: str, command: Mapping[str, Any]) -> Sequence[Mapping[str, Any]] | None:
    """The filters FerretDB evaluates for a command, or None for a command that reads none."""
    if name in FILTER_FIELDS:
        return [command.get(FILTER_FIELDS[name]) or {}]
    if name in STATEMENT_LISTS:
        return [statement.get("q") or {} for statement in command.get(STATEMENT_LISTS[name], [])]
    if name == "aggregate":
        pipeline = command.get("pipeline") or [{}]
        return [pipeline[0].get("$match") or {}]
    return None


def scans(name: str, command: Mapping[str, Any]) -> bool:
    """Whether FerretDB/SQLite reads the whole collection to run this command."""
    filters = filters_of(name, command)
    return filters is not None and not all(is_exact_id(where) for where in filters)


class StoreCommandCounter(monitoring.CommandListener):
    """A PyMongo command listener that counts each command as it is sent, and times its answer.

    It runs synchronously on the event loop for every command, so it only looks at the
    command's filters and bumps cached counter children (no label validation per call). The
    time is PyMongo's own send → reply duration: the store's work plus the socket, without the
    wait for the process's one connection.
    """

    def __init__(self, service: str, commands: Counter, seconds: Counter) -> None:
        self._service = service
        self._commands = commands
        self._seconds = seconds
        self._children: dict[Key, tuple[Counter, Counter]] = {}
        self._in_flight: dict[tuple[int, object], tuple[Counter, Counter]] = {}

    def _children_of(self, key: Key) -> tuple[Counter, Counter]:
        children = self._children.get(key)
        if children is None:
            collection, name, scan = key
            labels = {
                "service": self._service,
                "collection": collection,
                "command": name,
                "scan": "true" if scan else "false",
            }
            children = (self._commands.labels(**labels), self._seconds.labels(**labels))
            self._children[key] = children
        return children

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        target = event.command.get(name)
        collection = target if isinstance(target, str) else ""
        children = self._children_of((collection, name, scans(name, event.command)))
        children[0].inc()
        if len(self._in_flight) >= MAX_IN_FLIGHT:  # answers that never came (connection lost)
            self._in_flight.clear()
        self._in_flight[(event.request_id, event.connection_id)] = children

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._answered(event)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._answered(event)

    def _answered(
        self, event: monitoring.CommandSucceededEvent | monitoring.CommandFailedEvent
    ) -> None:
        children = self._in_flight.pop((event.request_id, event.connection_id), None)
        if children is not None:
            children[1].inc(event.duration_micros / 1_000_000)


class StoreMetrics:
    """One service's store-command counts, in the process's registry (one per app, no globals)."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        labels = ["service", "collection", "command", "scan"]
        commands = Counter(
            COMMANDS_TOTAL,
            "Store commands sent, by collection and command; scan=true when FerretDB reads "
            "the whole collection for it (any filter but an exact string/ObjectId _id)",
            labels,
            registry=self.registry,
        )
        seconds = Counter(
            SECONDS_TOTAL,
            "Seconds from sending a store command to its answer, summed, by the same labels",
            labels,
            registry=self.registry,
        )
        self.listener = StoreCommandCounter(service, commands, seconds)
