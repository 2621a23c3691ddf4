"""Specification: the small pieces every service shares (time, cursors, regions, loops, outbox)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from lumbung_shared.clock import to_millis, utc_now
from lumbung_shared.cursors import InvalidCursorError, decode_cursor, encode_cursor
from lumbung_shared.loops import every
from lumbung_shared.outbox import merge_updates
from lumbung_shared.regions import covered_by, is_well_formed, prefixes, regency_of, within


class TestClock:
    def test_truncates_to_what_the_store_keeps(self) -> None:
        moment = datetime(2026, 12, 1, 8, 30, 0, 123_456, tzinfo=UTC)
        assert to_millis(moment).microsecond == 123_000

    def test_now_is_utc_and_whole_milliseconds(self) -> None:
        now = utc_now()
        assert (now.tzinfo, now.microsecond % 1000) == (UTC, 0)


class TestCursors:
    def test_round_trip(self) -> None:
        key = {"at": "2026-12-01T08:30:00Z", "id": "abc"}
        assert decode_cursor(encode_cursor(key)) == key

    @pytest.mark.parametrize("cursor", ["!!!", "bm90LWpzb24", "WzEsMl0", "x" * 600])
    def test_anything_else_is_a_400(self, cursor: str) -> None:
        with pytest.raises(InvalidCursorError) as refused:
            decode_cursor(cursor)
        assert (refused.value.status, refused.value.code) == (422, "invalid-cursor")


class TestRegions:
    def test_containment_is_by_whole_segments(self) -> None:
        assert within("63.08.01", "63.08")
        assert within("63.08", "63.08")
        assert not within("63.10", "63.1")
        assert not within("63", "63.08")

    def test_a_scope_covers_what_any_of_its_regions_contains(self) -> None:
        assert covered_by("94.01", ["63.08", "94"])
        assert not covered_by("81.05", ["63.08", "94"])
        assert not covered_by("63.08", [])

    def test_codes_and_their_wider_regions(self) -> None:
        assert prefixes("63.08.01") == ["63", "63.08", "63.08.01"]
        assert (regency_of("63.08.01"), regency_of("63")) == ("63.08", None)
        assert is_well_formed("63.08")
        assert not is_well_formed("63.8")


class TestOutboxMerge:
    def test_operators_merge_field_by_field(self) -> None:
        merged = merge_updates({"$set": {"a": 1}, "$inc": {"v": 1}}, {"$inc": {"n": 2}})
        assert merged == {"$set": {"a": 1}, "$inc": {"v": 1, "n": 2}}


class TestSupervisedLoop:
    async def test_a_failing_pass_is_retried_and_the_loop_keeps_running(self) -> None:
        calls: list[int] = []
        done = asyncio.Event()

        async def work() -> None:
            calls.append(len(calls))
            if len(calls) < 3:
                raise RuntimeError("store away")
            done.set()
            await asyncio.Event().wait()  # the third pass holds the loop until it is cancelled

        task = asyncio.create_task(every(0.001, work, "test-loop", max_backoff=0.01)())
        await asyncio.wait_for(done.wait(), timeout=5)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert calls == [0, 1, 2]
        assert task.cancelled()
