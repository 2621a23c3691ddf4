"""The commodity catalogue: real goods, unique codes, and a bilingual 422 for anything else."""

import re

import pytest
from lumbung_listings.domain.commodities import COMMODITIES, commodities_of, get_commodity
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
