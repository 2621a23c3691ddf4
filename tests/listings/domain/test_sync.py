"""Offline sync rules: cursors, the settle window, syncs from scratch, expired cursors."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lumbung_listings.domain.search import micros
from lumbung_listings.domain.sync import (
    START,
    SyncCursor,
    SyncCursorExpiredError,
    SyncScope,
    begin,
    decode_sync_cursor,
    encode_sync_cursor,
    ensure_fresh,
    next_cursor,
    purge_before,
    settled_before,
)
from lumbung_shared.errors import DomainError

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RETENTION = timedelta(days=30)


def forged(payload: object) -> str:
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class TestSyncCursor:
    def test_zero_is_the_start(self) -> None:
        assert decode_sync_cursor("0") == START

    @given(
        st.integers(0, 2**63 - 1),
        st.from_regex(r"[A-Za-z0-9_-]{0,64}", fullmatch=True),
        st.one_of(st.none(), st.integers(1, 2**62)),
    )
    def test_round_trips(self, key: int, row_id: str, gap: int | None) -> None:
        origin = None if gap is None or key + gap > 2**63 - 1 else key + gap
        cursor = SyncCursor(key, row_id, origin)
        assert decode_sync_cursor(encode_sync_cursor(cursor)) == cursor

    @pytest.mark.parametrize(
        "token",
        [
            "",
            "garbage",
            "x" * 300,
            forged(["s", 1, 10, "abc"]),  # the old list form
            forged({"v": 2, "since": -1, "i": "abc"}),
            forged({"v": 2, "since": True, "i": "abc"}),
            forged({"v": 2, "since": 10, "i": {"$gt": ""}}),
            forged({"v": 1, "since": 10, "i": "abc"}),
            forged({"v": 2, "since": 10, "i": "abc", "o": 5}),  # origin not after the key
            forged({"v": 2, "since": 10, "i": "abc", "x": 1}),
            forged({"v": 2, "sort": "newest", "k": 10, "i": "abc"}),  # a search cursor
        ],
    )
    def test_anything_we_did_not_issue_is_a_bilingual_422(self, token: str) -> None:
        with pytest.raises(DomainError) as caught:
            decode_sync_cursor(token)
        assert (caught.value.status, caught.value.code) == (422, "invalid-cursor")
        assert caught.value.message.id != caught.value.message.en

    def test_a_hand_built_token_equal_to_ours_is_accepted(self) -> None:
        assert decode_sync_cursor(forged({"v": 2, "since": 10, "i": "abc"})) == SyncCursor(
            10, "abc"
        )


class TestSettleWindow:
    def test_the_boundary_is_now_minus_the_window(self) -> None:
        boundary = settled_before(NOW, timedelta(milliseconds=250))
        assert boundary == micros(NOW) - 250_000

    def test_a_full_page_resumes_right_after_its_last_row(self) -> None:
        last = SyncCursor(500, "b")
        assert next_cursor(SyncCursor(100, "a"), last, True, 10_000) == last

    def test_a_last_page_jumps_to_the_boundary(self) -> None:
        following = next_cursor(SyncCursor(100, "a"), SyncCursor(500, "b"), False, 10_000)
        assert following == SyncCursor(10_000, "")

    def test_nothing_new_still_moves_the_cursor_forward(self) -> None:
        assert next_cursor(SyncCursor(100, "a"), None, False, 10_000) == SyncCursor(10_000, "")

    def test_a_cursor_past_the_boundary_is_never_moved_back(self) -> None:
        ahead = SyncCursor(20_000, "a")
        assert next_cursor(ahead, None, False, 10_000) == ahead


class TestSyncFromScratch:
    def test_begins_the_copy_at_the_boundary(self) -> None:
        assert begin(START, 10_000) == SyncCursor(0, "", origin=10_000)

    def test_a_later_cursor_is_read_as_it_is(self) -> None:
        cursor = SyncCursor(100, "a")
        assert begin(cursor, 10_000) is cursor

    def test_its_pages_carry_the_origin_until_they_pass_it(self) -> None:
        walking = SyncCursor(0, "", origin=10_000)
        assert next_cursor(walking, SyncCursor(500, "b"), True, 12_000).origin == 10_000
        assert next_cursor(walking, SyncCursor(11_000, "c"), True, 12_000).origin is None
        assert next_cursor(walking, None, False, 12_000) == SyncCursor(12_000, "")


class TestScope:
    def test_a_seller_keeps_all_but_archived_of_their_own(self) -> None:
        scope = SyncScope.of("farmer-1", own=True)
        assert scope.statuses is None
        assert scope.keeps({"status": "draft"})
        assert scope.keeps({"status": "paused", "deleted": False})
        assert not scope.keeps({"status": "archived"})
        assert not scope.keeps({"status": "active", "deleted": True})

    def test_others_are_sent_published_listings_and_keep_only_those_on_offer(self) -> None:
        scope = SyncScope.of(None, own=False)
        assert scope.statuses == [
            "active",
            "archived",
            "called_off",
            "paused",
            "pre_listed",
            "sold_out",
        ]
        assert scope.keeps({"status": "active"})
        assert scope.keeps({"status": "pre_listed"})  # a trip's catch, reservable ahead
        assert not scope.keeps({"status": "sold_out"})
        assert not scope.keeps({"status": "called_off"})


class TestExpiredCursor:
    def test_a_cursor_within_the_retention_is_fine(self) -> None:
        ensure_fresh(SyncCursor(micros(NOW - RETENTION + timedelta(seconds=1)), ""), NOW, RETENTION)

    def test_a_cursor_older_than_the_retention_is_a_bilingual_410(self) -> None:
        old = SyncCursor(micros(NOW - RETENTION - timedelta(seconds=1)), "abc")
        with pytest.raises(SyncCursorExpiredError) as caught:
            ensure_fresh(old, NOW, RETENTION)
        assert (caught.value.status, caught.value.code) == (410, "sync-cursor-expired")
        assert caught.value.extra == {"resync_since": "0"}
        assert "since=0" in caught.value.message.en
        assert caught.value.message.id != caught.value.message.en

    def test_from_scratch_is_never_too_old(self) -> None:
        ensure_fresh(START, NOW, RETENTION)

    def test_a_walk_from_scratch_is_as_fresh_as_its_origin(self) -> None:
        walking = SyncCursor(micros(NOW - timedelta(days=400)), "a", origin=micros(NOW))
        ensure_fresh(walking, NOW, RETENTION)

    @pytest.mark.parametrize(
        ("retention", "margin"),
        [(RETENTION, timedelta(hours=1)), (timedelta(seconds=30), timedelta(seconds=3))],
    )
    def test_tombstones_outlive_every_cursor_that_is_still_accepted(
        self, retention: timedelta, margin: timedelta
    ) -> None:
        assert purge_before(NOW, retention) == NOW - retention - margin
