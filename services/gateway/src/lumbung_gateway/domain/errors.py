"""The gateway's kinds of "no", each fixed to one HTTP status.

Domain modules raise these instead of building `DomainError`s by hand so a status can never drift
between two places that mean the same thing (every authentication failure is a 401, every bad
input a 422, every throttle a 429 with a retry hint the web layer turns into `Retry-After`).
"""

from __future__ import annotations

import math

from lumbung_shared.errors import DomainError, Message


class AuthenticationError(DomainError):
    """The caller did not prove who they are; the message never says which part was wrong."""

    def __init__(self, code: str, message: Message) -> None:
        super().__init__(code=code, message=message, status=401)


class InvalidInputError(DomainError):
    """A value from the caller breaks a rule of its shape (phone, password, role)."""

    def __init__(self, code: str, message: Message, **extra: object) -> None:
        super().__init__(code=code, message=message, status=422, extra=dict(extra))


class TooManyRequestsError(DomainError):
    """The caller must wait; `retry_after_seconds` is whole seconds, rounded up, at least 1."""

    def __init__(self, code: str, message: Message, retry_after_seconds: float) -> None:
        seconds = max(1, math.ceil(retry_after_seconds))
        super().__init__(
            code=code,
            message=message,
            status=429,
            extra={"retry_after_seconds": seconds},
        )


class UpstreamUnavailableError(DomainError):
    """An upstream service's circuit is open; failing fast protects it while it recovers."""

    def __init__(self, upstream: str, retry_after_seconds: float) -> None:
        seconds = max(1, math.ceil(retry_after_seconds))
        super().__init__(
            code="upstream-unavailable",
            message=Message(
                id="Layanan sedang tidak tersedia. Silakan coba lagi sebentar lagi.",
                en="The service is temporarily unavailable. Please try again shortly.",
            ),
            status=503,
            extra={"upstream": upstream, "retry_after_seconds": seconds},
        )
