"""Refuse keys nobody should run with: published examples, placeholders, guessable values.

Why this exists: the example files once shipped 48-54 character placeholders and the settings
checked only length, so `cp .env.example .env` or `kubectl apply -k deploy/k8s` ran with keys
anyone could read in this repository, and anyone could mint an admin token (issue 10). Every
key setting is typed `StrongSecret` (or parsed with `secret_problem`), so a bad key stops the
service at start-up, with the setting's name and how to make a good one.

A key is refused when it
- has leading or trailing whitespace (a copy-paste slip that gives services different keys);
- is one of the example values this repository has ever shipped (`KNOWN_EXAMPLES`, kept even
  after they left the files: copies of them live on in `.env` files and clusters);
- contains a placeholder marker ("change-me", "replace", "example", ...), or reads like words
  ("my-jwt-secret-for-prod": three or more lower-case segments), not like random bytes;
- is shorter than 32 characters, repeats a pattern, runs through a sequence ("abcd...", "1234")
  or has fewer than 128 bits of entropy by the per-character (Shannon) estimate.

`secrets.token_urlsafe(32)` (the command every message suggests) must always pass, so each rule
is chosen to be practically impossible for 32 random bytes: markers are at least 7 characters
and matched only in one case style (about 3e-11 each), the word rule needs every one of three or
more segments without upper-case letters (below 1e-10), runs of 8 equal characters (1e-11) or
60 % sequential neighbours (below 1e-16) do not happen, and the entropy estimate of such a
value is above 180 bits (128 needed). `openssl rand -hex 32` passes too; 16 random bytes do not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from secrets import token_urlsafe
from typing import Annotated

from pydantic import AfterValidator, SecretStr

GENERATE_HINT = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
MIN_LENGTH = 32
MIN_BITS = 128.0

# Every example value the repository has shipped (.env.example, deploy/k8s/secret.yaml, the test
# stack). Add to this list, never remove from it: a value once published stays known.
KNOWN_EXAMPLES = frozenset(
    {
        "change-me-to-a-random-secret-of-32-chars-or-more",
        "change-me-to-another-random-secret-32-chars-or-more",
        "replace-with-a-random-secret-of-at-least-32-characters",
        "replace-with-another-random-secret-of-32-characters",
        "test-payment-provider-secret-0123456789",
    }
)

# At least 7 characters each, so that random bytes practically never contain one (see above).
PLACEHOLDER_MARKERS = (
    "change-me",
    "change_me",
    "changeme",
    "replace",
    "example",
    "secret-of",
    "placeholder",
    "your-secret",
    "your_secret",
    "yoursecret",
    "insecure",
    "not-a-secret",
    "do-not-use",
    "generate",
)
_SEPARATORS = re.compile(r"[\s\-_.:,;]+")
_WORDY_SEGMENT = re.compile(r"[a-z0-9]{1,16}|[A-Z0-9]{1,16}")
_LONG_RUN = re.compile(r"(.)\1{7,}", re.DOTALL)
_SEQUENTIAL_SHARE = 0.6
_MAX_PERIOD = 256  # longer repeats hold 256 characters of their own: not worth the time


class WeakSecretError(ValueError):
    """A key setting that must not be used; raised at start-up, never to a caller."""


def estimated_bits(value: str) -> float:
    """Entropy estimate: the Shannon entropy of the value's characters, times its length.

    It undercounts truly random values a little (a 43-character token_urlsafe(32) scores about
    210 of its 256 bits) and overcounts sentences, which the marker and word rules catch first.
    """
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    per_char = -sum(n / total * math.log2(n / total) for n in counts.values())
    return per_char * total


def _marker(value: str) -> str | None:
    lowered = value.lower()
    for marker in PLACEHOLDER_MARKERS:
        start = lowered.find(marker)
        while start != -1:
            written = value[start : start + len(marker)]
            # People write markers in one case style; random bytes mix cases.
            if written in (marker, marker.upper(), marker.capitalize()):
                return marker
            start = lowered.find(marker, start + 1)
    return None


def _reads_like_words(value: str) -> bool:
    segments = [s for s in _SEPARATORS.split(value) if s]
    return len(segments) >= 3 and all(_WORDY_SEGMENT.fullmatch(s) for s in segments)


def _is_pattern(value: str) -> bool:
    if _LONG_RUN.search(value):
        return True
    length = len(value)
    periods = range(1, min(length // 2, _MAX_PERIOD) + 1)
    if any(value == (value[:period] * length)[:length] for period in periods):
        return True
    steps = sum(abs(ord(a) - ord(b)) <= 1 for a, b in pairwise(value))
    return steps >= _SEQUENTIAL_SHARE * (length - 1)


def _problems(value: str) -> Iterator[str]:
    """Every rule in order, lazily: the caller stops at the first problem."""
    if not value:
        yield "is empty"
    if value != value.strip():
        yield "has leading or trailing whitespace"
    if value in KNOWN_EXAMPLES:
        yield "is an example value published in this repository"
    marker = _marker(value)
    if marker:
        yield f"is a placeholder (contains {marker!r})"
    if _reads_like_words(value):
        yield "reads like words, not like a random key"
    if len(value) < MIN_LENGTH:
        yield f"is {len(value)} characters long; at least {MIN_LENGTH} are needed"
    if _is_pattern(value):
        yield "is a repeating or sequential pattern"
    bits = estimated_bits(value)
    if bits < MIN_BITS:
        yield f"carries about {bits:.0f} bits of entropy; at least {MIN_BITS:.0f} are needed"


def secret_problem(value: str) -> str | None:
    """Why `value` must not be used as a key, or None when it may. Never repeats the value."""
    return next(_problems(value), None)


def check_secret(value: str, what: str = "") -> str:
    """`value` if it is a usable key; otherwise `WeakSecretError` saying why and what to do.

    `what` names the part of a setting that is wrong ("the secret of key 'k1'"); the setting
    itself is named by whoever reports the error (`lumbung_shared.settings.load_settings`).
    """
    problem = secret_problem(value)
    if problem:
        subject = f"{what} " if what else ""
        raise WeakSecretError(f"{subject}{problem}; generate one with: {GENERATE_HINT}")
    return value


def generate_secret() -> str:
    """A fresh key that passes `check_secret` (`token_urlsafe(32)`, drawn again if refused)."""
    while True:
        value = token_urlsafe(32)
        if secret_problem(value) is None:
            return value


def _strong(value: SecretStr) -> SecretStr:
    check_secret(value.get_secret_value())
    return value


def _strong_unless_empty(value: SecretStr) -> SecretStr:
    if value.get_secret_value():
        check_secret(value.get_secret_value())
    return value


StrongSecret = Annotated[SecretStr, AfterValidator(_strong)]
"""A key setting that refuses everything `secret_problem` names."""

StrongSecretOrEmpty = Annotated[SecretStr, AfterValidator(_strong_unless_empty)]
"""A key whose absence switches a feature off (empty); any value given must be strong."""
