"""The payout split: exact integer rupiah by largest remainder, fee first on ties."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lumbung_orders.domain.payouts import (
    AggregatorTerms,
    MemberShare,
    SharesMismatchError,
    accrue,
    checked_shares,
    reverse_open,
    split,
)

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
TERMS = AggregatorTerms(aggregator_id="koperasi-1", fee_basis_points=500, pooled=True)


def shares(*quantities: int) -> list[MemberShare]:
    return [MemberShare(member_id=f"m{i}", quantity=q) for i, q in enumerate(quantities, 1)]


class TestTheSplit:
    def test_a_pool_splits_by_units_after_the_fee(self) -> None:
        # 30 kg at 40 000: 20 kg from m1 and 10 kg from m2, 5 % fee.
        parts = split(1_200_000, 500, shares(20, 10))

        assert parts.fee == 60_000
        assert [s.amount for s in parts.shares] == [760_000, 380_000]

    def test_left_over_rupiah_go_to_the_largest_remainders(self) -> None:
        # 100 rupiah, 1/3 each, no fee: 33.33 each, the first member takes the last rupiah.
        parts = split(100, 0, shares(1, 1, 1))

        assert [s.amount for s in parts.shares] == [34, 33, 33]
        assert parts.fee == 0

    def test_on_a_tie_the_fee_comes_first(self) -> None:
        # 1 rupiah, fee 50 %: fee quota 0.5, member quota 0.5: the fee takes it.
        parts = split(1, 5000, shares(1))

        assert (parts.fee, parts.shares[0].amount) == (1, 0)

    def test_no_fee_one_member_takes_it_all(self) -> None:
        assert split(999, 0, shares(7)).shares[0].amount == 999

    def test_units_that_do_not_sum_to_the_line_are_refused(self) -> None:
        with pytest.raises(SharesMismatchError):
            checked_shares(30, shares(20, 5))

    def test_a_split_needs_someone_to_pay(self) -> None:
        with pytest.raises(SharesMismatchError):
            split(100, 0, [])


@given(
    total=st.integers(min_value=0, max_value=10**13),
    fee_basis_points=st.integers(min_value=0, max_value=5000),
    quantities=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=40),
)
def test_every_split_is_exact_never_negative_and_within_a_rupiah_of_its_quota(
    total: int, fee_basis_points: int, quantities: list[int]
) -> None:
    parts = split(total, fee_basis_points, shares(*quantities))

    units = sum(quantities)
    fee_quota = Fraction(total * fee_basis_points, 10_000)
    quotas = [(total - fee_quota) * Fraction(q, units) for q in quantities]
    amounts = [s.amount for s in parts.shares]
    assert parts.fee + sum(amounts) == total
    assert parts.fee >= 0
    assert all(amount >= 0 for amount in amounts)
    assert abs(parts.fee - fee_quota) < 1
    assert all(abs(amount - quota) < 1 for amount, quota in zip(amounts, quotas, strict=True))
    assert [s.quantity for s in parts.shares] == quantities


class TestTheLedger:
    def test_a_payout_reverses_once(self) -> None:
        payout = accrue("l-1", TERMS, 1000, shares(1, 1), NOW)

        once, listing_ids = reverse_open([payout], "damaged", NOW)
        twice, again = reverse_open(once, "damaged", NOW)

        assert listing_ids == ["l-1"]
        assert once[0].reversal_reason == "damaged"
        assert again == []
        assert twice == once
