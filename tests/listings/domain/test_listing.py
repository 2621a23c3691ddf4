"""What a seller may put on a listing, and how the fields must fit together."""

from datetime import date
from typing import Any

import pytest
from lumbung_listings.domain.listing import (
    Kind,
    ListingDraft,
    Tag,
    Unit,
    apply_patch,
    parse_draft,
    parse_patch,
)
from lumbung_shared.errors import DomainError
from pydantic import ValidationError


def shallots(**changes: Any) -> dict[str, Any]:
    """A farmer in Hulu Sungai Utara listing 100 kg of shallots (domain flow 1)."""
    return {
        "kind": "produce",
        "commodity": "bawang-merah",
        "title": "Bawang Merah Amuntai super",
        "description": "Panen minggu ini, kering angin.",
        "unit": "kg",
        "price_per_unit": 32_000,
        "quantity_available": 100,
        "min_order": 5,
        "grade": "a",
        "origin_region": "63.08.05",
        "harvest_date": date(2026, 11, 20),
        "best_before": date(2026, 12, 20),
        "tags": ["segar", "produk-lokal", "segar"],
    } | changes


def refusal(data: dict[str, Any]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        parse_draft(data)
    assert caught.value.status == 422
    assert caught.value.message.id
    assert caught.value.message.en
    return caught.value


class TestValidDraft:
    def test_is_accepted_and_normalised(self) -> None:
        draft = parse_draft(shallots())
        assert (draft.kind, draft.unit, draft.price_per_unit) == (Kind.PRODUCE, Unit.KG, 32_000)
        assert draft.grade == "A"
        assert draft.tags == [Tag.SEGAR, Tag.PRODUK_LOKAL]

    def test_json_decoded_dates_are_accepted(self) -> None:
        draft = parse_draft(shallots(harvest_date="2026-11-20", best_before="2026-12-20"))
        assert draft.harvest_date == date(2026, 11, 20)

    def test_free_text_grade_is_kept(self) -> None:
        assert parse_draft(shallots(grade="super besar")).grade == "super besar"

    def test_catch_listing_carries_a_catch_date(self) -> None:
        tuna = shallots(
            kind="catch",
            commodity="tuna-sirip-kuning",
            unit="ekor",
            harvest_date=None,
            catch_date=date(2026, 11, 22),
            best_before=None,
            origin_region="21.71.08",
        )
        assert parse_draft(tuna).produced_on == date(2026, 11, 22)

    def test_zero_stock_is_allowed_whatever_the_minimum(self) -> None:
        assert parse_draft(shallots(quantity_available=0)).quantity_available == 0


class TestMassAssignment:
    @pytest.mark.parametrize("field", ["seller_id", "status", "reserved", "sold_count", "id"])
    def test_server_owned_fields_are_refused(self, field: str) -> None:
        with pytest.raises(ValidationError):
            ListingDraft.model_validate(shallots(**{field: "x"}))
        error = refusal(shallots(**{field: "x"}))
        assert error.code == "invalid-listing"
        assert {"field": field, "type": "extra_forbidden"} in error.extra["errors"]


class TestFieldLimits:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("price_per_unit", -1),
            ("price_per_unit", 0),
            ("price_per_unit", 1_000_000_001),
            ("price_per_unit", 32_000.5),
            ("price_per_unit", "32000"),
            ("quantity_available", -5),
            ("quantity_available", 10_000_001),
            ("min_order", 0),
            ("title", "ab"),
            ("title", "x" * 121),
            ("description", "x" * 2001),
            ("grade", "x" * 21),
            ("unit", "sisir"),
            ("kind", "livestock"),
            ("tags", ["gratis-ongkir"]),
            ("tags", ["segar"] * 11),
        ],
    )
    def test_out_of_range_value_is_a_422_naming_the_field(self, field: str, value: object) -> None:
        error = refusal(shallots(**{field: value}))
        assert field in error.message.en

    def test_required_fields_are_required(self) -> None:
        data = shallots()
        del data["origin_region"]
        assert "origin_region" in refusal(data).message.id


class TestCatalogueRules:
    def test_unknown_commodity(self) -> None:
        assert refusal(shallots(commodity="emas")).code == "unknown-commodity"

    def test_unknown_region(self) -> None:
        assert refusal(shallots(origin_region="63.08.99")).code == "unknown-region"

    def test_malformed_region(self) -> None:
        assert refusal(shallots(origin_region="630805")).code == "malformed-region"

    def test_commodity_must_be_of_the_listing_kind(self) -> None:
        error = refusal(shallots(commodity="cakalang"))
        assert error.code == "commodity-kind-mismatch"
        assert error.extra["expected_kind"] == "catch"

    def test_unit_must_suit_the_commodity(self) -> None:
        error = refusal(shallots(unit="liter"))
        assert error.code == "unit-not-allowed"
        assert "kg" in error.extra["allowed_units"]


class TestCrossFieldRules:
    def test_minimum_order_above_stock(self) -> None:
        assert refusal(shallots(min_order=200)).code == "min-order-exceeds-stock"

    def test_best_before_must_follow_the_harvest(self) -> None:
        error = refusal(shallots(best_before=date(2026, 11, 20)))
        assert error.code == "best-before-too-early"

    def test_catch_date_only_on_catch(self) -> None:
        assert refusal(shallots(catch_date=date(2026, 11, 20))).code == "date-not-for-kind"

    def test_harvest_date_not_on_catch(self) -> None:
        tuna = shallots(kind="catch", commodity="cakalang", best_before=None)
        assert refusal(tuna).code == "date-not-for-kind"


class TestPatch:
    def test_applies_only_sent_fields(self) -> None:
        draft = parse_draft(shallots())
        patched = apply_patch(draft, parse_patch({"price_per_unit": 30_000}))
        assert patched.price_per_unit == 30_000
        assert patched.title == draft.title

    def test_null_clears_an_optional_field(self) -> None:
        patched = apply_patch(parse_draft(shallots()), parse_patch({"best_before": None}))
        assert patched.best_before is None

    def test_null_for_a_required_field_is_refused(self) -> None:
        with pytest.raises(DomainError) as caught:
            apply_patch(parse_draft(shallots()), parse_patch({"title": None}))
        assert caught.value.status == 422

    def test_cross_field_rules_apply_to_the_result(self) -> None:
        with pytest.raises(DomainError) as caught:
            apply_patch(parse_draft(shallots()), parse_patch({"quantity_available": 3}))
        assert caught.value.code == "min-order-exceeds-stock"

    def test_field_limits_apply_to_the_patch(self) -> None:
        with pytest.raises(DomainError):
            parse_patch({"price_per_unit": -1})

    def test_server_owned_fields_are_refused(self) -> None:
        with pytest.raises(DomainError) as caught:
            parse_patch({"seller_id": "someone-else"})
        assert caught.value.extra["errors"][0]["type"] == "extra_forbidden"
