"""The gateway's kinds of "no", each fixed to one HTTP status.

Domain modules raise these instead of building `DomainError`s by hand so a status can never drift
between two places that mean the same thing (every authentication failure is a 401, every bad
input a 422, every throttle a 429 and every upstream refusal or timeout a 503, each with a retry
hint the web layer turns into `Retry-After`).
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


_UNAVAILABLE = Message(
    id="Layanan sedang tidak tersedia. Silakan coba lagi sebentar lagi.",
    en="The service is temporarily unavailable. Please try again shortly.",
)
_BUSY = Message(
    id="Layanan sedang sibuk. Silakan coba lagi sebentar lagi.",
    en="The service is busy. Please try again shortly.",
)
_SLOW = Message(
    id="Layanan tidak menjawab tepat waktu. Silakan coba lagi sebentar lagi.",
    en="The service did not answer in time. Please try again shortly.",
)


def _wait(retry_after_seconds: float) -> int:
    return max(1, math.ceil(retry_after_seconds))


class UpstreamUnavailableError(DomainError):
    """The service's circuit is open, or its connection was refused or dropped: 503 at once.

    Failing fast, with a retry time, protects a service while it recovers.
    """

    def __init__(
        self,
        upstream: str,
        retry_after_seconds: float,
        code: str = "upstream-unavailable",
        message: Message = _UNAVAILABLE,
    ) -> None:
        super().__init__(
            code=code,
            message=message,
            status=503,
            extra={"upstream": upstream, "retry_after_seconds": _wait(retry_after_seconds)},
        )


class UpstreamBusyError(UpstreamUnavailableError):
    """This gateway already has as many requests in flight to the service as it allows.

    Refused before sending, so nothing was done; a queue of waiting requests would only turn
    into timeouts (the services serialise their store calls on one connection, issue 13).
    """

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream, 1, code="upstream-busy", message=_BUSY)


class UpstreamTimeoutError(DomainError):
    """The service did not start its answer in time: 503 with a retry time, never a 504.

    Unlike the refusals above, the service may have done the work (an order may be placed), so
    a client retries with the same Idempotency-Key and gets the stored answer.
    """

    def __init__(self, upstream: str, retry_after_seconds: float) -> None:
        super().__init__(
            code="upstream-timeout",
            message=_SLOW,
            status=503,
            extra={"upstream": upstream, "retry_after_seconds": _wait(retry_after_seconds)},
        )
