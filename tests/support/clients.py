"""Callers of the running stack: tokens for each role and HTTP clients."""

from __future__ import annotations

from uuid import uuid4

from devstack.stack import Stack
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer


def token_for(
    stack: Stack, role: str, subject: str | None = None, regions: tuple[str, ...] = ()
) -> str:
    """An access token signed with the stack's active key, as the gateway will verify it."""
    issuer = TokenIssuer(
        KeySet.from_setting(stack.secrets.jwt_keys), "https://lumbung.id", "lumbung-api"
    )
    return issuer.issue(subject or f"{role}-{uuid4().hex[:8]}", Role(role), regions)


def bearer(stack: Stack, role: str, subject: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(stack, role, subject)}"}
