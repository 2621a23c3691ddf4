"""Specification: every store command is counted, and those FerretDB runs as a scan say so."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from bson import ObjectId
from lumbung_shared.metrics import render
from lumbung_shared.store_metrics import StoreMetrics, scans
from prometheus_client.parser import text_string_to_metric_families
from pymongo import monitoring

LABELS = ("service", "collection", "command", "scan")


def started(command: dict[str, Any], request_id: int = 1) -> monitoring.CommandStartedEvent:
    """The event PyMongo hands a listener as it sends `command` (its first key is the name)."""
    return monitoring.CommandStartedEvent(
        command=command,
        database_name="lumbung_orders",
        request_id=request_id,
        connection_id=("127.0.0.1", 27017),
        operation_id=request_id,
    )


def counts(
    metrics: StoreMetrics, sample: str = "lumbung_store_commands_total"
) -> dict[tuple[str, ...], float]:
    """(service, collection, command, scan) → value, read back from the Prometheus text."""
    text = render(metrics.registry)[0].decode()
    return {
        tuple(s.labels[k] for k in LABELS): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == sample
    }


def answered(request_id: int, micros: int) -> monitoring.CommandSucceededEvent:
    return monitoring.CommandSucceededEvent(
        duration=timedelta(microseconds=micros),
        reply={"ok": 1},
        command_name="find",
        request_id=request_id,
        connection_id=("127.0.0.1", 27017),
        operation_id=request_id,
    )


class TestWhatFerretDbScans:
    @pytest.mark.parametrize(
        ("name", "command"),
        [
            ("find", {"find": "orders", "filter": {"_id": "o1"}}),
            ("find", {"find": "orders", "filter": {"_id": ObjectId()}, "limit": 1}),
            ("update", {"update": "orders", "updates": [{"q": {"_id": "o1"}, "u": {}}]}),
            ("delete", {"delete": "orders", "deletes": [{"q": {"_id": "o1"}, "limit": 1}]}),
            ("findAndModify", {"findAndModify": "orders", "query": {"_id": "o1"}}),
            ("aggregate", {"aggregate": "orders", "pipeline": [{"$match": {"_id": "o1"}}]}),
            ("insert", {"insert": "orders", "documents": [{"_id": "o1"}]}),
            ("getMore", {"getMore": 42, "collection": "orders"}),
            ("ping", {"ping": 1}),
        ],
    )
    def test_an_exact_string_or_object_id_is_pushed_down(
        self, name: str, command: dict[str, Any]
    ) -> None:
        assert not scans(name, command)

    @pytest.mark.parametrize(
        ("name", "command"),
        [
            ("find", {"find": "orders", "filter": {"_id": "o1", "version": 3}}),
            ("find", {"find": "orders", "filter": {"_id": {"$in": ["o1", "o2"]}}}),
            ("find", {"find": "orders", "filter": {"_id": 7}}),
            ("find", {"find": "orders"}),
            ("findAndModify", {"findAndModify": "orders", "query": {"outbox_pending": {"$gt": 0}}}),
            ("count", {"count": "orders", "query": {"state": "placed"}}),
            ("distinct", {"distinct": "orders", "key": "buyer"}),
            ("aggregate", {"aggregate": "orders", "pipeline": [{"$group": {"_id": "$buyer"}}]}),
            (
                "update",
                {
                    "update": "orders",
                    "updates": [
                        {"q": {"_id": "o1"}, "u": {}},
                        {"q": {"_id": "o2", "v": 1}, "u": {}},
                    ],
                },
            ),
            ("delete", {"delete": "orders", "deletes": [{"q": {"at": {"$lt": 5}}, "limit": 0}]}),
        ],
    )
    def test_any_other_filter_reads_the_whole_collection(
        self, name: str, command: dict[str, Any]
    ) -> None:
        assert scans(name, command)


class TestCounting:
    def test_each_command_is_counted_by_collection_command_and_scan(self) -> None:
        metrics = StoreMetrics("orders")
        for command in (
            {"insert": "orders", "documents": [{"_id": "o1"}]},
            {"find": "orders", "filter": {"_id": "o1"}},
            {"find": "orders", "filter": {"_id": "o1"}},
            {"update": "orders", "updates": [{"q": {"_id": "o1", "version": 1}, "u": {}}]},
        ):
            metrics.listener.started(started(command))
        assert counts(metrics) == {
            ("orders", "orders", "insert", "false"): 1.0,
            ("orders", "orders", "find", "false"): 2.0,
            ("orders", "orders", "update", "true"): 1.0,
        }

    def test_a_database_command_has_no_collection(self) -> None:
        metrics = StoreMetrics("listings")
        metrics.listener.started(started({"ping": 1}))
        assert counts(metrics) == {("listings", "", "ping", "false"): 1.0}

    def test_every_app_counts_in_its_own_registry(self) -> None:
        first, second = StoreMetrics("orders"), StoreMetrics("orders")
        first.listener.started(started({"find": "orders", "filter": {}}))
        assert counts(first) == {("orders", "orders", "find", "true"): 1.0}
        assert counts(second) == {}

    def test_text_by_default_and_open_metrics_when_the_scraper_asks(self) -> None:
        metrics = StoreMetrics("orders")
        assert render(metrics.registry)[1].startswith("text/plain; version=0.0.4")
        asked = render(metrics.registry, "application/openmetrics-text; version=1.0.0")
        assert asked[1].startswith("application/openmetrics-text")
        assert asked[0].rstrip().endswith(b"# EOF")

    def test_answer_times_are_summed_by_the_same_labels(self) -> None:
        metrics = StoreMetrics("orders")
        metrics.listener.started(started({"find": "orders", "filter": {"_id": "o1"}}, 1))
        metrics.listener.started(started({"find": "orders", "filter": {"_id": "o2"}}, 2))
        metrics.listener.succeeded(answered(2, 1500))
        metrics.listener.succeeded(answered(1, 2500))
        metrics.listener.succeeded(answered(3, 9999))  # never seen starting: not counted
        seconds = counts(metrics, "lumbung_store_command_seconds_total")
        assert seconds == {("orders", "orders", "find", "false"): pytest.approx(0.004)}
