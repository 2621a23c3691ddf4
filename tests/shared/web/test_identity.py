"""Specification: the gateway's identity header vouches for one caller, one service, one request."""

from __future__ import annotations

import time

import jwt
import pytest
from lumbung_shared.errors import DomainError
from lumbung_shared.identity import (
    LEEWAY_SECONDS,
    LIFETIME_SECONDS,
    Identity,
    Role,
    sign_identity,
    verify_identity,
)

SECRET = b"s" * 32
FARMER = Identity(subject="petani-1", role=Role.FARMER, regions=["63.08"])
FOR_LISTINGS = {"audience": "listings", "method": "GET", "path": "/v1/listings/abc"}


def _refused(header: str | None, **request: str) -> DomainError:
    with pytest.raises(DomainError) as refused:
        verify_identity(header, SECRET, **{**FOR_LISTINGS, **request})
    assert refused.value.status == 401
    assert refused.value.code == "gateway-signature-required"
    return refused.value


class TestAHeaderSignedForThisRequest:
    def test_verifies_and_carries_subject_role_and_regions(self) -> None:
        identity = verify_identity(
            sign_identity(FARMER, SECRET, **FOR_LISTINGS), SECRET, **FOR_LISTINGS
        )
        assert (identity.subject, identity.role, identity.regions) == (
            "petani-1",
            Role.FARMER,
            ["63.08"],
        )

    def test_is_a_jwt_naming_its_issuer_audience_and_request(self) -> None:
        claims = jwt.decode(
            sign_identity(FARMER, SECRET, **FOR_LISTINGS),
            SECRET,
            algorithms=["HS256"],
            audience="listings",
        )
        assert (claims["iss"], claims["htm"], claims["htu"]) == (
            "lumbung-gateway",
            "GET",
            "/v1/listings/abc",
        )
        assert claims["exp"] - claims["iat"] == LIFETIME_SECONDS


class TestAHeaderIsRefused:
    def test_when_minted_for_another_service(self) -> None:
        _refused(sign_identity(FARMER, SECRET, **FOR_LISTINGS), audience="orders")

    def test_when_used_with_another_method(self) -> None:
        _refused(sign_identity(FARMER, SECRET, **FOR_LISTINGS), method="DELETE")

    def test_when_used_for_another_path(self) -> None:
        _refused(sign_identity(FARMER, SECRET, **FOR_LISTINGS), path="/v1/listings/other")

    def test_when_signed_with_another_secret(self) -> None:
        _refused(sign_identity(FARMER, b"x" * 32, **FOR_LISTINGS))

    def test_when_its_claims_were_changed(self) -> None:
        header, _payload, mac = sign_identity(FARMER, SECRET, **FOR_LISTINGS).split(".")
        forged = sign_identity(
            FARMER.model_copy(update={"role": Role.ADMIN}), b"x" * 32, **FOR_LISTINGS
        )
        _refused(f"{header}.{forged.split('.')[1]}.{mac}")

    def test_when_it_has_expired(self) -> None:
        old = time.time() - LIFETIME_SECONDS - LEEWAY_SECONDS - 1
        _refused(sign_identity(FARMER, SECRET, **FOR_LISTINGS, now=old))

    def test_when_it_claims_to_come_from_the_future(self) -> None:
        later = time.time() + 10 * LEEWAY_SECONDS
        _refused(sign_identity(FARMER, SECRET, **FOR_LISTINGS, now=later))

    def test_when_it_is_an_unsigned_jwt(self) -> None:
        claims = jwt.decode(
            sign_identity(FARMER, SECRET, **FOR_LISTINGS),
            options={"verify_signature": False},
        )
        _refused(jwt.encode(claims, None, algorithm="none"))

    def test_when_it_is_another_kind_of_jwt_signed_with_the_same_secret(self) -> None:
        claims = jwt.decode(
            sign_identity(FARMER, SECRET, **FOR_LISTINGS),
            options={"verify_signature": False},
        )
        _refused(jwt.encode(claims, SECRET, algorithm="HS256", headers={"typ": "at+jwt"}))

    @pytest.mark.parametrize("header", [None, "", "abc", "a.b.c", "!!!.???", "x" * 5000 + ".y"])
    def test_when_missing_or_malformed(self, header: str | None) -> None:
        _refused(header)
