"""Specification: refresh tokens are opaque, stored hashed, rotated, and reuse kills the family."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lumbung_gateway.domain.refresh_tokens import (
    RefreshPolicy,
    RefreshState,
    Reject,
    RevokeFamily,
    Rotate,
    StoredRefreshToken,
    decide_refresh,
    hash_refresh_token,
    new_refresh_token,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def stored(state: RefreshState = RefreshState.ACTIVE, **changes: object) -> StoredRefreshToken:
    token = StoredRefreshToken(
        family_id="fam-1",
        subject="user-1",
        state=state,
        expires_at=NOW + timedelta(days=30),
        family_started_at=NOW - timedelta(days=1),
    )
    return replace(token, **changes)  # type: ignore[arg-type]


class TestNewRefreshToken:
    def test_plain_is_random_and_only_its_sha256_is_stored(self) -> None:
        plain, digest = new_refresh_token()
        assert len(plain) >= 43
        assert digest == hashlib.sha256(plain.encode()).hexdigest()
        assert digest == hash_refresh_token(plain)
        assert plain not in digest
        assert new_refresh_token()[0] != plain


class TestRotation:
    def test_active_token_rotates_within_its_family(self) -> None:
        assert decide_refresh(stored(), NOW) == Rotate(family_id="fam-1", subject="user-1")

    def test_next_token_never_outlives_the_family(self) -> None:
        policy = RefreshPolicy(ttl=timedelta(days=30), family_lifetime=timedelta(days=90))
        started = NOW - timedelta(days=80)
        assert policy.next_expiry(started, NOW) == started + timedelta(days=90)
        assert policy.next_expiry(NOW, NOW) == NOW + timedelta(days=30)


class TestReuseDetection:
    def test_presenting_a_rotated_token_revokes_the_family(self) -> None:
        decision = decide_refresh(stored(RefreshState.ROTATED), NOW)
        assert decision == RevokeFamily(family_id="fam-1", subject="user-1")
        assert isinstance(decision, RevokeFamily)
        assert (decision.error.status, decision.error.code) == (401, "refresh-token-reused")
        assert decision.error.message.id
        assert decision.error.message.en

    def test_reuse_is_detected_even_after_the_token_expired(self) -> None:
        old = stored(RefreshState.ROTATED, expires_at=NOW - timedelta(days=1))
        assert isinstance(decide_refresh(old, NOW), RevokeFamily)

    def test_full_sequence_rotate_then_replay(self) -> None:
        first = stored()
        assert isinstance(decide_refresh(first, NOW), Rotate)
        # storage marks the presented token rotated; the thief replays it later
        replayed = replace(first, state=RefreshState.ROTATED)
        assert isinstance(decide_refresh(replayed, NOW + timedelta(hours=1)), RevokeFamily)


class TestRejection:
    def test_unknown_token_is_rejected(self) -> None:
        decision = decide_refresh(None, NOW)
        assert isinstance(decision, Reject)
        assert (decision.error.status, decision.error.code) == (401, "invalid-refresh-token")

    def test_revoked_token_is_rejected_without_further_action(self) -> None:
        assert isinstance(decide_refresh(stored(RefreshState.REVOKED), NOW), Reject)

    def test_expired_token_is_rejected(self) -> None:
        assert isinstance(decide_refresh(stored(expires_at=NOW), NOW), Reject)

    def test_token_of_a_family_past_its_lifetime_is_rejected(self) -> None:
        old_family = stored(family_started_at=NOW - timedelta(days=91))
        assert isinstance(decide_refresh(old_family, NOW), Reject)
