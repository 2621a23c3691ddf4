"""Kemendagri region codes: shipped catalogue, validation, ancestors for prefix filters."""

import pytest
from lumbung_listings.domain.regions import (
    RegionCatalogue,
    RegionLevel,
    ancestors,
    default_catalogue,
    name,
    validate_region,
)
from lumbung_shared.errors import DomainError
from lumbung_shared.regions import regency_of


class TestShippedCatalogue:
    def test_has_all_38_provinces(self) -> None:
        assert len(default_catalogue().of_level(RegionLevel.PROVINCE)) == 38

    def test_has_every_regency_and_city(self) -> None:
        assert len(default_catalogue().of_level(RegionLevel.REGENCY)) == 514

    def test_names_the_seed_regions(self) -> None:
        assert name("63.08") == "Kabupaten Hulu Sungai Utara"
        assert name("31.01") == "Kabupaten Administrasi Kepulauan Seribu"
        assert name("21.71") == "Kota Batam"
        assert name("96") == "Papua Barat Daya"

    @pytest.mark.parametrize(("regency", "districts"), [("63.08", 10), ("31.01", 2), ("21.71", 12)])
    def test_has_the_districts_of_the_seed_regencies(self, regency: str, districts: int) -> None:
        children = default_catalogue().children(regency)
        assert len(children) == districts
        assert all(child.level is RegionLevel.DISTRICT for child in children)

    def test_is_loaded_once(self) -> None:
        assert default_catalogue() is default_catalogue()


class TestValidateRegion:
    @pytest.mark.parametrize("code", ["63", "63.08", "63.08.01", "21.71.10"])
    def test_known_codes_pass(self, code: str) -> None:
        assert validate_region(code) == code

    @pytest.mark.parametrize("code", ["6308", "63.8", "63.08.1", "63-08", "", " 63", "ab.cd", 63])
    def test_malformed_codes_are_422(self, code: object) -> None:
        with pytest.raises(DomainError) as caught:
            validate_region(code)
        assert (caught.value.status, caught.value.code) == (422, "malformed-region")
        assert "format" in caught.value.message.id

    @pytest.mark.parametrize("code", ["99", "63.99", "63.08.99"])
    def test_unknown_codes_are_422(self, code: str) -> None:
        with pytest.raises(DomainError) as caught:
            validate_region(code)
        assert (caught.value.status, caught.value.code) == (422, "unknown-region")
        assert "tidak dikenal" in caught.value.message.id
        assert "unknown" in caught.value.message.en


class TestAncestors:
    def test_district_lists_province_regency_and_itself(self) -> None:
        assert ancestors("63.08.01") == ["63", "63.08", "63.08.01"]

    def test_province_is_its_own_only_ancestor(self) -> None:
        assert ancestors("31") == ["31"]

    def test_unknown_code_is_refused(self) -> None:
        with pytest.raises(DomainError):
            ancestors("63.08.77")

    def test_regency_of_rolls_districts_up(self) -> None:
        assert regency_of("21.71.10") == "21.71"
        assert regency_of("21.71") == "21.71"
        assert regency_of("21") is None


class TestCatalogueIntegrity:
    def test_orphaned_code_is_refused(self) -> None:
        with pytest.raises(ValueError, match="no parent"):
            RegionCatalogue.from_rows([("63", "Kalsel"), ("63.08.01", "Danau Panggang")])

    def test_malformed_code_is_refused(self) -> None:
        with pytest.raises(ValueError, match="malformed"):
            RegionCatalogue.from_rows([("6308", "x")])


class TestRegionsUnder:
    def test_no_parent_is_the_provinces(self) -> None:
        provinces = default_catalogue().under(None)
        assert len(provinces) == 38
        assert all(region.parent is None for region in provinces)

    def test_a_province_lists_its_regencies_with_their_parent(self) -> None:
        regencies = default_catalogue().under("63")
        assert "63.08" in [region.code for region in regencies]
        assert {(region.level, region.parent) for region in regencies} == {
            (RegionLevel.REGENCY, "63")
        }

    def test_a_regency_lists_its_districts(self) -> None:
        assert len(default_catalogue().under("21.71")) == 12

    def test_an_unknown_parent_is_not_found(self) -> None:
        with pytest.raises(DomainError) as caught:
            default_catalogue().under("99")
        assert caught.value.status == 404
