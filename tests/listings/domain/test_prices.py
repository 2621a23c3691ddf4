"""The price board: median, min, max and count per commodity, regency and unit."""

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_listings.domain.prices import PricePoint, PriceRow, median_price, price_board
from lumbung_listings.domain.vocabulary import Unit

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def row(price: int, days_ago: float = 1, regency: str = "63.08", unit: Unit = Unit.KG) -> PriceRow:
    return PriceRow("bawang-merah", regency, price, unit, NOW - timedelta(days=days_ago))


class TestMedian:
    def test_odd_count_is_the_middle_price(self) -> None:
        assert median_price([40_000, 30_000, 35_000]) == 35_000

    def test_even_count_floors_the_mean_of_the_middle_two(self) -> None:
        assert median_price([30_000, 35_001, 40_000, 10_000]) == 32_500

    def test_no_prices_no_median(self) -> None:
        assert median_price([]) is None

    def test_one_mistyped_price_does_not_move_it(self) -> None:
        assert median_price([30_000, 32_000, 320_000]) == 32_000


class TestPriceBoard:
    def test_summarises_a_regency(self) -> None:
        board = price_board([row(30_000), row(34_000), row(32_000)], NOW)
        assert board == [PricePoint("bawang-merah", "63.08", Unit.KG, 32_000, 30_000, 34_000, 3)]

    def test_counts_only_the_last_thirty_days(self) -> None:
        rows = [row(10_000, days_ago=31), row(30_000, days_ago=30), row(40_000, days_ago=0)]
        (point,) = price_board(rows, NOW)
        assert (point.count, point.min, point.median) == (2, 30_000, 35_000)

    def test_ignores_rows_from_the_future(self) -> None:
        assert price_board([row(30_000, days_ago=-1)], NOW) == []

    def test_keeps_units_and_regencies_apart(self) -> None:
        rows = [row(30_000), row(900, unit=Unit.IKAT), row(28_000, regency="63.07")]
        keys = [(p.regency, p.unit) for p in price_board(rows, NOW)]
        assert keys == [("63.07", Unit.KG), ("63.08", Unit.IKAT), ("63.08", Unit.KG)]

    def test_rolls_districts_up_to_their_regency(self) -> None:
        (point,) = price_board([row(30_000, regency="63.08.05"), row(32_000)], NOW)
        assert (point.regency, point.count) == ("63.08", 2)

    def test_no_rows_no_board(self) -> None:
        assert price_board([], NOW) == []

    def test_requires_an_aware_now(self) -> None:
        with pytest.raises(ValueError, match="timezone"):
            price_board([], datetime(2026, 11, 23))
