"""Specification: access tokens round-trip, and every forged, stale or foreign token is a 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from lumbung_gateway.domain.keys import KeyConfigError, KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_shared.errors import DomainError

SECRET_1 = "k1-" + "a" * 40
SECRET_2 = "k2-" + "b" * 40
NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
ISSUER = "https://lumbung.id/gateway"
AUDIENCE = "lumbung-api"


def make_issuer(setting: str = f"2025-03:{SECRET_2},2025-01:{SECRET_1}") -> TokenIssuer:
    return TokenIssuer(KeySet.from_setting(setting), ISSUER, AUDIENCE, ttl=timedelta(minutes=15))


def b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def valid_payload() -> dict[str, Any]:
    at = int(NOW.timestamp())
    return {
        "sub": "user-1",
        "role": "farmer",
        "regions": ["33.74"],
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": at,
        "nbf": at,
        "exp": at + 900,
        "jti": "j-1",
    }


def hand_signed(header: dict[str, Any], payload: dict[str, Any], secret: str) -> str:
    signing_input = f"{b64(header)}.{b64(payload)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def assert_unauthenticated(issuer: TokenIssuer, token: str, code: str = "invalid-token") -> None:
    with pytest.raises(DomainError) as caught:
        issuer.verify(token, now=NOW)
    assert (caught.value.status, caught.value.code) == (401, code)


class TestRoundTrip:
    def test_issued_token_verifies_with_its_claims(self) -> None:
        issuer = make_issuer()
        token = issuer.issue("user-1", Role.FISHER, ["73.71", "73.72"], now=NOW)
        claims = issuer.verify(token, now=NOW + timedelta(minutes=5))
        assert claims.sub == "user-1"
        assert claims.role is Role.FISHER
        assert claims.regions == ("73.71", "73.72")
        assert (claims.iss, claims.aud) == (ISSUER, AUDIENCE)
        assert claims.exp - claims.iat == 900
        assert claims.jti

    def test_header_names_the_active_kid(self) -> None:
        token = make_issuer().issue("user-1", Role.BUYER, now=NOW)
        header = jwt.get_unverified_header(token)
        assert header == {"alg": "HS256", "typ": "at+jwt", "kid": "2025-03"}

    def test_every_token_has_its_own_jti(self) -> None:
        issuer = make_issuer()
        first = issuer.verify(issuer.issue("u", Role.BUYER, now=NOW), now=NOW)
        second = issuer.verify(issuer.issue("u", Role.BUYER, now=NOW), now=NOW)
        assert first.jti != second.jti

    def test_hand_signed_token_with_all_rules_met_verifies(self) -> None:
        header = {"alg": "HS256", "typ": "at+jwt", "kid": "2025-01"}
        token = hand_signed(header, valid_payload(), SECRET_1)
        assert make_issuer().verify(token, now=NOW).sub == "user-1"


class TestExpiry:
    def test_token_within_leeway_after_expiry_still_verifies(self) -> None:
        issuer = make_issuer()
        token = issuer.issue("user-1", Role.FARMER, now=NOW)
        issuer.verify(token, now=NOW + timedelta(minutes=15, seconds=29))

    def test_expired_token_is_refused_as_expired(self) -> None:
        issuer = make_issuer()
        token = issuer.issue("user-1", Role.FARMER, now=NOW - timedelta(hours=1))
        assert_unauthenticated(issuer, token, code="token-expired")

    def test_token_from_the_future_is_refused(self) -> None:
        issuer = make_issuer()
        token = issuer.issue("user-1", Role.FARMER, now=NOW + timedelta(minutes=5))
        assert_unauthenticated(issuer, token)

    def test_naive_now_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="timezone"):
            make_issuer().issue("u", Role.BUYER, now=datetime(2025, 3, 1))


class TestVerifiedTokensKept:
    """A verified token's claims are kept; the time checks still run on every use."""

    def test_a_kept_token_still_expires(self) -> None:
        issuer = make_issuer()
        token = issuer.issue("user-1", Role.FARMER, now=NOW)
        assert issuer.verify(token, now=NOW).sub == "user-1"
        assert_unauthenticated_at(issuer, token, NOW + timedelta(hours=1), "token-expired")

    def test_a_kept_token_altered_by_one_character_is_checked_in_full(self) -> None:
        issuer = make_issuer()
        token = issuer.issue("user-1", Role.FARMER, now=NOW)
        issuer.verify(token, now=NOW)
        head, payload, signature = token.split(".")
        forged = ".".join((head, payload, ("A" if signature[0] != "A" else "B") + signature[1:]))
        assert_unauthenticated_at(issuer, forged, NOW, "invalid-token")

    def test_a_token_refused_as_early_is_not_kept(self) -> None:
        issuer = make_issuer()
        token = issuer.issue("user-1", Role.FARMER, now=NOW + timedelta(minutes=5))
        assert_unauthenticated_at(issuer, token, NOW, "invalid-token")
        assert token not in issuer._verified

    def test_at_most_the_configured_number_are_kept(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("lumbung_gateway.domain.tokens.VERIFIED_CACHE_SIZE", 2)
        issuer = make_issuer()
        tokens = [issuer.issue(f"user-{i}", Role.BUYER, now=NOW) for i in range(3)]
        for token in tokens:
            issuer.verify(token, now=NOW)
        assert len(issuer._verified) == 2
        assert tokens[0] not in issuer._verified  # the oldest went first
        assert issuer.verify(tokens[0], now=NOW).sub == "user-0"  # and verifies again in full


def assert_unauthenticated_at(issuer: TokenIssuer, token: str, now: datetime, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        issuer.verify(token, now=now)
    assert refused.value.status == 401
    assert refused.value.code == code


class TestForeignTokens:
    def test_wrong_audience_is_refused(self) -> None:
        other = TokenIssuer(KeySet.from_setting(f"2025-03:{SECRET_2}"), ISSUER, "other-api")
        assert_unauthenticated(make_issuer(), other.issue("u", Role.ADMIN, now=NOW))

    def test_wrong_issuer_is_refused(self) -> None:
        other = TokenIssuer(KeySet.from_setting(f"2025-03:{SECRET_2}"), "evil", AUDIENCE)
        assert_unauthenticated(make_issuer(), other.issue("u", Role.ADMIN, now=NOW))

    @pytest.mark.parametrize("missing", ["sub", "iss", "aud", "iat", "nbf", "exp", "jti", "role"])
    def test_token_missing_a_claim_is_refused(self, missing: str) -> None:
        payload = valid_payload()
        del payload[missing]
        header = {"alg": "HS256", "typ": "at+jwt", "kid": "2025-03"}
        assert_unauthenticated(make_issuer(), hand_signed(header, payload, SECRET_2))

    @pytest.mark.parametrize(
        ("claim", "value"), [("role", "superuser"), ("exp", "never"), ("regions", "33")]
    )
    def test_token_with_a_malformed_claim_is_refused(self, claim: str, value: object) -> None:
        payload = valid_payload() | {claim: value}
        header = {"alg": "HS256", "typ": "at+jwt", "kid": "2025-03"}
        assert_unauthenticated(make_issuer(), hand_signed(header, payload, SECRET_2))

    def test_jwt_of_another_type_is_refused(self) -> None:
        header = {"alg": "HS256", "typ": "JWT", "kid": "2025-03"}
        assert_unauthenticated(make_issuer(), hand_signed(header, valid_payload(), SECRET_2))


class TestForgedTokens:
    def test_alg_none_is_refused(self) -> None:
        header = {"alg": "none", "typ": "at+jwt", "kid": "2025-03"}
        token = f"{b64(header)}.{b64(valid_payload())}."
        assert_unauthenticated(make_issuer(), token)

    @pytest.mark.parametrize("alg", ["RS256", "HS512", "ES256", "None", "hs256"])
    def test_any_other_algorithm_is_refused(self, alg: str) -> None:
        header = {"alg": alg, "typ": "at+jwt", "kid": "2025-03"}
        assert_unauthenticated(make_issuer(), hand_signed(header, valid_payload(), SECRET_2))

    def test_unknown_kid_is_refused(self) -> None:
        header = {"alg": "HS256", "typ": "at+jwt", "kid": "2099-01"}
        assert_unauthenticated(make_issuer(), hand_signed(header, valid_payload(), SECRET_2))

    @pytest.mark.parametrize("kid", [None, 7, ["2025-03"]])
    def test_missing_or_non_string_kid_is_refused(self, kid: object) -> None:
        header = {"alg": "HS256", "typ": "at+jwt", "kid": kid}
        assert_unauthenticated(make_issuer(), hand_signed(header, valid_payload(), SECRET_2))

    def test_known_kid_but_different_secret_is_refused(self) -> None:
        header = {"alg": "HS256", "typ": "at+jwt", "kid": "2025-03"}
        forged = hand_signed(header, valid_payload(), "attacker-" + "z" * 40)
        assert_unauthenticated(make_issuer(), forged)

    def test_secret_of_another_kid_is_refused(self) -> None:
        header = {"alg": "HS256", "typ": "at+jwt", "kid": "2025-03"}
        assert_unauthenticated(make_issuer(), hand_signed(header, valid_payload(), SECRET_1))

    def test_tampered_payload_is_refused(self) -> None:
        issuer = make_issuer()
        header, _, signature = issuer.issue("user-1", Role.BUYER, now=NOW).split(".")
        promoted = valid_payload() | {"role": "admin"}
        assert_unauthenticated(issuer, f"{header}.{b64(promoted)}.{signature}")

    @pytest.mark.parametrize("token", ["", "abc", "a.b.c", "a.b", "x" * 10_000])
    def test_garbage_is_refused(self, token: str) -> None:
        assert_unauthenticated(make_issuer(), token)


class TestKeyRotation:
    def test_token_signed_with_an_older_kid_verifies_during_overlap(self) -> None:
        old_issuer = make_issuer(f"2025-01:{SECRET_1}")
        token = old_issuer.issue("user-1", Role.FARMER, now=NOW)
        rotated = make_issuer(f"2025-03:{SECRET_2},2025-01:{SECRET_1}")
        assert rotated.verify(token, now=NOW).sub == "user-1"
        assert jwt.get_unverified_header(rotated.issue("u", Role.BUYER, now=NOW))["kid"] == (
            "2025-03"
        )

    def test_token_signed_with_a_retired_kid_is_refused(self) -> None:
        token = make_issuer(f"2025-01:{SECRET_1}").issue("user-1", Role.FARMER, now=NOW)
        assert_unauthenticated(make_issuer(f"2025-03:{SECRET_2}"), token)


class TestKeySetSetting:
    def test_first_key_is_active_and_all_verify(self) -> None:
        keys = KeySet.from_setting(f" a:{SECRET_1} , b:{SECRET_2}")
        assert keys.active.kid == "a"
        assert keys.kids == ("a", "b")
        assert keys.get("b") is not None
        assert keys.get("c") is None

    def test_secret_may_contain_colons(self) -> None:
        keys = KeySet.from_setting("a:" + "x:" * 20)
        assert keys.active.secret == ("x:" * 20).encode()

    @pytest.mark.parametrize(
        "setting",
        ["", "a", "a:short", f"a:{SECRET_1},a:{SECRET_2}", f":{SECRET_1}", f"a b:{SECRET_1}"],
    )
    def test_unusable_settings_fail_at_startup(self, setting: str) -> None:
        with pytest.raises(KeyConfigError):
            KeySet.from_setting(setting)

    def test_secrets_never_appear_in_repr(self) -> None:
        keys = KeySet.from_setting(f"a:{SECRET_1}")
        assert SECRET_1 not in repr(keys)
        assert SECRET_1 not in repr(keys.active)
