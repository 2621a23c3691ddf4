"""Specification: every field error a Lumbung body can produce reads fully in the caller's language.

The errors here are pydantic's own (a real model validates real input), rendered by
`field_problem`: the type stays pydantic's code, `msg` is Indonesian or English with the
constraint's values filled in, and no Indonesian sentence carries pydantic's English.
"""

from __future__ import annotations

import typing
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import pytest
from lumbung_shared.errors import FieldError, Message
from lumbung_shared.text import SafeLine
from lumbung_shared.web.field_errors import (
    CUSTOM_TRANSLATIONS,
    GENERIC,
    MAX_FIELD_ERRORS,
    TRANSLATIONS,
    field_name,
    field_problem,
    field_problems,
)
from pydantic import (
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core.core_schema import ErrorType


class Unit(StrEnum):
    KG = "kg"
    EKOR = "ekor"


class Catch(BaseModel):
    kind: Literal["catch"]
    vessel: str


class Produce(BaseModel):
    kind: Literal["produce"]
    harvested_on: date


class Listing(BaseModel):
    """Every constraint kind the marketplace's bodies use."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=80)
    region: str = Field(default="63.08", pattern=r"^\d{2}\.\d{2}$")
    price: int = Field(default=1, gt=0, le=1_000_000_000)
    stock: float = Field(default=1, ge=0, lt=1e6)
    unit: Unit = Unit.KG
    grade: Literal["A", "B", "C"] = "A"
    organic: bool = False
    available_from: date | None = None
    expires: AwareDatetime | None = None
    tags: list[str] = Field(default_factory=list, min_length=0, max_length=2)
    photos: list[str] = Field(default_factory=lambda: ["p"], min_length=1)
    shop: AnyHttpUrl | None = None
    origin: Annotated[Catch | Produce, Field(discriminator="kind")] | None = None

    @field_validator("title")
    @classmethod
    def _no_shouting(cls, title: str) -> str:
        if title.isupper():
            raise FieldError(
                "title-shouting",
                Message(id="Judul jangan huruf besar semua.", en="Do not shout in the title."),
                example="Bawang merah Brebes",
            )
        if title == "x" * 10:
            raise ValueError("an English sentence nobody translated")
        return title


def _errors(data: dict[str, Any]) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        Listing.model_validate({"title": "Bawang merah", **data})
    return list(caught.value.errors())


def _only(data: dict[str, Any], language: str) -> dict[str, Any]:
    (error,) = _errors(data)
    return field_problem(error, language)


CASES: list[tuple[dict[str, Any], str, str, str]] = [
    ({"title": None}, "string_type", "Harus berupa teks.", "Must be text."),
    ({"title": "ab"}, "string_too_short", "Minimal 3 karakter.", "Must be at least 3 characters."),
    (
        {"title": "a" * 81},
        "string_too_long",
        "Maksimal 80 karakter.",
        "Must be at most 80 characters.",
    ),
    (
        {"region": "6308"},
        "string_pattern_mismatch",
        r"Formatnya tidak sesuai (pola ^\d{2}\.\d{2}$).",
        r"Does not match the pattern ^\d{2}\.\d{2}$.",
    ),
    ({"price": 0}, "greater_than", "Harus lebih dari 0.", "Must be greater than 0."),
    (
        {"price": 2_000_000_000},
        "less_than_equal",
        "Maksimal 1000000000.",
        "Must be at most 1000000000.",
    ),
    ({"stock": -1}, "greater_than_equal", "Minimal 0.", "Must be at least 0."),
    ({"stock": 1e7}, "less_than", "Harus kurang dari 1000000.", "Must be less than 1000000."),
    ({"price": "lots"}, "int_parsing", "Harus berupa bilangan bulat.", "Must be a whole number."),
    ({"price": 1.5}, "int_from_float", "Harus berupa bilangan bulat.", "Must be a whole number."),
    ({"price": [1]}, "int_type", "Harus berupa bilangan bulat.", "Must be a whole number."),
    ({"stock": "banyak"}, "float_parsing", "Harus berupa angka.", "Must be a number."),
    (
        {"organic": "mungkin"},
        "bool_parsing",
        "Harus bernilai true atau false.",
        "Must be true or false.",
    ),
    (
        {"unit": "gram"},
        "enum",
        "Harus salah satu dari: 'kg' atau 'ekor'.",
        "Must be one of: 'kg' or 'ekor'.",
    ),
    (
        {"grade": "D"},
        "literal_error",
        "Harus salah satu dari: 'A', 'B' atau 'C'.",
        "Must be one of: 'A', 'B' or 'C'.",
    ),
    (
        {"available_from": "besok"},
        "date_from_datetime_parsing",
        "Harus berupa tanggal yang valid (YYYY-MM-DD).",
        "Must be a valid date (YYYY-MM-DD).",
    ),
    (
        {"expires": "2025-01-31T08:00:00"},
        "timezone_aware",
        "Waktu harus menyertakan zona waktu (mis. +07:00).",
        "The time must include a time zone (e.g. +07:00).",
    ),
    (
        {"tags": "segar"},
        "list_type",
        "Harus berupa daftar (array JSON).",
        "Must be a list (JSON array).",
    ),
    ({"tags": ["a", "b", "c"]}, "too_long", "Maksimal 2 isi.", "Must have at most 2 items."),
    ({"photos": []}, "too_short", "Minimal 1 isi.", "Must have at least 1 items."),
    ({"shop": "toko saya"}, "url_parsing", "Harus berupa URL yang valid.", "Must be a valid URL."),
    (
        {"shop": "ftp://toko.id"},
        "url_scheme",
        "URL harus memakai skema 'http' atau 'https'.",
        "The URL must use the scheme 'http' or 'https'.",
    ),
    ({"origin": []}, "model_attributes_type", "Harus berupa objek JSON.", "Must be a JSON object."),
    (
        {"origin": {"kind": "hutan"}},
        "union_tag_invalid",
        "Jenis 'hutan' tidak dikenal untuk 'kind'; pilih salah satu dari: 'catch', 'produce'.",
        "Unknown kind 'hutan' for 'kind'; expected one of: 'catch', 'produce'.",
    ),
    (
        {"origin": {}},
        "union_tag_not_found",
        "Kolom 'kind' wajib diisi.",
        "The field 'kind' is required.",
    ),
    ({"sku": "x"}, "extra_forbidden", "Kolom ini tidak dikenal.", "This field is not allowed."),
    ({"title": "x" * 10}, "value_error", GENERIC.id, GENERIC.en),
]


class TestEachErrorType:
    @pytest.mark.parametrize(("data", "error_type", "indonesian", "english"), CASES)
    def test_its_sentence_in_both_languages(
        self, data: dict[str, Any], error_type: str, indonesian: str, english: str
    ) -> None:
        in_indonesian, in_english = _only(data, "id"), _only(data, "en")

        assert in_indonesian["type"] == in_english["type"] == error_type
        assert (in_indonesian["msg"], in_english["msg"]) == (indonesian, english)

    def test_a_missing_field(self) -> None:
        with pytest.raises(ValidationError) as caught:
            Listing.model_validate({})
        (error,) = caught.value.errors()

        assert field_problem(error, "id")["msg"] == "Wajib diisi."
        assert field_problem(error, "en")["msg"] == "This field is required."

    def test_a_datetime_that_does_not_parse(self) -> None:
        class Window(BaseModel):
            starts: datetime

        with pytest.raises(ValidationError) as caught:
            Window.model_validate({"starts": "pagi"})

        (error,) = caught.value.errors()
        assert field_problem(error, "id")["msg"].startswith("Harus berupa waktu ISO 8601")

    def test_every_translated_type_is_one_pydantic_has(self) -> None:
        """A typo in the table would silently fall back to the generic sentence."""
        assert set(TRANSLATIONS) <= set(typing.get_args(ErrorType))
        assert not set(CUSTOM_TRANSLATIONS) & set(typing.get_args(ErrorType))

    def test_lumbung_s_own_unsafe_text(self) -> None:
        class Note(BaseModel):
            text: SafeLine

        with pytest.raises(ValidationError) as caught:
            Note.model_validate({"text": "panen\u202eraya"})

        (error,) = caught.value.errors()
        assert field_problem(error, "id")["type"] == "unsafe_text"
        assert field_problem(error, "id")["msg"].startswith("Teks berisi karakter kontrol")


class TestRulesOfTheMarketplace:
    def test_a_field_error_brings_its_code_sentence_and_extra_members(self) -> None:
        problem = _only({"title": "BAWANG"}, "id")

        assert problem == {
            "loc": ["title"],
            "field": "title",
            "type": "title-shouting",
            "msg": "Judul jangan huruf besar semua.",
            "example": "Bawang merah Brebes",
        }
        assert _only({"title": "BAWANG"}, "en")["msg"] == "Do not shout in the title."

    def test_an_unknown_type_gets_the_generic_sentence_never_pydantic_s_english(self) -> None:
        error = {"type": "complex_str_parsing", "loc": ("body", "x"), "msg": "Input should be…"}

        assert field_problem(error, "id")["msg"] == GENERIC.id
        assert field_problem(error, "en")["msg"] == GENERIC.en


class TestEveryFieldAtOnce:
    def test_each_wrong_field_is_named(self) -> None:
        problems = field_problems(_errors({"price": 0, "unit": "gram", "tags": "x"}), "id")

        assert [(p["field"], p["type"]) for p in problems] == [
            ("price", "greater_than"),
            ("unit", "enum"),
            ("tags", "list_type"),
        ]

    def test_the_list_is_bounded(self) -> None:
        errors = [
            {"type": "missing", "loc": ("body", f"f{i}")} for i in range(MAX_FIELD_ERRORS + 9)
        ]

        assert len(field_problems(errors, "en")) == MAX_FIELD_ERRORS


class TestFieldNames:
    @pytest.mark.parametrize(
        ("loc", "name"),
        [
            (("body", "lines", 0, "quantity"), "lines[0].quantity"),
            (("query", "limit"), "limit"),
            (("body",), "body"),
            (("title",), "title"),
        ],
    )
    def test_the_source_is_dropped_and_indexes_are_bracketed(
        self, loc: tuple[str | int, ...], name: str
    ) -> None:
        assert field_name(loc) == name
