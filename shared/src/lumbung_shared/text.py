"""Text people will read: normalised to NFC and free of characters that hide or disguise text.

Titles, descriptions and display names are shown to other users on small phone screens. A
control character (NUL, an ANSI escape) can break a client or a log viewer; a bidi override
(U+202E) makes "gpj.exe" read as "exe.jpg"; a zero-width space makes two names that look the
same compare different. Such text is refused (422), not silently stripped, so the seller sees
what was wrong. The one exception is the zero-width joiner *inside an emoji sequence*
(👨‍🌾 is man + ZWJ + rice), which farmers do use.

Use `SafeLine` for one-line fields and `SafeText` for multi-line ones (newlines and tabs kept).
The rule is too large for a JSON Schema `pattern`, so both name it as the string format
`safe-text` (what it refuses is in `SAFE_TEXT_DESCRIPTION`); a one-line field adds a `not`
`pattern` barring the newline and tab that `safe-text` allows (a `not`, so a field's own
`pattern` still applies beside it).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Final

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

SAFE_TEXT_FORMAT: Final = "safe-text"
SAFE_TEXT_DESCRIPTION: Final = (
    "No control, bidi-override or invisible characters (Unicode categories Cc, Cf, Cs, Co, Cn; "
    "newline and tab allowed in multi-line text, a zero-width joiner inside an emoji)."
)
LINE_BREAK_PATTERN: Final = r"[\n\t]"
ZERO_WIDTH_JOINER = "\u200d"
_REFUSED_CATEGORIES = frozenset(
    {
        "Cc",  # C0 and C1 controls: NUL, ESC (ANSI sequences), DEL, U+0080-U+009F
        "Cf",  # format: bidi overrides and isolates, zero-width space/joiners, BOM, soft hyphen
        "Cs",  # lone surrogates
        "Co",  # private use: renders differently on every phone
        "Cn",  # unassigned
    }
)
_MULTILINE_ALLOWED = frozenset("\n\t")
_EMOJI_JOINABLE = frozenset({"So", "Sk", "Mn"})  # symbols, skin-tone modifiers, FE0F


def _joins_emoji(text: str, index: int) -> bool:
    """A ZWJ between two emoji (possibly with a variation selector or skin tone before it)."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return bool(before and after) and all(
        unicodedata.category(c) in _EMOJI_JOINABLE for c in (before, after)
    )


def unsafe_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character a reader should not be shown, as `U+XXXX`, or None."""
    for index, char in enumerate(text):
        if multiline and char in _MULTILINE_ALLOWED:
            continue
        if char == ZERO_WIDTH_JOINER and _joins_emoji(text, index):
            continue
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def clean(text: str, *, multiline: bool = False) -> str:
    """`text` in NFC, or a pydantic `unsafe_text` error naming the character."""
    normalised = unicodedata.normalize("NFC", text)
    if multiline:
        normalised = normalised.replace("\r\n", "\n")
    found = unsafe_character(normalised, multiline=multiline)
    if found is not None:
        raise PydanticCustomError(
            "unsafe_text",
            "Text contains a control, bidi-override or invisible character ({character}).",
            {"character": found},
        )
    return normalised


def _clean_line(text: str) -> str:
    return clean(text)


def _clean_text(text: str) -> str:
    return clean(text, multiline=True)


SafeLine = Annotated[
    str,
    AfterValidator(_clean_line),
    Field(
        description=SAFE_TEXT_DESCRIPTION,
        json_schema_extra={"format": SAFE_TEXT_FORMAT, "not": {"pattern": LINE_BREAK_PATTERN}},
    ),
]
"""A one-line user-visible string: NFC, no control, bidi or invisible characters."""
SafeText = Annotated[
    str,
    AfterValidator(_clean_text),
    Field(description=SAFE_TEXT_DESCRIPTION, json_schema_extra={"format": SAFE_TEXT_FORMAT}),
]
"""A multi-line user-visible string: as `SafeLine`, but newlines and tabs are kept."""
