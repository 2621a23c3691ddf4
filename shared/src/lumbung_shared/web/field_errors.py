"""Field errors in the caller's language: pydantic's error types, translated, ctx interpolated.

Pydantic writes its `msg` in English only, so a problem in Indonesian cannot pass it on. Each
error type a Lumbung body can produce has a bilingual sentence here with pydantic's `ctx`
values (`min_length`, `ge`, `expected`...) filled in; a `FieldError` raised in a validator
brings its own sentence and code. Any other type gets a generic bilingual sentence, so an
Indonesian answer never carries an English fragment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lumbung_shared.errors import FieldError, Message

MAX_FIELD_ERRORS = 50
"""Bound of `errors[]` in one problem; the title still counts them all."""

SOURCES = frozenset({"body", "query", "path", "header", "cookie"})
"""FastAPI's first `loc` element: where the value came from, not part of the field name."""

GENERIC = Message(id="Nilai tidak valid.", en="The value is not valid.")

_TEXT = Message(id="Harus berupa teks.", en="Must be text.")
_WHOLE = Message(id="Harus berupa bilangan bulat.", en="Must be a whole number.")
_NUMBER = Message(id="Harus berupa angka.", en="Must be a number.")
_BOOL = Message(id="Harus bernilai true atau false.", en="Must be true or false.")
_ONE_OF = Message(id="Harus salah satu dari: {expected}.", en="Must be one of: {expected}.")
_OBJECT = Message(id="Harus berupa objek JSON.", en="Must be a JSON object.")
_LIST = Message(id="Harus berupa daftar (array JSON).", en="Must be a list (JSON array).")
_DATE = Message(
    id="Harus berupa tanggal yang valid (YYYY-MM-DD).",
    en="Must be a valid date (YYYY-MM-DD).",
)
_DATETIME = Message(
    id="Harus berupa waktu ISO 8601 yang valid (mis. 2025-01-31T08:00:00+07:00).",
    en="Must be a valid ISO 8601 time (e.g. 2025-01-31T08:00:00+07:00).",
)
_TIME = Message(id="Harus berupa jam yang valid (HH:MM).", en="Must be a valid time (HH:MM).")
_URL = Message(id="Harus berupa URL yang valid.", en="Must be a valid URL.")
_UUID = Message(id="Harus berupa UUID yang valid.", en="Must be a valid UUID.")
_DECIMAL = Message(id="Harus berupa angka desimal.", en="Must be a decimal number.")
_READ_ONLY = Message(id="Tidak boleh diubah.", en="May not be changed.")

TRANSLATIONS: Mapping[str, Message] = {
    "missing": Message(id="Wajib diisi.", en="This field is required."),
    "extra_forbidden": Message(id="Kolom ini tidak dikenal.", en="This field is not allowed."),
    "string_type": _TEXT,
    "string_unicode": _TEXT,
    "string_too_short": Message(
        id="Minimal {min_length} karakter.", en="Must be at least {min_length} characters."
    ),
    "string_too_long": Message(
        id="Maksimal {max_length} karakter.", en="Must be at most {max_length} characters."
    ),
    "string_pattern_mismatch": Message(
        id="Formatnya tidak sesuai (pola {pattern}).", en="Does not match the pattern {pattern}."
    ),
    "string_not_ascii": Message(id="Hanya boleh huruf ASCII.", en="Must be ASCII only."),
    "greater_than": Message(id="Harus lebih dari {gt}.", en="Must be greater than {gt}."),
    "greater_than_equal": Message(id="Minimal {ge}.", en="Must be at least {ge}."),
    "less_than": Message(id="Harus kurang dari {lt}.", en="Must be less than {lt}."),
    "less_than_equal": Message(id="Maksimal {le}.", en="Must be at most {le}."),
    "multiple_of": Message(
        id="Harus kelipatan {multiple_of}.", en="Must be a multiple of {multiple_of}."
    ),
    "finite_number": Message(id="Harus berupa angka terhingga.", en="Must be a finite number."),
    "int_type": _WHOLE,
    "int_parsing": _WHOLE,
    "int_from_float": _WHOLE,
    "int_parsing_size": Message(id="Angkanya terlalu besar.", en="The number is too large."),
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "enum": _ONE_OF,
    "literal_error": _ONE_OF,
    "none_required": Message(id="Harus kosong (null).", en="Must be null."),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_past": Message(id="Harus tanggal yang sudah lewat.", en="Must be a date in the past."),
    "date_future": Message(id="Harus tanggal mendatang.", en="Must be a date in the future."),
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
    "datetime_past": Message(id="Harus waktu yang sudah lewat.", en="Must be in the past."),
    "datetime_future": Message(id="Harus waktu mendatang.", en="Must be in the future."),
    "timezone_aware": Message(
        id="Waktu harus menyertakan zona waktu (mis. +07:00).",
        en="The time must include a time zone (e.g. +07:00).",
    ),
    "timezone_naive": Message(
        id="Waktu tidak boleh menyertakan zona waktu.", en="The time must not include a zone."
    ),
    "time_type": _TIME,
    "time_parsing": _TIME,
    "list_type": _LIST,
    "tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "iterable_type": _LIST,
    "set_item_not_hashable": Message(
        id="Isi daftar harus berupa nilai sederhana.", en="List items must be plain values."
    ),
    "too_short": Message(
        id="Minimal {min_length} isi.", en="Must have at least {min_length} items."
    ),
    "too_long": Message(
        id="Maksimal {max_length} isi.", en="Must have at most {max_length} items."
    ),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "dataclass_type": _OBJECT,
    "mapping_type": _OBJECT,
    "json_invalid": Message(id="Bukan JSON yang valid.", en="Not valid JSON."),
    "json_type": Message(id="Harus berupa teks JSON.", en="Must be a JSON string."),
    "url_type": _URL,
    "url_parsing": _URL,
    "url_syntax_violation": _URL,
    "url_too_long": Message(
        id="URL maksimal {max_length} karakter.", en="The URL may have at most {max_length} chars."
    ),
    "url_scheme": Message(
        id="URL harus memakai skema {expected_schemes}.",
        en="The URL must use the scheme {expected_schemes}.",
    ),
    "uuid_type": _UUID,
    "uuid_parsing": _UUID,
    "uuid_version": _UUID,
    "decimal_type": _DECIMAL,
    "decimal_parsing": _DECIMAL,
    "decimal_max_digits": Message(
        id="Maksimal {max_digits} digit.", en="Must have at most {max_digits} digits."
    ),
    "decimal_max_places": Message(
        id="Maksimal {decimal_places} angka di belakang koma.",
        en="Must have at most {decimal_places} decimal places.",
    ),
    "decimal_whole_digits": Message(
        id="Maksimal {whole_digits} digit sebelum koma.",
        en="Must have at most {whole_digits} digits before the point.",
    ),
    "bytes_type": _TEXT,
    "bytes_too_short": Message(
        id="Minimal {min_length} byte.", en="Must be at least {min_length} bytes."
    ),
    "bytes_too_long": Message(
        id="Maksimal {max_length} byte.", en="Must be at most {max_length} bytes."
    ),
    "union_tag_invalid": Message(
        id="Jenis '{tag}' tidak dikenal untuk {discriminator}; pilih salah satu dari: "
        "{expected_tags}.",
        en="Unknown kind '{tag}' for {discriminator}; expected one of: {expected_tags}.",
    ),
    "union_tag_not_found": Message(
        id="Kolom {discriminator} wajib diisi.", en="The field {discriminator} is required."
    ),
    "frozen_field": _READ_ONLY,
    "frozen_instance": _READ_ONLY,
    "value_error": GENERIC,
    "assertion_error": GENERIC,
}
"""Every pydantic error type a Lumbung request can produce, in Indonesian and English."""

CUSTOM_TRANSLATIONS: Mapping[str, Message] = {
    "unsafe_text": Message(
        id="Teks berisi karakter kontrol, pembalik arah atau tak terlihat ({character}).",
        en="The text contains a control, bidi-override or invisible character ({character}).",
    ),
}
"""Lumbung's own `PydanticCustomError` types (`lumbung_shared.text`)."""

_LISTS_OF_CHOICES = frozenset({"expected", "expected_schemes"})
"""ctx values pydantic joins as `'a', 'b' or 'c'`: the last joiner is English."""


def field_name(loc: Sequence[str | int]) -> str:
    """`items[0].quantity` for `("body", "items", 0, "quantity")`; the source alone if no field."""
    parts = list(loc[1:] if loc and loc[0] in SOURCES else loc)
    if not parts:
        return str(loc[0]) if loc else ""
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _ctx_value(key: str, value: object, language: str) -> str:
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if key in _LISTS_OF_CHOICES and language != "en":
        head, joiner, tail = text.rpartition(" or ")
        if joiner:
            return f"{head} atau {tail}"
    return text


def _sentence(error_type: str, ctx: Mapping[str, Any], language: str) -> str:
    known = TRANSLATIONS.get(error_type) or CUSTOM_TRANSLATIONS.get(error_type, GENERIC)
    template = known.pick(language)
    values = {key: _ctx_value(key, value, language) for key, value in ctx.items()}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):  # a ctx pydantic did not send: say it plainly
        return GENERIC.pick(language)


def field_problem(error: Mapping[str, Any], language: str) -> dict[str, Any]:
    """One `errors[]` entry: where (`loc`, `field`), what (`type`), and `msg` in `language`."""
    loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    cause = ctx.get("error")
    entry: dict[str, Any] = {"loc": loc, "field": field_name(loc)}
    if isinstance(cause, FieldError):
        entry |= {"type": cause.code, "msg": cause.message.pick(language)}
        return entry | {k: v for k, v in cause.extra.items() if k not in entry}
    error_type = str(error.get("type", ""))
    plain_ctx = {k: v for k, v in ctx.items() if k != "error"}
    entry |= {"type": error_type, "msg": _sentence(error_type, plain_ctx, language)}
    return entry


def field_problems(errors: Sequence[Mapping[str, Any]], language: str) -> list[dict[str, Any]]:
    """The first `MAX_FIELD_ERRORS` of `errors`, each rendered by `field_problem`."""
    return [field_problem(error, language) for error in errors[:MAX_FIELD_ERRORS]]
