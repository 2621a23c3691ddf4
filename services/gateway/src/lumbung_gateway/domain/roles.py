"""Who a user is in the marketplace, and which of those roles anyone may claim for themselves.

Self-registration must never hand out authority: farmers, fishers, buyers and aggregators
(cooperatives, whose authority over a member's stock comes only from that member accepting
their invitation, checked by the listings service) sign up on their own, while agency
(government extension/fisheries staff with regional data access) and admin accounts are
created by an admin. Keeping that rule here, next to the enum, means a new role is
private until someone decides otherwise.

`Role` is the shared enum the services authorise with (`lumbung_shared.identity.Role`), so
the role in a token and the role a service checks can never drift apart. It includes
`anonymous`, which describes a caller without credentials and is never an account's role:
`ACCOUNT_ROLES` lists the roles an account (and a token) may hold.
"""

from __future__ import annotations

from lumbung_shared.errors import Message
from lumbung_shared.identity import Role

from lumbung_gateway.domain.errors import InvalidInputError

__all__ = [
    "ACCOUNT_ROLES",
    "ADMIN_CREATED_ROLES",
    "SELF_REGISTRABLE_ROLES",
    "SELLER_ROLES",
    "Role",
    "can_self_register",
    "is_seller",
    "parse_self_registration_role",
]

ACCOUNT_ROLES: frozenset[Role] = frozenset(
    {Role.FARMER, Role.FISHER, Role.BUYER, Role.AGGREGATOR, Role.AGENCY, Role.ADMIN}
)
"""Roles an account or access token may carry (everything but anonymous)."""

ADMIN_CREATED_ROLES: frozenset[Role] = frozenset({Role.AGENCY, Role.ADMIN})
"""Roles only an admin may hand out."""

SELF_REGISTRABLE_ROLES: frozenset[Role] = frozenset(
    {Role.FARMER, Role.FISHER, Role.BUYER, Role.AGGREGATOR}
)
"""Roles a person may pick on the public sign-up form."""

SELLER_ROLES: frozenset[Role] = frozenset({Role.FARMER, Role.FISHER})
"""Roles that may publish listings and receive orders."""


def can_self_register(role: Role) -> bool:
    """Whether `role` may be chosen on public sign-up (never agency or admin)."""
    return role in SELF_REGISTRABLE_ROLES


def is_seller(role: Role) -> bool:
    """Whether `role` sells produce or catch."""
    return role in SELLER_ROLES


def parse_self_registration_role(value: str) -> Role:
    """Turn sign-up input into a role, refusing unknown and privileged roles alike with a 422.

    Both cases get the same message so the form does not advertise which privileged roles exist.
    """
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role is None or not can_self_register(role):
        raise InvalidInputError(
            "invalid-role",
            Message(
                id="Peran harus salah satu dari: farmer (petani), fisher (nelayan), "
                "buyer (pembeli), aggregator (koperasi/pengepul).",
                en="Role must be one of: farmer, fisher, buyer, aggregator.",
            ),
        )
    return role
