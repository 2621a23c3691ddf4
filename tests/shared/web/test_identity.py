"""The gateway's signed identity header: only the gateway can vouch for a caller."""

from __future__ import annotations

import time

import pytest
from lumbung_shared.errors import DomainError
from lumbung_shared.web.identity import (
    MAX_AGE_SECONDS,
    Identity,
    Role,
    sign_identity,
    verify_identity,
)

SECRET = b"s" * 32
FARMER = Identity(subject="petani-1", role=Role.FARMER, regions=["63.08"])


class TestVerifyIdentity:
    def test_a_header_signed_with_the_shared_secret_verifies(self) -> None:
        identity = verify_identity(sign_identity(FARMER, SECRET), SECRET)
        assert (identity.subject, identity.role, identity.regions) == (
            "petani-1",
            Role.FARMER,
            ["63.08"],
        )

    def test_a_header_signed_with_another_secret_is_refused(self) -> None:
        with pytest.raises(DomainError) as refused:
            verify_identity(sign_identity(FARMER, b"x" * 32), SECRET)
        assert refused.value.status == 401

    def test_a_changed_payload_is_refused(self) -> None:
        header = sign_identity(FARMER, SECRET)
        forged = sign_identity(FARMER.model_copy(update={"role": Role.ADMIN}), b"x" * 32)
        with pytest.raises(DomainError):
            verify_identity(forged.split(".")[0] + "." + header.split(".")[1], SECRET)

    def test_an_old_header_cannot_be_replayed(self) -> None:
        header = sign_identity(FARMER, SECRET)
        with pytest.raises(DomainError):
            verify_identity(header, SECRET, now=time.time() + MAX_AGE_SECONDS + 1)

    @pytest.mark.parametrize("header", [None, "", "abc", "a.b.c", "!!!.???", "x" * 5000 + ".y"])
    def test_missing_or_malformed_headers_are_refused(self, header: str | None) -> None:
        with pytest.raises(DomainError) as refused:
            verify_identity(header, SECRET)
        assert refused.value.code == "gateway-signature-required"
