"""A buyer's words carry the commodities they name, so either language finds the same goods."""

from lumbung_listings.domain.filters import SearchWord, build_filters, search_words
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.search import SortOrder


class TestSearchWords:
    def test_each_word_carries_the_commodities_whose_names_have_it(self) -> None:
        assert search_words("Bawang merah Brebes") == (
            SearchWord("bawang", frozenset({"bawang-merah", "bawang-putih"})),
            SearchWord("merah", frozenset({"bawang-merah", "cabai-merah"})),
            SearchWord("brebes"),
        )

    def test_an_english_plural_names_the_commodity(self) -> None:
        assert search_words("shallots") == (SearchWord("shallots", frozenset({"bawang-merah"})),)

    def test_no_query_is_no_word_filter(self) -> None:
        assert search_words(None) == search_words("") == ()


class TestBuildFilters:
    def test_a_spelled_commodity_id_filters_by_the_id(self) -> None:
        filters = build_filters(
            allowed=frozenset({Status.ACTIVE}),
            requested=None,
            commodity="Bawang_Merah",
            kind=None,
            region=None,
            price_min=None,
            price_max=None,
            seller_id=None,
            tags=None,
            q="shallot",
            supply_at_risk=None,
            sort=SortOrder.NEWEST,
        )
        assert filters.commodity == "bawang-merah"
        assert filters.words == (SearchWord("shallot", frozenset({"bawang-merah"})),)
