"""Password hashing (argon2id) and the password policy a new password must meet.

Argon2id is memory-hard, so a leaked user table cannot be brute-forced cheaply on GPUs. The
production parameters are argon2-cffi's RFC 9106 "low memory" profile: time_cost=3,
memory_cost=64 MiB, parallelism=4, 16-byte salt, 32-byte hash — about 50 ms per hash on a server
core, well above OWASP's floor (19 MiB, t=2). Tests pass `argon2.profiles.CHEAPEST`. Raising the
parameters later is safe: `needs_rehash` tells the login flow to re-hash on the next success.

Passwords are NFC-normalised before hashing so "é" typed as one code point or as "e" plus a
combining accent is the same password on every phone keyboard.

Guessability is judged by zxcvbn (Dropbox's estimator, the PyPI `zxcvbn` port): its lists of
leaked passwords, names and words plus keyboard, date and repeat patterns, all shipped in the
package, so nothing leaves the machine. The account's own phone number and name and a short
list of Indonesian favourites are added as words a guesser would try first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from lumbung_shared.errors import Message
from zxcvbn import zxcvbn

from lumbung_gateway.domain.errors import InvalidInputError

PRODUCTION_PARAMETERS: Parameters = RFC_9106_LOW_MEMORY

MIN_PASSWORD_LENGTH = 8
# The cap bounds hashing work per request; 128 characters fits any passphrase or manager output.
MAX_PASSWORD_LENGTH = 128
NOT_ONLY_DIGITS = r"\D"
"""Somewhere a character that is not a digit: the schema's `pattern` too. Python's `\\d` is any
script's (Unicode Nd), so Arabic-Indic PINs are refused; an ECMA engine's is ASCII only."""
_NOT_ONLY_DIGITS = re.compile(NOT_ONLY_DIGITS)
MIN_STRENGTH = 3
"""zxcvbn score 0-4; 3 is "safely unguessable: moderate protection from an offline attack"."""
ESTIMATED_PREFIX = 72
"""zxcvbn's own bound on work: longer passwords are judged by their first 72 characters."""
INDONESIAN_FAVOURITES = (
    "sayang", "sayangku", "rahasia", "bismillah", "indonesia", "merdeka", "cinta", "katasandi",
    "lumbung", "petani", "nelayan", "sawah", "ikan", "jakarta", "surabaya", "bandung",
    "allahuakbar", "alhamdulillah", "qwerty", "bangsat", "anjing", "garuda", "persija", "persib",
)  # fmt: skip


class PasswordHashing:
    """Hash and check passwords with one fixed set of argon2id parameters."""

    def __init__(self, parameters: Parameters = PRODUCTION_PARAMETERS) -> None:
        self._hasher = PasswordHasher.from_parameters(parameters)
        # Verified when the account does not exist, so "no such user" takes as long as
        # "wrong password" and login timing does not reveal which phone numbers are registered.
        self._dummy_hash = self._hasher.hash("lumbung-dummy-password")

    def hash(self, password: str) -> str:
        """Return the encoded argon2id hash (salt and parameters included) to store."""
        return self._hasher.hash(_normalise(password))

    def verify(self, stored_hash: str, password: str) -> bool:
        """Whether `password` matches; a corrupt or foreign hash is a mismatch, not a crash.

        Over-long input is refused before hashing: no stored password can be that long, and
        hashing megabytes per login attempt would be a cheap denial of service.
        """
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        try:
            return self._hasher.verify(stored_hash, _normalise(password))
        except (VerificationError, InvalidHashError):
            return False

    def verify_dummy(self, password: str) -> bool:
        """Spend the same work as `verify` for an unknown account; always False."""
        self.verify(self._dummy_hash, password)
        return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether `stored_hash` was made with other parameters and should be replaced."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True


def check_password_policy(password: str, known_to_others: Iterable[str] = ()) -> None:
    """Refuse with a 422 `weak-password` what is too short, too long, only digits or guessable.

    All-digit passwords are refused because they are usually a PIN, birth date or the phone
    number itself, and those are the first guesses of anyone holding the phone number.
    `known_to_others` are the account's own details (phone, name): a password built from them
    is guessable by anyone who knows the seller.

    Length and digits are judged on the password as sent, as the API document states them
    (`minLength`, `maxLength`, `pattern`), so a client checking the schema is never surprised;
    NFC is for hashing and the estimate. Only the estimate cannot be stated in the document.
    """
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise _weak(
            Message(
                id=f"Kata sandi harus {MIN_PASSWORD_LENGTH} sampai {MAX_PASSWORD_LENGTH} karakter.",
                en=f"Password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
            )
        )
    if not _NOT_ONLY_DIGITS.search(password):
        raise _weak(
            Message(
                id="Kata sandi tidak boleh hanya berisi angka.",
                en="Password must not consist of digits only.",
            )
        )
    words = [*INDONESIAN_FAVOURITES, *_variants(known_to_others)]
    estimate = zxcvbn(_normalise(password)[:ESTIMATED_PREFIX], user_inputs=words)
    if estimate["score"] < MIN_STRENGTH:
        raise _weak(
            Message(
                id="Kata sandi terlalu mudah ditebak. Pakai beberapa kata acak atau lebih panjang.",
                en="Password is too easy to guess. Use a few random words or make it longer.",
            ),
            score=estimate["score"],
        )


def _variants(details: Iterable[str]) -> list[str]:
    """Each detail whole, without spaces, word by word; a phone also in its local 08… form."""
    words: list[str] = []
    for detail in details:
        text = detail.strip().lower()
        if not text:
            continue
        words += [text, text.replace(" ", ""), *text.split()]
        if text.startswith("+62"):
            words += [text[3:], "0" + text[3:]]
    return words


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def _weak(message: Message, **extra: object) -> InvalidInputError:
    return InvalidInputError("weak-password", message, **extra)
