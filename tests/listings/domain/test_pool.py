"""Specification: a pool's stock is its contributions, sold first contributed, first sold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lumbung_listings.domain.pool import (
    Contribution,
    InsufficientPoolError,
    Share,
    allocate,
    available,
    give_back_shares,
    member_shares,
    stock_by_member,
    withdraw,
)


def pool(*sizes: int) -> list[Contribution]:
    return [Contribution(f"c{i}", f"m{i}", size, size) for i, size in enumerate(sizes)]


class TestPoolSums:
    def test_what_is_on_sale_is_the_sum_of_what_is_left(self) -> None:
        assert available(pool(20, 20, 20, 20, 20)) == 100


class TestFirstInFirstOut:
    def test_the_oldest_contribution_gives_first(self) -> None:
        after, shares = allocate(pool(20, 20, 20, 20, 20), 30)
        assert [(s.member_id, s.quantity) for s in shares] == [("m0", 20), ("m1", 10)]
        assert [c.remaining for c in after] == [0, 10, 20, 20, 20]

    def test_the_next_order_continues_where_the_last_stopped(self) -> None:
        after, _ = allocate(pool(20, 20, 20, 20, 20), 30)
        after, shares = allocate(after, 50)
        assert [(s.member_id, s.quantity) for s in shares] == [("m1", 10), ("m2", 20), ("m3", 20)]
        assert available(after) == 20

    def test_more_than_the_pool_is_refused(self) -> None:
        with pytest.raises(InsufficientPoolError):
            allocate(pool(20, 10), 31)

    def test_two_contributions_of_one_member_are_one_share(self) -> None:
        contributions = [Contribution("a", "m", 5, 5), Contribution("b", "m", 5, 5)]
        _, shares = allocate(contributions, 8)
        assert member_shares(shares) == [("m", 8)]

    @given(
        st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=12),
        st.data(),
    )
    def test_shares_always_sum_to_the_order_and_never_overdraw(
        self, sizes: list[int], data: st.DataObject
    ) -> None:
        contributions = pool(*sizes)
        wanted = data.draw(st.integers(min_value=1, max_value=max(available(contributions), 1)))
        if wanted > available(contributions):
            return
        after, shares = allocate(contributions, wanted)
        assert sum(s.quantity for s in shares) == wanted
        assert available(after) == available(contributions) - wanted
        assert all(c.remaining >= 0 for c in after)


class TestRelease:
    def test_released_units_go_back_to_the_contributions_they_came_from(self) -> None:
        after, shares = allocate(pool(20, 20, 20), 30)
        back, on_sale = give_back_shares(after, shares)
        assert on_sale == 30
        assert [c.remaining for c in back] == [20, 20, 20]

    def test_a_departed_members_units_leave_with_them(self) -> None:
        after, shares = allocate(pool(20, 20, 20), 30)
        left, _ = withdraw(after, "m1")
        back, on_sale = give_back_shares(left, shares)
        assert on_sale == 20
        assert [(c.remaining, c.withdrawn) for c in back] == [(20, 0), (0, 20), (20, 0)]

    def test_a_rejoined_members_new_contribution_is_open_again(self) -> None:
        left, _ = withdraw(pool(20), "m0")
        rejoined = [*left, Contribution("c9", "m0", 5, 5)]
        after, shares = allocate(rejoined, 5)
        back, on_sale = give_back_shares(after, shares)
        assert on_sale == 5
        assert available(back) == 5


class TestLeaving:
    def test_a_leaving_members_unreserved_units_leave_the_pool(self) -> None:
        after, _ = allocate(pool(20, 20, 20), 30)
        left, out = withdraw(after, "m1")
        assert out == 10
        assert available(left) == 20
        assert [(c.withdrawn, c.closed) for c in left] == [(0, False), (10, True), (0, False)]

    def test_leaving_twice_takes_nothing_more(self) -> None:
        left, _ = withdraw(pool(20, 20), "m0")
        again, out = withdraw(left, "m0")
        assert (out, again) == (0, left)


class TestStockByMember:
    def test_each_member_sees_on_sale_held_sold_and_withdrawn(self) -> None:
        contributions = pool(20, 20)
        after, held = allocate(contributions, 25)  # m0 20, m1 5 held for an open order
        after, sold = allocate(after, 5)  # m1 5 more, order since completed (hold dropped)
        del sold
        after, _ = withdraw(after, "m1")
        rows = {r.member_id: r for r in stock_by_member(after, held)}
        assert (rows["m0"].held, rows["m0"].sold, rows["m0"].remaining) == (20, 0, 0)
        assert (rows["m1"].held, rows["m1"].sold, rows["m1"].withdrawn) == (5, 5, 10)

    def test_share_round_trips_through_its_document(self) -> None:
        share = Share("c0", "m0", 3)
        assert Share.of(share.as_doc()) == share
