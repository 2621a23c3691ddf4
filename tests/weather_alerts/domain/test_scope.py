"""Specification: an agency acts only for its regions (`domain.scope`); admins everywhere."""

from __future__ import annotations

import pytest
from lumbung_shared.identity import Identity, Role
from lumbung_weather_alerts.domain.scope import RegionOutOfScopeError, RegionScope
from lumbung_weather_alerts.domain.zones import BoundingBox, Zone

BOX = BoundingBox(south=-3.5, west=114.5, north=-2.0, east=116.5)


def agency(*regions: str) -> Identity:
    return Identity(subject="bpbd-hsu", role=Role.AGENCY, regions=list(regions))


def zone(*regency_codes: str) -> Zone:
    return Zone(
        id="perairan-uji",
        name_id="Perairan uji",
        name_en="Test waters",
        bbox=BOX,
        regency_codes=regency_codes,
    )


HULU_SUNGAI_UTARA = RegionScope.of(agency("63.08"))


class TestCoverage:
    def test_a_region_covers_itself(self) -> None:
        assert HULU_SUNGAI_UTARA.covers("63.08")

    def test_a_region_covers_what_lies_inside_it(self) -> None:
        assert HULU_SUNGAI_UTARA.covers("63.08.01")
        assert RegionScope.of(agency("63")).covers("63.08")

    def test_containment_is_by_whole_segments_not_characters(self) -> None:
        assert not RegionScope(regions=("63.1",)).covers("63.10")
        assert not RegionScope(regions=("6",)).covers("63")

    def test_a_wider_region_is_not_covered_by_a_narrower_one(self) -> None:
        assert not HULU_SUNGAI_UTARA.covers("63")

    def test_neighbours_and_other_provinces_are_not_covered(self) -> None:
        assert not HULU_SUNGAI_UTARA.covers("63.09")
        assert not HULU_SUNGAI_UTARA.covers("94.98")
        assert not HULU_SUNGAI_UTARA.covers("00")

    def test_any_of_several_regions_is_enough(self) -> None:
        scope = RegionScope.of(agency("63.08", "94"))
        assert scope.covers("94.98")
        assert not scope.covers("81.05")


class TestWhoIsUnrestricted:
    def test_an_admin_covers_every_code(self) -> None:
        admin = Identity(subject="admin-1", role=Role.ADMIN, regions=[])
        scope = RegionScope.of(admin)
        assert scope.unrestricted
        assert scope.covers("94.98")

    def test_internal_workers_cover_every_code(self) -> None:
        assert RegionScope.everywhere().covers("81.05")

    def test_an_agency_with_no_regions_covers_nothing(self) -> None:
        scope = RegionScope.of(agency())
        assert not scope.unrestricted
        assert not scope.covers("63.08")

    def test_malformed_regions_from_the_header_grant_nothing(self) -> None:
        scope = RegionScope.of(agency("", "6", "63.", "*"))
        assert scope.regions == ()
        assert not scope.covers("63.08")


class TestReportingForAZone:
    def test_a_zone_entirely_inside_the_scope_may_be_reported(self) -> None:
        RegionScope.of(agency("63.08", "63.09")).check_zone(zone("63.08", "63.09"))
        RegionScope.of(agency("63")).check_zone(zone("63.08", "63.09"))

    def test_a_foreign_zone_is_refused_with_a_bilingual_403(self) -> None:
        with pytest.raises(RegionOutOfScopeError) as refused:
            HULU_SUNGAI_UTARA.check_zone(zone("94.98"))
        error = refused.value
        assert (error.status, error.code) == (403, "region-out-of-scope")
        assert "94.98" in error.message.id
        assert "94.98" in error.message.en
        assert error.extra == {"zone_id": "perairan-uji", "regions_outside": ["94.98"]}

    def test_a_zone_only_partly_inside_is_refused(self) -> None:
        """Its alert reaches the other regency too, whose agency has not spoken."""
        with pytest.raises(RegionOutOfScopeError) as refused:
            HULU_SUNGAI_UTARA.check_zone(zone("63.08", "63.09", "63.10"))
        assert refused.value.extra["regions_outside"] == ["63.09", "63.10"]

    def test_a_district_scope_does_not_reach_its_regency_s_zone(self) -> None:
        with pytest.raises(RegionOutOfScopeError):
            RegionScope.of(agency("63.08.01")).check_zone(zone("63.08"))

    def test_an_admin_reports_for_any_zone(self) -> None:
        RegionScope.everywhere().check_zone(zone("94.98", "81.05"))


class TestSubscribingToPrefixes:
    def test_prefixes_at_or_inside_the_scope_are_allowed(self) -> None:
        HULU_SUNGAI_UTARA.check_prefixes(["63.08", "63.08.01"])

    @pytest.mark.parametrize(
        ("prefixes", "outside"),
        [
            (["63"], ["63"]),  # wider than the scope
            (["81.05"], ["81.05"]),  # another province
            (["00"], ["00"]),  # not a region at all
            (["63.08", "94", "94"], ["94"]),  # one bad prefix spoils the request
        ],
    )
    def test_foreign_or_wider_prefixes_are_refused(
        self, prefixes: list[str], outside: list[str]
    ) -> None:
        with pytest.raises(RegionOutOfScopeError) as refused:
            HULU_SUNGAI_UTARA.check_prefixes(prefixes)
        assert refused.value.status == 403
        assert refused.value.extra == {"regions_outside": outside}

    def test_an_admin_subscribes_to_anything(self) -> None:
        RegionScope.everywhere().check_prefixes(["00", "63"])
