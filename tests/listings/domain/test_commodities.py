"""The commodity catalogue: real goods, unique codes, and a bilingual 422 for anything else."""

import re

import pytest
from lumbung_listings.domain.commodities import (
    COMMODITIES,
    COMMODITY_CODES,
    commodities_named_by,
    commodities_of,
    get_commodity,
    normalise_code,
    search_catalogue,
)
from lumbung_listings.domain.search import tokens
from lumbung_listings.domain.vocabulary import Kind, Unit
from lumbung_shared.errors import DomainError


class TestCatalogue:
    def test_it_lists_at_least_twenty_commodities(self) -> None:
        assert len(COMMODITIES) >= 20

    def test_codes_are_unique_slugs(self) -> None:
        codes = [c.code for c in COMMODITIES.values()]
        assert len(codes) == len(set(codes))
        assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in codes)

    def test_every_kind_is_represented(self) -> None:
        assert all(commodities_of(kind) for kind in Kind)

    def test_every_default_unit_is_an_allowed_unit(self) -> None:
        assert all(c.allows(c.default_unit) for c in COMMODITIES.values())

    def test_names_exist_in_both_languages(self) -> None:
        assert all(c.name_id and c.name_en for c in COMMODITIES.values())


class TestGetCommodity:
    def test_known_code_returns_the_entry(self) -> None:
        shallot = get_commodity("bawang-merah")
        assert (shallot.name_en, shallot.kind, shallot.default_unit) == (
            "Shallots",
            Kind.PRODUCE,
            Unit.KG,
        )

    def test_catch_and_processed_goods_are_classified(self) -> None:
        assert get_commodity("cakalang").kind is Kind.CATCH
        assert get_commodity("ikan-asin").kind is Kind.PROCESSED

    def test_unknown_code_is_a_bilingual_422(self) -> None:
        with pytest.raises(DomainError) as caught:
            get_commodity("emas-batangan")
        assert caught.value.status == 422
        assert caught.value.code == "unknown-commodity"
        assert "katalog" in caught.value.message.id
        assert "catalogue" in caught.value.message.en

    def test_the_error_names_the_catalogue_route_and_suggests_by_name(self) -> None:
        with pytest.raises(DomainError) as caught:
            get_commodity("shallots")
        assert caught.value.extra["catalogue"] == "/v1/catalogue/commodities"
        assert caught.value.extra["suggestions"] == ["bawang-merah"]

    def test_nothing_is_suggested_for_a_word_no_name_has(self) -> None:
        with pytest.raises(DomainError) as caught:
            get_commodity("emas-batangan")
        assert caught.value.extra["suggestions"] == []
        assert "?" not in caught.value.message.en


class TestSpelledCodes:
    @pytest.mark.parametrize(
        "spelled", ["bawang-merah", "bawang_merah", "bawang merah", "Bawang Merah", " BAWANG_merah"]
    )
    def test_case_spaces_and_underscores_are_forgiven(self, spelled: str) -> None:
        assert normalise_code(spelled) == "bawang-merah"
        assert get_commodity(spelled).code == "bawang-merah"

    def test_a_name_is_not_an_id(self) -> None:
        """`shallots` names bawang-merah, but ids are not guessed from names."""
        with pytest.raises(DomainError):
            get_commodity("shallots")

    def test_codes_are_listed_in_catalogue_order(self) -> None:
        assert COMMODITY_CODES[0] == "beras"
        assert set(COMMODITY_CODES) == set(COMMODITIES)


class TestCommoditiesNamedByAWord:
    @pytest.mark.parametrize("word", ["shallot", "shallots", "bawang", "merah"])
    def test_indonesian_and_english_words_and_plurals_name_shallots(self, word: str) -> None:
        assert "bawang-merah" in commodities_named_by(word)

    def test_a_shared_word_names_every_commodity_that_has_it(self) -> None:
        assert commodities_named_by("merah") == {"bawang-merah", "cabai-merah"}
        assert commodities_named_by("tuna") == {"tuna-sirip-kuning", "cakalang", "tongkol"}

    def test_english_plurals_in_ies_and_oes(self) -> None:
        assert commodities_named_by("anchovy") == {"teri"}
        assert commodities_named_by("tomato") == {"tomat"}

    def test_a_word_of_no_name_names_nothing(self) -> None:
        assert commodities_named_by("brebes") == frozenset()

    def test_every_commodity_is_named_by_the_words_of_both_its_names(self) -> None:
        for commodity in COMMODITIES.values():
            for word in tokens(f"{commodity.name_id} {commodity.name_en}"):
                assert commodity.code in commodities_named_by(word), (commodity.code, word)


class TestCatalogueSearch:
    def test_without_filters_it_is_the_whole_catalogue_in_order(self) -> None:
        assert [c.code for c in search_catalogue()] == list(COMMODITY_CODES)

    @pytest.mark.parametrize("q", ["bawang merah", "Shallot", "shallots", "baw mer"])
    def test_words_or_their_beginnings_in_either_language(self, q: str) -> None:
        assert [c.code for c in search_catalogue(q)] == ["bawang-merah"]

    def test_by_kind(self) -> None:
        found = search_catalogue(kind=Kind.PROCESSED)
        assert found == commodities_of(Kind.PROCESSED)

    def test_words_and_kind_together(self) -> None:
        assert [c.code for c in search_catalogue("ikan", Kind.CATCH)] == [
            "kembung",
            "kerapu",
            "teri",
        ]
        assert search_catalogue("tuna", Kind.PRODUCE) == []
