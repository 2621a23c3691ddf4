"""Landing a trip: which reservations the actual catch keeps (oldest first) and releases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_listings.domain.landing import LandingReport, Reservation, split_at_landing
from pydantic import ValidationError

T0 = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)


def held(order_id: str, quantity: int, minutes: int) -> Reservation:
    return Reservation(order_id, quantity, T0 + timedelta(minutes=minutes))


def ids(reservations: tuple[Reservation, ...]) -> list[str]:
    return [reservation.order_id for reservation in reservations]


THREE_BUYERS = [held("a", 20, 0), held("b", 20, 1), held("c", 20, 2)]


class TestSplitAtLanding:
    def test_forty_kg_against_sixty_reserved_keeps_the_two_oldest(self) -> None:
        split = split_at_landing(THREE_BUYERS, 40)
        assert ids(split.kept) == ["a", "b"]
        assert ids(split.released) == ["c"]
        assert split.kept_quantity == 40

    def test_an_exact_fit_keeps_everything(self) -> None:
        split = split_at_landing(THREE_BUYERS, 60)
        assert ids(split.kept) == ["a", "b", "c"]
        assert split.released == ()

    def test_a_bigger_catch_keeps_everything_and_leaves_the_rest_on_sale(self) -> None:
        split = split_at_landing(THREE_BUYERS, 100)
        assert ids(split.kept) == ["a", "b", "c"]
        assert 100 - split.kept_quantity == 40

    def test_a_catch_smaller_than_the_oldest_reservation_keeps_none(self) -> None:
        split = split_at_landing(THREE_BUYERS, 19)
        assert split.kept == ()
        assert split.kept_quantity == 0

    def test_nothing_landed_releases_every_reservation_newest_first(self) -> None:
        split = split_at_landing(THREE_BUYERS, 0)
        assert ids(split.released) == ["c", "b", "a"]

    def test_order_of_arrival_decides_not_the_order_given(self) -> None:
        split = split_at_landing(list(reversed(THREE_BUYERS)), 40)
        assert ids(split.kept) == ["a", "b"]

    def test_equal_times_are_ordered_by_order_id(self) -> None:
        same_time = [held("z", 20, 0), held("m", 20, 0), held("b", 20, 0)]
        split = split_at_landing(same_time, 40)
        assert ids(split.kept) == ["b", "m"]
        assert ids(split.released) == ["z"]

    def test_a_newer_smaller_reservation_never_overtakes_an_older_one(self) -> None:
        reservations = [held("old", 30, 0), held("big", 25, 1), held("small", 5, 2)]
        split = split_at_landing(reservations, 40)
        assert ids(split.kept) == ["old"]
        assert ids(split.released) == ["small", "big"]
        assert split.kept_quantity == 30

    def test_no_reservations_keeps_nothing_and_releases_nothing(self) -> None:
        split = split_at_landing([], 40)
        assert (split.kept, split.released) == ((), ())

    def test_a_negative_catch_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            split_at_landing(THREE_BUYERS, -1)


class TestLandingReport:
    def test_whole_kilograms_from_zero(self) -> None:
        assert LandingReport.model_validate({"actual_quantity": 0}).actual_quantity == 0
        assert LandingReport.model_validate({"actual_quantity": 40.0}).actual_quantity == 40

    @pytest.mark.parametrize("body", [{"actual_quantity": -1}, {"actual_quantity": 4.5}, {}])
    def test_refuses_what_is_not_a_landed_quantity(self, body: dict[str, object]) -> None:
        with pytest.raises(ValidationError):
            LandingReport.model_validate(body)

    def test_refuses_other_fields(self) -> None:
        with pytest.raises(ValidationError):
            LandingReport.model_validate({"actual_quantity": 40, "status": "active"})
