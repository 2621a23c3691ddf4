"""Specification: agency API keys verify by prefix and hash, and scopes cover whole regions."""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.api_keys import (
    ApiKeyScope,
    api_key_prefix,
    authenticate_api_key,
    hash_api_key,
    new_api_key,
    verify_api_key,
)
from lumbung_shared.errors import DomainError


class TestNewApiKey:
    def test_key_shape_and_stored_parts(self) -> None:
        plain, prefix, digest = new_api_key()
        assert plain.startswith(f"lmb_{prefix}_")
        assert len(prefix) == 12
        assert digest == hash_api_key(plain)
        assert plain.split("_", 2)[2] not in digest

    def test_keys_are_unique(self) -> None:
        assert len({new_api_key().plain for _ in range(50)}) == 50


class TestVerification:
    def test_issued_key_verifies_against_its_hash(self) -> None:
        key = new_api_key()
        assert api_key_prefix(key.plain) == key.prefix
        assert verify_api_key(key.plain, key.hash)
        authenticate_api_key(key.plain, key.hash)

    def test_tampered_secret_does_not_verify(self) -> None:
        key = new_api_key()
        last = key.plain[-1]
        tampered = key.plain[:-1] + ("A" if last != "A" else "B")
        assert not verify_api_key(tampered, key.hash)
        with pytest.raises(DomainError) as caught:
            authenticate_api_key(tampered, key.hash)
        assert (caught.value.status, caught.value.code) == (401, "invalid-api-key")

    def test_secret_moved_to_another_prefix_does_not_verify(self) -> None:
        first, second = new_api_key(), new_api_key()
        moved = f"lmb_{second.prefix}_{first.plain.split('_', 2)[2]}"
        assert not verify_api_key(moved, first.hash)
        assert not verify_api_key(moved, second.hash)

    def test_unknown_prefix_is_refused(self) -> None:
        with pytest.raises(DomainError) as caught:
            authenticate_api_key(new_api_key().plain, None)
        assert caught.value.status == 401

    @pytest.mark.parametrize(
        "plain",
        [
            "",
            "lmb",
            "lmb__",
            "xyz_0123456789ab_" + "a" * 43,  # wrong marker
            "lmb_0123456789AB_" + "a" * 43,  # upper-case prefix
            "lmb_0123456789ab_" + "a" * 42,  # secret one character short
            "lmb_0123456789ab_" + "a" * 42 + "!",
        ],
    )
    def test_malformed_key_has_no_prefix(self, plain: str) -> None:
        with pytest.raises(DomainError) as caught:
            api_key_prefix(plain)
        assert (caught.value.status, caught.value.code) == (401, "invalid-api-key")


class TestScope:
    def test_regency_scope_covers_its_districts_and_villages(self) -> None:
        scope = ApiKeyScope.of(["33.74", "73.71"])
        assert scope.covers("33.74")
        assert scope.covers("33.74.01")
        assert scope.covers("73.71.02.1001")

    def test_scope_does_not_cover_neighbours_sharing_leading_digits(self) -> None:
        scope = ApiKeyScope.of(["33"])  # province
        assert scope.covers("33.74.01")
        assert not scope.covers("34.01")
        regency = ApiKeyScope.of(["33.74"])
        assert not regency.covers("33.741")
        assert not regency.covers("33.7")
        assert not regency.covers("33")

    def test_empty_scope_covers_nothing(self) -> None:
        assert not ApiKeyScope.of([]).covers("33.74")

    @pytest.mark.parametrize("code", ["3", "33.7", "33.74.01", "3374", "33.", "", "aa"])
    def test_invalid_scope_codes_are_refused(self, code: str) -> None:
        with pytest.raises(DomainError) as caught:
            ApiKeyScope.of([code])
        assert (caught.value.status, caught.value.code) == (422, "invalid-region-scope")
