"""The trip planner's price figure: per-kg prices of a species group's catch listings, their
median, and how it widens from the regency to the province to the country."""

from __future__ import annotations

from typing import Any

import pytest
from lumbung_shared.fisheries import SpeciesGroup
from lumbung_weather_alerts.domain.catch_prices import (
    CatchPriceEntry,
    ListedCatch,
    PricedListing,
    PriceFigure,
    catch_price_entry,
    median,
    price_per_kg,
    widening_median,
)


def listed(**changes: Any) -> ListedCatch:
    values: dict[str, Any] = {
        "kind": "catch",
        "commodity": "cakalang",
        "unit": "kg",
        "price_per_unit": 34000,
        "status": "active",
        "origin_region": "31.01",
    }
    return ListedCatch(**(values | changes))


def at(regency: str, *prices: int) -> list[PricedListing]:
    return [PricedListing(price, regency, regency.split(".", maxsplit=1)[0]) for price in prices]


class TestPricePerKg:
    def test_a_price_per_kg_is_taken_as_it_is(self) -> None:
        assert price_per_kg(34000, "kg") == 34000

    def test_a_price_per_ton_is_divided_by_a_thousand(self) -> None:
        assert price_per_kg(30_000_000, "ton") == 30000

    def test_a_ton_price_is_rounded_half_up_to_the_rupiah(self) -> None:
        assert price_per_kg(30_000_499, "ton") == 30000
        assert price_per_kg(30_000_500, "ton") == 30001

    @pytest.mark.parametrize("unit", ["ekor", "ikat", "karung", "liter", "buah"])
    def test_a_price_not_per_weight_has_no_price_per_kg(self, unit: str) -> None:
        assert price_per_kg(20000, unit) is None


class TestReadModelEntry:
    def test_a_catch_listing_of_a_group_is_kept_with_its_group_and_place(self) -> None:
        assert catch_price_entry(listed()) == CatchPriceEntry(
            commodity="cakalang",
            group=SpeciesGroup.PELAGIS_BESAR,
            price_per_unit=34000,
            unit="kg",
            price_per_kg=34000,
            regency_code="31.01",
            province_code="31",
            active=True,
        )

    @pytest.mark.parametrize(
        ("commodity", "group"),
        [
            ("tongkol", SpeciesGroup.PELAGIS_BESAR),
            ("teri", SpeciesGroup.PELAGIS_KECIL),
            ("kerapu", SpeciesGroup.DEMERSAL),
        ],
    )
    def test_each_commodity_stands_for_its_group(self, commodity: str, group: SpeciesGroup) -> None:
        entry = catch_price_entry(listed(commodity=commodity))
        assert entry is not None
        assert entry.group is group

    def test_a_per_fish_listing_is_kept_but_has_no_price_per_kg(self) -> None:
        entry = catch_price_entry(listed(unit="ekor", price_per_unit=150000))
        assert entry is not None
        assert (entry.price_per_unit, entry.price_per_kg) == (150000, None)

    def test_a_district_origin_is_kept_under_its_regency(self) -> None:
        entry = catch_price_entry(listed(origin_region="31.01.02"))
        assert entry is not None
        assert (entry.regency_code, entry.province_code) == ("31.01", "31")

    def test_a_province_origin_has_no_regency(self) -> None:
        entry = catch_price_entry(listed(origin_region="31"))
        assert entry is not None
        assert (entry.regency_code, entry.province_code) == (None, "31")

    @pytest.mark.parametrize("status", ["draft", "paused", "sold_out", "archived"])
    def test_only_an_active_listing_is_on_sale(self, status: str) -> None:
        entry = catch_price_entry(listed(status=status))
        assert entry is not None
        assert entry.active is False

    def test_a_catch_commodity_outside_the_groups_is_not_kept(self) -> None:
        assert catch_price_entry(listed(commodity="udang-vaname")) is None

    def test_a_listing_that_is_not_catch_is_not_kept(self) -> None:
        assert catch_price_entry(listed(kind="processed", commodity="cakalang")) is None


class TestMedian:
    def test_an_odd_count_gives_the_middle_price(self) -> None:
        assert median([38000, 30000, 34000]) == 34000

    def test_an_even_count_averages_the_middle_two_and_drops_the_half_rupiah(self) -> None:
        assert median([30000, 34001]) == 32000

    def test_one_mistyped_price_does_not_move_it(self) -> None:
        assert median([30000, 34000, 340000]) == 34000

    def test_no_prices_have_no_median(self) -> None:
        with pytest.raises(ValueError, match="no prices"):
            median([])


class TestWidening:
    def test_a_regency_with_enough_listings_gives_its_own_median(self) -> None:
        listings = at("31.01", 30000, 34000, 38000) + at("31.71", 90000, 90000, 90000)
        assert widening_median(listings, "31.01", 3) == PriceFigure(34000, 3, "regency")

    def test_too_few_in_the_regency_widen_to_the_province(self) -> None:
        listings = at("31.01", 30000, 34000) + at("31.71", 50000) + at("32.02", 1000, 1000)
        assert widening_median(listings, "31.01", 3) == PriceFigure(34000, 3, "province")

    def test_too_few_in_the_province_widen_to_the_country(self) -> None:
        listings = at("31.01", 30000) + at("32.02", 40000) + at("81.72", 50000, 60000)
        assert widening_median(listings, "31.01", 3) == PriceFigure(45000, 4, "national")

    def test_the_country_gives_its_median_even_below_the_minimum(self) -> None:
        assert widening_median(at("81.72", 50000), "31.01", 3) == PriceFigure(50000, 1, "national")

    def test_no_listing_anywhere_gives_no_figure(self) -> None:
        assert widening_median([], "31.01", 3) is None

    def test_without_a_regency_the_figure_is_national(self) -> None:
        listings = at("31.01", 30000, 34000, 38000) + at("81.72", 90000)
        assert widening_median(listings, None, 3) == PriceFigure(36000, 4, "national")

    def test_a_district_code_is_read_as_its_regency(self) -> None:
        listings = at("31.01", 30000, 34000, 38000)
        assert widening_median(listings, "31.01.02", 3) == PriceFigure(34000, 3, "regency")

    def test_a_province_code_starts_at_the_province(self) -> None:
        listings = at("31.01", 30000, 34000) + at("31.71", 50000)
        assert widening_median(listings, "31", 3) == PriceFigure(34000, 3, "province")

    def test_a_listing_naming_only_its_province_counts_there_not_in_a_regency(self) -> None:
        listings = [*at("31.01", 30000, 34000), PricedListing(38000, None, "31")]
        assert widening_median(listings, "31.01", 3) == PriceFigure(34000, 3, "province")

    def test_a_minimum_of_one_keeps_a_lone_local_listing(self) -> None:
        listings = at("31.01", 30000) + at("81.72", 50000)
        assert widening_median(listings, "31.01", 1) == PriceFigure(30000, 1, "regency")

    def test_a_minimum_below_one_is_refused(self) -> None:
        with pytest.raises(ValueError, match="minimum"):
            widening_median(at("31.01", 30000), "31.01", 0)
