"""Specification: user-visible text is NFC and carries nothing that hides or disguises it."""

from __future__ import annotations

import pytest
from lumbung_shared.text import SafeLine, SafeText, unsafe_character
from pydantic import TypeAdapter, ValidationError

LINE = TypeAdapter(SafeLine)
TEXT = TypeAdapter(SafeText)


class TestRefusedCharacters:
    @pytest.mark.parametrize(
        ("text", "character"),
        [
            ("Bawang\x00merah", "U+0000"),
            ("Ikan \x1b[31mmerah", "U+001B"),
            ("Harga\x85murah", "U+0085"),
            ("Cabai \u202egpj.exe", "U+202E"),
            ("Beras\u2066isolate", "U+2066"),
            ("Tong\u200bkol", "U+200B"),
            ("\ufeffJagung", "U+FEFF"),
            ("Udang\u200dwindu", "U+200D"),
            ("Kopi\ue000", "U+E000"),
            ("baris\nbaru", "U+000A"),
        ],
    )
    def test_in_a_line_each_is_refused_and_named(self, text: str, character: str) -> None:
        with pytest.raises(ValidationError) as refused:
            LINE.validate_python(text)
        error = refused.value.errors()[0]
        assert (error["type"], error["ctx"]["character"]) == ("unsafe_text", character)

    def test_multi_line_text_still_refuses_controls_other_than_newline_and_tab(self) -> None:
        with pytest.raises(ValidationError):
            TEXT.validate_python("Segar\n\x07dari laut")


class TestAcceptedText:
    def test_is_normalised_to_nfc(self) -> None:
        assert LINE.validate_python("Kafe\u0301 Gayo") == "Kaf\u00e9 Gayo"

    def test_multi_line_text_keeps_newlines_and_tabs_and_folds_crlf(self) -> None:
        assert TEXT.validate_python("Panen pagi\r\n\tkualitas A") == "Panen pagi\n\tkualitas A"

    @pytest.mark.parametrize(
        "text",
        ["Petani \U0001f468\u200d\U0001f33e Amuntai", "\U0001f469\U0001f3fd\u200d\U0001f33e"],
    )
    def test_a_joiner_inside_an_emoji_sequence_is_kept(self, text: str) -> None:
        assert unsafe_character(text) is None
        assert LINE.validate_python(text) == text

    @pytest.mark.parametrize("text", ["Bawang merah Amuntai", "Ikan cakalang 5 kg", "Ñame, 山葵"])
    def test_ordinary_words_in_any_script_pass(self, text: str) -> None:
        assert LINE.validate_python(text) == text
