"""Who reads which payouts: a member their own share, a cooperative its statement, admins any."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.payout_views import (
    aggregator_statement,
    check_period,
    member_entries,
    member_of,
    statement_owner,
)
from lumbung_orders.domain.payouts import reverse_open
from lumbung_shared.errors import DomainError, ForbiddenError
from lumbung_shared.identity import Identity, Role

from tests.orders.domain.test_order_payouts import an_order, delivered

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
COOP = Identity(subject="koperasi-1", role=Role.AGGREGATOR)


def completed() -> list[Order]:
    order = an_order()
    delivered(order)
    return [order]


class TestAMember:
    def test_sees_only_their_own_share(self) -> None:
        [entry] = member_entries(completed(), "m2")

        assert (entry.quantity, entry.amount, entry.fee_basis_points) == (10, 373_747, 250)
        assert entry.status.en == "owed"
        assert "m1" not in entry.model_dump_json()

    def test_is_owed_nothing_once_the_order_is_refunded(self) -> None:
        [order] = completed()
        order.payouts, _ = reverse_open(order.payouts, "damaged", NOW)

        [entry] = member_entries([order], "m2")

        assert (entry.owed, entry.status.en) == (0, "reversed (refunded)")

    def test_only_farmers_and_fishers_have_payouts(self) -> None:
        assert member_of(Identity(subject="f-1", role=Role.FISHER)) == "f-1"
        with pytest.raises(ForbiddenError):
            member_of(Identity(subject="b-1", role=Role.BUYER))


class TestAStatement:
    def test_sums_each_member_and_the_fee(self) -> None:
        statement = aggregator_statement(completed(), "koperasi-1")

        assert (statement.orders, statement.sales, statement.fee) == (1, 1_149_990, 28_750)
        assert [(m.member_id, m.quantity, m.owed) for m in statement.members] == [
            ("m1", 20, 747_493),
            ("m2", 10, 373_747),
        ]
        assert statement.paid_to_members + statement.fee == statement.sales

    def test_is_the_cooperatives_own_unless_an_admin_names_one(self) -> None:
        assert statement_owner(COOP, None) == "koperasi-1"
        assert statement_owner(Identity(subject="a", role=Role.ADMIN), "k-9") == "k-9"
        with pytest.raises(ForbiddenError):
            statement_owner(COOP, "koperasi-2")
        with pytest.raises(ForbiddenError):
            statement_owner(Identity(subject="m1", role=Role.FARMER), "koperasi-1")
        with pytest.raises(DomainError):
            statement_owner(Identity(subject="a", role=Role.ADMIN), None)

    def test_a_period_runs_forward_for_at_most_93_days(self) -> None:
        check_period(NOW, NOW + timedelta(days=93))
        with pytest.raises(DomainError):
            check_period(NOW, NOW + timedelta(days=94))
        with pytest.raises(DomainError):
            check_period(NOW, NOW)
