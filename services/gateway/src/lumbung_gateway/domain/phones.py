"""Indonesian mobile numbers, normalised to E.164 so one person is one account.

Farmers and fishers type their number the way it is printed on a SIM card or said aloud:
"0812-3456-7890", "+62 812 3456 7890", "62812…" or just "812…". The phone number is the login
identifier, so every spelling must collapse to one canonical form ("+6281234567890") before it
is stored, looked up or rate-limited; otherwise an attacker gets five lockout-free guesses per
spelling.

Only mobile numbers are accepted because the number receives OTP SMS and WhatsApp messages.
Indonesian mobile national numbers start with 8 followed by an operator digit (81x Telkomsel/
Indosat/XL, 82x Telkomsel, 83x Axis, 85x Telkomsel/Indosat/XL, 87x XL, 88x Smartfren, 89x Tri)
and are 9 to 12 digits long after the trunk "0" (10 to 13 digits as written locally). Landlines
(021…, 022…) and unassigned ranges (84x, 86x, 80x) are refused.
"""

from __future__ import annotations

import re
from typing import NewType

from lumbung_shared.errors import Message

from lumbung_gateway.domain.errors import InvalidInputError

E164Phone = NewType("E164Phone", str)
"""A normalised Indonesian mobile number, e.g. "+6281234567890"."""

COUNTRY_CODE = "62"

# Longest sane input; refuse before doing any work so hostile input stays cheap.
_MAX_RAW_LENGTH = 32
# Spaces, hyphens, dots and parentheses are how numbers are grouped on paper and screens.
_SEPARATORS = re.compile(r"[\s\-.()]")
# ASCII digits only: str.isdigit() would let Arabic-Indic and full-width digits through.
_DIGITS = re.compile(r"[0-9]+")
_MOBILE_NATIONAL = re.compile(r"8[1235789][0-9]{7,10}")

_S = r"[\s\-.()]*"
PHONE_PATTERN = rf"^{_S}((\+{_S})?6{_S}2{_S})?(0{_S})?8{_S}[1235789]{_S}([0-9]{_S}){{7,10}}$"
"""What `normalise_phone` accepts, as one regular expression for the API's schema: the
separators anywhere, then an optional "+62"/"62", an optional trunk "0", the mobile number."""

_INVALID_PHONE = Message(
    id="Nomor HP tidak valid. Gunakan nomor seluler Indonesia, misalnya 0812-3456-7890.",
    en="Invalid phone number. Use an Indonesian mobile number, for example 0812-3456-7890.",
)


def normalise_phone(raw: str) -> E164Phone:
    """Return `raw` as "+62…", or raise a 422 `invalid-phone` if it is no Indonesian mobile."""
    national = _national_number(_digits_only(raw))
    if not _MOBILE_NATIONAL.fullmatch(national):
        raise _invalid()
    return E164Phone(f"+{COUNTRY_CODE}{national}")


def _digits_only(raw: str) -> str:
    """Strip grouping separators and an international "+"; anything else is not a number."""
    if len(raw) > _MAX_RAW_LENGTH:
        raise _invalid()
    compact = _SEPARATORS.sub("", raw.strip())
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not _DIGITS.fullmatch(digits):
        raise _invalid()
    if plus and not digits.startswith(COUNTRY_CODE):
        raise _invalid()  # "+1…" is a foreign number, not a local one missing its zero.
    return digits


def _national_number(digits: str) -> str:
    """Drop the country code and/or trunk zero, tolerating the common "+62 0812…" mistake."""
    if digits.startswith(COUNTRY_CODE):
        digits = digits[len(COUNTRY_CODE) :]
    if digits.startswith("0"):
        digits = digits[1:]
    return digits


def _invalid() -> InvalidInputError:
    return InvalidInputError("invalid-phone", _INVALID_PHONE)
