"""An account as the gateway knows it: one per phone number, with its role and regions.

The type lives in the domain (not beside its repository) so that use cases and the routes'
views speak about accounts without knowing how they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.errors import NotFoundError

from lumbung_gateway.domain.roles import Role


class AccountNotFoundError(NotFoundError):
    """No such account (or not one the caller may see)."""

    def __init__(self) -> None:
        super().__init__("Akun", "Account")


@dataclass(frozen=True)
class Account:
    """A person (or agency desk) who can sign in."""

    id: str
    phone: str
    password_hash: str
    display_name: str
    role: Role
    regions: tuple[str, ...]
    created_at: datetime
