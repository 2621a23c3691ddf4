"""lumbung_shared.secrets: which keys start a service, and that generated ones always do.

The generated-key tests draw from a seeded generator (the same bytes on every run, so they can
never flake) in the shapes people generate keys in, plus a smaller sample from the operating
system's generator, which is what `secrets.token_urlsafe(32)` uses in production.
"""

from __future__ import annotations

import base64
import random
import secrets
import string

import pytest
from lumbung_shared.secrets import (
    GENERATE_HINT,
    KNOWN_EXAMPLES,
    PLACEHOLDER_MARKERS,
    StrongSecret,
    StrongSecretOrEmpty,
    WeakSecretError,
    check_secret,
    estimated_bits,
    generate_secret,
    secret_problem,
)
from lumbung_shared.settings import ServiceSettings, load_settings, settings_errors
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

SEEDED = random.Random(20251201)


def seeded_bytes(n: int) -> bytes:
    return SEEDED.randbytes(n)


class TestGeneratedKeysPass:
    def test_seeded_token_urlsafe_shapes_all_pass(self) -> None:
        for _ in range(20_000):
            value = base64.urlsafe_b64encode(seeded_bytes(32)).rstrip(b"=").decode()
            assert secret_problem(value) is None, value

    def test_seeded_hex_and_base64_keys_pass(self) -> None:
        for _ in range(5_000):
            raw = seeded_bytes(32)
            assert secret_problem(raw.hex()) is None, raw.hex()
            assert secret_problem(base64.b64encode(raw).decode()) is None
            assert secret_problem(raw.hex().upper()) is None

    def test_os_generated_token_urlsafe_passes(self) -> None:
        for _ in range(2_000):
            value = secrets.token_urlsafe(32)
            assert secret_problem(value) is None, value

    def test_generate_secret_passes_and_differs(self) -> None:
        made = {generate_secret() for _ in range(50)}
        assert len(made) == 50
        assert all(check_secret(value) == value for value in made)

    def test_the_generate_hint_is_the_command_that_makes_good_keys(self) -> None:
        assert GENERATE_HINT == 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


class TestRefused:
    @pytest.mark.parametrize("value", sorted(KNOWN_EXAMPLES))
    def test_every_shipped_example_value(self, value: str) -> None:
        assert secret_problem(value) == "is an example value published in this repository"

    @pytest.mark.parametrize("marker", PLACEHOLDER_MARKERS)
    @pytest.mark.parametrize("style", [str.lower, str.upper, str.capitalize])
    def test_placeholder_markers_in_any_one_case_style(self, marker: str, style: object) -> None:
        assert callable(style)
        value = f"{style(marker)}{secrets.token_urlsafe(32)}"
        assert secret_problem(value) == f"is a placeholder (contains {marker!r})"

    @pytest.mark.parametrize(
        "value",
        [
            "my-super-secret-jwt-signing-key-for-production",
            "LUMBUNG_INTERNAL_SECRET_FOR_THE_PRODUCTION_STACK",
            "correct horse battery staple orbit velvet tiger",
            "550e8400-e29b-41d4-a716-446655440000",  # a UUID: 122 bits, and it reads as words
        ],
    )
    def test_values_that_read_like_words(self, value: str) -> None:
        assert secret_problem(value) == "reads like words, not like a random key"

    @pytest.mark.parametrize(
        "value",
        [
            "a" * 64,
            "ab" * 32,
            "Zq9!" * 12,
            "0123456789abcdefghijklmnopqrstuvwxyz",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            secrets.token_urlsafe(32)[:20] + "x" * 12,
        ],
    )
    def test_repeating_and_sequential_patterns(self, value: str) -> None:
        assert secret_problem(value) == "is a repeating or sequential pattern"

    def test_short_values(self) -> None:
        assert secret_problem(secrets.token_urlsafe(16)) == (
            "is 22 characters long; at least 32 are needed"
        )

    def test_low_entropy_values(self) -> None:
        value = secrets.token_hex(16)  # 32 characters, 128 real bits: the estimate says fewer
        problem = secret_problem(value)
        assert problem is not None
        assert problem.startswith("carries about ")
        assert problem.endswith("bits of entropy; at least 128 are needed")

    def test_low_variety_values(self) -> None:
        value = "".join(SEEDED.choice("abc") for _ in range(64))
        assert estimated_bits(value) < 128
        assert secret_problem(value) is not None

    @pytest.mark.parametrize("value", ["", " " * 40, f" {secrets.token_urlsafe(32)}"])
    def test_empty_and_padded_values(self, value: str) -> None:
        assert secret_problem(value) in {"is empty", "has leading or trailing whitespace"}

    def test_the_error_says_how_to_generate_and_never_repeats_the_value(self) -> None:
        value = "change-me-to-a-random-secret-of-32-chars-or-more"
        with pytest.raises(WeakSecretError) as raised:
            check_secret(value, what="the secret of key 'k1'")
        message = str(raised.value)
        assert message.startswith("the secret of key 'k1' is an example value")
        assert message.endswith(f"generate one with: {GENERATE_HINT}")
        assert value not in message

    def test_mixed_case_letters_do_not_make_a_marker(self) -> None:
        """Random bytes spell markers only in mixed case; those are not placeholders."""
        assert secret_problem("rEpLaCe" + secrets.token_urlsafe(32)) is None


class _Keys(BaseModel):
    key: StrongSecret
    optional: StrongSecretOrEmpty = SecretStr("")


class TestPydanticTypes:
    def test_strong_secret_accepts_generated_keys_and_keeps_them_hidden(self) -> None:
        value = generate_secret()
        model = _Keys(key=SecretStr(value))
        assert model.key.get_secret_value() == value
        assert value not in repr(model)

    def test_strong_secret_refuses_weak_keys(self) -> None:
        with pytest.raises(ValidationError, match="is empty"):
            _Keys(key=SecretStr(""))

    def test_optional_secret_may_be_empty_but_not_weak(self) -> None:
        assert _Keys(key=generate_secret(), optional="").optional.get_secret_value() == ""  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="example value"):
            _Keys(key=generate_secret(), optional="test-payment-provider-secret-0123456789")  # type: ignore[arg-type]


class _DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", extra="ignore", frozen=True)
    service_name: str = "demo"
    mongo_database: str = "demo"


class TestLoadSettings:
    def test_exits_naming_each_variable_without_its_value(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(
            "DEMO_INTERNAL_SECRET", "replace-with-a-random-secret-of-at-least-32-characters"
        )
        monkeypatch.setenv("DEMO_KAFKA_REQUEST_TIMEOUT_MS", "5")
        with pytest.raises(SystemExit) as raised:
            load_settings(_DemoSettings)
        message = str(raised.value.code)
        assert message.startswith("demo cannot start, fix these settings:\n")
        assert "  DEMO_INTERNAL_SECRET: is an example value published in this repository" in message
        assert GENERATE_HINT in message
        assert "  DEMO_KAFKA_REQUEST_TIMEOUT_MS: " in message
        assert "replace-with" not in message

    def test_a_missing_secret_says_how_to_generate_one(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("DEMO_INTERNAL_SECRET", raising=False)
        with pytest.raises(ValidationError) as raised:
            _DemoSettings()
        assert settings_errors(_DemoSettings, raised.value) == [
            f"DEMO_INTERNAL_SECRET: is not set; generate one with: {GENERATE_HINT}"
        ]

    def test_good_settings_load(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DEMO_INTERNAL_SECRET", generate_secret())
        assert load_settings(_DemoSettings).service_name == "demo"


def test_alphabet_of_token_urlsafe_is_what_the_rules_assume() -> None:
    """The word rule splits on '-' and '_': token_urlsafe's only non-alphanumeric characters."""
    alphabet = set(string.ascii_letters + string.digits + "-_")
    assert set("".join(secrets.token_urlsafe(64) for _ in range(200))) <= alphabet
