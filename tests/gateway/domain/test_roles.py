"""Specification: who may sign up as what, and who sells."""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.roles import (
    ACCOUNT_ROLES,
    Role,
    can_self_register,
    is_seller,
    parse_self_registration_role,
)
from lumbung_shared.errors import DomainError


class TestSelfRegistration:
    @pytest.mark.parametrize("role", [Role.FARMER, Role.FISHER, Role.BUYER, Role.AGGREGATOR])
    def test_public_roles_may_sign_up(self, role: Role) -> None:
        assert can_self_register(role)
        assert parse_self_registration_role(role.value) is role

    @pytest.mark.parametrize("value", ["agency", "admin", "ADMIN", "superuser", ""])
    def test_privileged_and_unknown_roles_are_refused_alike(self, value: str) -> None:
        with pytest.raises(DomainError) as caught:
            parse_self_registration_role(value)
        assert (caught.value.status, caught.value.code) == (422, "invalid-role")
        assert "admin" not in caught.value.message.en
        assert "agency" not in caught.value.message.en


class TestAccountRoles:
    def test_every_role_but_anonymous_is_an_account_role(self) -> None:
        assert frozenset(Role) - ACCOUNT_ROLES == {Role.ANONYMOUS}


class TestSellers:
    def test_farmers_and_fishers_sell_in_their_own_name(self) -> None:
        """An aggregator sells only for its members; listings decides that per route."""
        assert {role for role in Role if is_seller(role)} == {Role.FARMER, Role.FISHER}
