"""Specification: Indonesian mobile numbers normalise to one E.164 form, everything else is 422."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lumbung_gateway.domain.phones import PHONE_PATTERN, normalise_phone
from lumbung_shared.errors import DomainError

CANONICAL = "+6281234567890"


class TestAcceptedSpellings:
    @pytest.mark.parametrize(
        "raw",
        [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
            "81234567890",
            "+6281234567890",
            "  0812 3456 7890  ",
            "(0812) 3456.7890",
            "+62 0812 3456 7890",  # common mistake: country code and trunk zero together
            "62-812-3456-7890",
        ],
    )
    def test_every_spelling_collapses_to_one_canonical_form(self, raw: str) -> None:
        assert normalise_phone(raw) == CANONICAL

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("0812-345-678", "+62812345678"),  # shortest: 10 digits written locally
            ("0812-1234-56789", "+62812123456789"),  # longest: 13 digits written locally
            ("0852 1111 2222", "+6285211112222"),
            ("0877 1111 2222", "+6287711112222"),
            ("0881 1111 2222", "+6288111112222"),
            ("0896 1111 2222", "+6289611112222"),
            ("0838 1111 2222", "+6283811112222"),
        ],
    )
    def test_operator_ranges_and_length_bounds(self, raw: str, expected: str) -> None:
        assert normalise_phone(raw) == expected


class TestRefusedInput:
    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "+",
            "0812-3456",  # too short
            "0812-34567",  # one digit short of the minimum
            "0812-1234-567890",  # one digit over the maximum
            "021-555-1234",  # Jakarta landline
            "022 1234 5678",  # Bandung landline
            "0841 1111 2222",  # unassigned mobile range
            "0861 1111 2222",
            "+1 812 345 6789",  # foreign number
            "++6281234567890",
            "0812-3456-789O",  # letter O
            "0812/3456/7890",
            "\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",  # Arabic-Indic
            "\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",  # full-width
            "0" * 1000,
        ],
    )
    def test_refused_with_bilingual_422(self, raw: str) -> None:
        with pytest.raises(DomainError) as caught:
            normalise_phone(raw)
        error = caught.value
        assert (error.status, error.code) == (422, "invalid-phone")
        assert "Nomor HP" in error.message.id
        assert "phone number" in error.message.en


class TestNormalisationIsStable:
    @given(st.from_regex(r"08[1235789][0-9]{7,10}", fullmatch=True))
    def test_normalising_twice_changes_nothing(self, local: str) -> None:
        once = normalise_phone(local)
        assert normalise_phone(once) == once
        assert once == "+62" + local[1:]


class TestThePublishedPattern:
    """`PHONE_PATTERN` (the API schema's) accepts exactly what `normalise_phone` accepts."""

    @given(st.text(alphabet="0123456789+-. ()\t\u00a0x", max_size=20))
    @settings(max_examples=500, deadline=None)
    def test_pattern_and_normaliser_agree_on_any_text(self, raw: str) -> None:
        self._agree("62" + raw if raw[:1].isdigit() else raw)

    @given(st.data())
    @settings(max_examples=300, deadline=None)
    def test_pattern_and_normaliser_agree_on_spellings_of_mobiles(
        self, data: st.DataObject
    ) -> None:
        parts = [
            data.draw(st.sampled_from(["", "+62", "62", "+6", "6"])),
            data.draw(st.sampled_from(["", "0"])),
            "8",
            data.draw(st.sampled_from("0123456789")),
            data.draw(st.text("0123456789", min_size=5, max_size=12)),
        ]
        separated = [
            char + data.draw(st.sampled_from(["", "", " ", "-", ".", "(", ")"]))
            for char in "".join(parts)
        ]
        self._agree("".join(separated)[:32])

    @pytest.mark.parametrize(
        "raw",
        [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "+62 0812 3456 7890",
            "(0812) 3456.7890",
            "\u00a00812 3456 7890\t",
            "+0812 3456 7890",
            "+1 812 3456 7890",
            "021-5551234",
            "0812-3456-78901234",
            "08123456789+",
        ],
    )
    def test_pattern_and_normaliser_agree_on_spellings(self, raw: str) -> None:
        self._agree(raw)

    @staticmethod
    def _agree(raw: str) -> None:
        try:
            normalise_phone(raw)
            accepted = True
        except DomainError:
            accepted = False
        assert bool(re.fullmatch(PHONE_PATTERN, raw)) is accepted, raw
