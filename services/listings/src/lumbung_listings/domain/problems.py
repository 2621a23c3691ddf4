"""Short constructors for the bilingual errors this domain raises.

Every rule violation needs a stable code, an Indonesian and an English sentence and an HTTP
status; building them in one place keeps the call sites to one readable line each.
"""

from __future__ import annotations

from typing import Any

from lumbung_shared.errors import DomainError, FieldError, Message, NotFoundError

UNPROCESSABLE = 422
UNSUPPORTED_MEDIA_TYPE = 415
CONTENT_TOO_LARGE = 413


def invalid(code: str, id_text: str, en_text: str, **extra: Any) -> DomainError:
    """A 422: the input is well-formed HTTP but breaks a marketplace rule."""
    return DomainError(
        code=code, message=Message(id=id_text, en=en_text), status=UNPROCESSABLE, extra=extra
    )


def unsupported(code: str, id_text: str, en_text: str, **extra: Any) -> DomainError:
    """A 415: the content is of a kind the marketplace does not accept at all."""
    return DomainError(
        code=code,
        message=Message(id=id_text, en=en_text),
        status=UNSUPPORTED_MEDIA_TYPE,
        extra=extra,
    )


def too_large(code: str, id_text: str, en_text: str, **extra: Any) -> DomainError:
    """A 413: the content is bigger than a rural phone should ever need to send."""
    return DomainError(
        code=code, message=Message(id=id_text, en=en_text), status=CONTENT_TOO_LARGE, extra=extra
    )


def as_field_error(error: DomainError) -> FieldError:
    """The same refusal raised inside a pydantic validator, so it joins the body's other errors."""
    return FieldError(error.code, error.message, **error.extra)


class ListingNotFoundError(NotFoundError):
    """No such listing, or the caller may not know that it exists (404, never 403)."""

    def __init__(self) -> None:
        super().__init__("Iklan", "Listing")


class PhotoNotFoundError(NotFoundError):
    """No such photo on the listing."""

    def __init__(self) -> None:
        super().__init__("Foto", "Photo")
