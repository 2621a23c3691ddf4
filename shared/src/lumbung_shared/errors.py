"""Domain errors that carry their own bilingual message and HTTP status.

Domain code raises these without knowing about HTTP; the web layer turns any of them into an
RFC 9457 problem+json response in the caller's language. One type for every service keeps
error handling one way across the codebase.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """A user-facing sentence in Indonesian (default) and English."""

    id: str
    en: str

    def pick(self, language: str) -> str:
        """Return the English text for `en`, Indonesian for everything else."""
        return self.en if language == "en" else self.id


@dataclass
class DomainError(Exception):
    """A rule of the marketplace said no.

    `code` is stable and becomes the problem `type` suffix; `status` is the HTTP status the web
    layer answers with; `extra` adds machine-readable members to the problem document.
    """

    code: str
    message: Message
    status: int = 400
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message.en}"


class NotFoundError(DomainError):
    """The object does not exist, or the caller may not know that it does (BOLA: 404 not 403)."""

    def __init__(self, what_id: str, what_en: str) -> None:
        super().__init__(
            code="not-found",
            message=Message(id=f"{what_id} tidak ditemukan.", en=f"{what_en} not found."),
            status=404,
        )


class ConflictError(DomainError):
    """The request clashes with the object's current state."""

    def __init__(self, code: str, message: Message, **extra: Any) -> None:
        super().__init__(code=code, message=message, status=409, extra=extra)


class ForbiddenError(DomainError):
    """The caller is known but their role may not do this."""

    def __init__(self, message: Message | None = None) -> None:
        super().__init__(
            code="forbidden",
            message=message
            or Message(
                id="Anda tidak berhak melakukan tindakan ini.",
                en="You are not allowed to do this.",
            ),
            status=403,
        )


class FieldError(ValueError):
    """A field validator's "no", with its bilingual sentence.

    Raise it inside a pydantic validator (it is a `ValueError`, so pydantic collects it with every
    other field error of the body instead of stopping at the first); the problem+json handler
    renders `message` in the caller's language for that field. `code` becomes the error's `type`.
    """

    def __init__(self, code: str, message: Message, **extra: Any) -> None:
        super().__init__(message.en)
        self.code = code
        self.message = message
        self.extra = extra
