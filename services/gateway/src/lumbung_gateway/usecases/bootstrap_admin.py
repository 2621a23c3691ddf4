"""The first admin account, from `GATEWAY_BOOTSTRAP_ADMIN_PHONE` / `_PASSWORD`.

Someone has to create the first agency and admin accounts, and only admins may. At start-up the
gateway creates an admin with the configured phone number unless an account with that number
exists already; it never changes an existing account, so the environment cannot be used to
take one over.
"""

from __future__ import annotations

import logging

from lumbung_shared.errors import ConflictError

from lumbung_gateway.domain.roles import Role
from lumbung_gateway.settings import GatewaySettings
from lumbung_gateway.usecases.accounts import Accounts, NewAccount

log = logging.getLogger(__name__)
BOOTSTRAP_REGIONS: tuple[str, ...] = ()  # an admin is not bound to a region


async def ensure_bootstrap_admin(settings: GatewaySettings, accounts: Accounts) -> None:
    """Create the configured first admin if both settings are present and it does not exist."""
    phone, password = settings.bootstrap_admin_phone, settings.bootstrap_admin_password
    if not phone or password is None:
        return
    new = NewAccount.of(phone, password.get_secret_value(), "Admin", Role.ADMIN, BOOTSTRAP_REGIONS)
    if await accounts.exists(new.phone):
        return
    try:
        account = await accounts.register(new, created_by="bootstrap")
    except ConflictError:
        return  # another gateway instance created it at the same moment
    log.info("bootstrap admin created", extra={"account_id": account.id})
