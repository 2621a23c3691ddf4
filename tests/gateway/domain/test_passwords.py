"""Specification: argon2id hashing, verification, rehash detection and the password policy."""

from __future__ import annotations

import pytest
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY
from lumbung_gateway.api.schemas import AdminAccountRequest, RegisterRequest
from lumbung_gateway.domain.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    MIN_STRENGTH,
    NOT_ONLY_DIGITS,
    PRODUCTION_PARAMETERS,
    PasswordHashing,
    check_password_policy,
)
from lumbung_shared.errors import DomainError
from pydantic import BaseModel


@pytest.fixture(scope="module")
def hashing() -> PasswordHashing:
    return PasswordHashing(CHEAPEST)


class TestHashAndVerify:
    def test_right_password_verifies(self, hashing: PasswordHashing) -> None:
        stored = hashing.hash("padi-sawah-2024")
        assert stored.startswith("$argon2id$")
        assert hashing.verify(stored, "padi-sawah-2024")

    def test_wrong_password_does_not(self, hashing: PasswordHashing) -> None:
        stored = hashing.hash("padi-sawah-2024")
        assert not hashing.verify(stored, "padi-sawah-2025")

    def test_same_password_hashes_differently_each_time(self, hashing: PasswordHashing) -> None:
        assert hashing.hash("padi-sawah-2024") != hashing.hash("padi-sawah-2024")

    def test_corrupt_hash_is_a_mismatch_not_a_crash(self, hashing: PasswordHashing) -> None:
        assert not hashing.verify("not-a-hash", "padi-sawah-2024")
        assert not hashing.verify("$argon2id$v=19$m=8,t=1,p=1$broken", "padi-sawah-2024")

    def test_unicode_compositions_are_the_same_password(self, hashing: PasswordHashing) -> None:
        stored = hashing.hash("caf\u00e9-kopi-luwak")
        assert hashing.verify(stored, "cafe\u0301-kopi-luwak")

    def test_over_long_input_is_refused_without_hashing(self, hashing: PasswordHashing) -> None:
        stored = hashing.hash("padi-sawah-2024")
        assert not hashing.verify(stored, "x" * 1_000_000)

    def test_dummy_verification_never_succeeds(self, hashing: PasswordHashing) -> None:
        assert hashing.verify_dummy("lumbung-dummy-password") is False


class TestNeedsRehash:
    def test_hash_with_current_parameters_is_kept(self, hashing: PasswordHashing) -> None:
        assert not hashing.needs_rehash(hashing.hash("padi-sawah-2024"))

    def test_hash_with_older_parameters_is_replaced(self, hashing: PasswordHashing) -> None:
        old = hashing.hash("padi-sawah-2024")
        stronger = PasswordHashing(RFC_9106_LOW_MEMORY)
        assert stronger.needs_rehash(old)

    def test_garbage_hash_is_replaced(self, hashing: PasswordHashing) -> None:
        assert hashing.needs_rehash("not-a-hash")

    def test_production_uses_argon2id_with_64_mib(self) -> None:
        assert PRODUCTION_PARAMETERS.memory_cost == 65536
        assert PRODUCTION_PARAMETERS.time_cost == 3


class TestPolicy:
    @pytest.mark.parametrize(
        "password",
        ["kopi-gayo-2025", "petani bawang amuntai", "Tongkol!Banjar7-sore", "k8#Fq2@zL9!m" * 10],
    )
    def test_hard_to_guess_passwords_pass(self, password: str) -> None:
        check_password_policy(password)

    @pytest.mark.parametrize(
        "password",
        ["password", "abcdefgh", "qwertyuiop", "bismillah", "sayangku123", "rahasia123", "x" * 128],
    )
    def test_common_or_patterned_passwords_are_refused(self, password: str) -> None:
        with pytest.raises(DomainError) as caught:
            check_password_policy(password)
        assert caught.value.code == "weak-password"
        assert caught.value.extra["score"] < MIN_STRENGTH

    def test_a_password_made_of_the_sellers_own_details_is_refused(self) -> None:
        with pytest.raises(DomainError) as caught:
            check_password_policy("SitiAminah0812", ("+6281234567890", "Siti Aminah"))
        assert caught.value.code == "weak-password"

    @pytest.mark.parametrize(
        "password", ["", "abcdefg", "x" * 129, "12345678", "081234567890", "\u0661" * 8]
    )
    def test_weak_passwords_are_refused_with_bilingual_422(self, password: str) -> None:
        with pytest.raises(DomainError) as caught:
            check_password_policy(password)
        error = caught.value
        assert (error.status, error.code) == (422, "weak-password")
        assert error.message.id.startswith("Kata sandi")
        assert error.message.en.startswith("Password")

    @pytest.mark.parametrize("password", ["2024061719450812", "\u0661\u0662\u0663\u0664" * 3])
    def test_digits_only_of_any_script_are_refused_as_such(self, password: str) -> None:
        with pytest.raises(DomainError) as caught:
            check_password_policy(password)
        assert caught.value.message.en == "Password must not consist of digits only."

    def test_length_is_counted_as_sent_not_after_normalising(self) -> None:
        """Eight code points meet the document's `minLength` though NFC makes them seven: the
        refusal is then the estimate's (it carries a score), not the length's."""
        with pytest.raises(DomainError) as caught:
            check_password_policy("k8#Fq2@e\u0301")
        assert "score" in caught.value.extra


class TestDocumented:
    @pytest.mark.parametrize("model", [RegisterRequest, AdminAccountRequest])
    def test_a_new_passwords_rules_are_stated_in_the_schema(self, model: type[BaseModel]) -> None:
        """What can be stated is (lengths, not digits only); the estimate is named by format."""
        schema = model.model_json_schema()["properties"]["password"]
        assert schema["minLength"] == MIN_PASSWORD_LENGTH
        assert schema["maxLength"] == MAX_PASSWORD_LENGTH
        assert (schema["pattern"], schema["format"]) == (NOT_ONLY_DIGITS, "password")
