"""What a seller may put on a listing, and how the fields must fit together.

Every refusal is a pydantic field error; catalogue and cross-field rules carry a `FieldError`
(bilingual message, stable code), and one validation reports every wrong field at once.
"""

from datetime import date
from typing import Any

import pytest
from lumbung_listings.domain.listing import (
    InvalidEditError,
    Kind,
    ListingDraft,
    ListingPatch,
    Tag,
    Unit,
    apply_patch,
)
from lumbung_shared.errors import FieldError
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


def parse_draft(data: dict[str, Any]) -> ListingDraft:
    return ListingDraft.model_validate(data)


def parse_patch(data: dict[str, Any]) -> ListingPatch:
    return ListingPatch.model_validate(data)


def field_errors(data: dict[str, Any]) -> dict[str, str]:
    """The refused fields of a draft and each one's code (`FieldError`) or pydantic type."""
    with pytest.raises(ValidationError) as caught:
        parse_draft(data)
    return {
        ".".join(str(part) for part in error["loc"]): code_of(error)
        for error in caught.value.errors()
    }


def code_of(error: Any) -> str:
    cause = error.get("ctx", {}).get("error")
    return cause.code if isinstance(cause, FieldError) else str(error["type"])


def refusal(data: dict[str, Any]) -> FieldError:
    """The one catalogue or cross-field rule that refuses `data`."""
    with pytest.raises(ValidationError) as caught:
        parse_draft(data)
    causes = [error.get("ctx", {}).get("error") for error in caught.value.errors()]
    assert len(causes) == 1
    cause = causes[0]
    assert isinstance(cause, FieldError)
    assert cause.message.id
    assert cause.message.en
    return cause


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

    def test_a_whole_number_written_with_a_fraction_is_an_integer(self) -> None:
        """JSON (and JSON Schema) count `32000.0` as the integer 32000."""
        draft = parse_draft(shallots(price_per_unit=32000.0, quantity_available=100.0))
        assert (draft.price_per_unit, draft.quantity_available) == (32000, 100)
        assert type(draft.price_per_unit) is int

    def test_zero_stock_is_allowed_whatever_the_minimum(self) -> None:
        assert parse_draft(shallots(quantity_available=0)).quantity_available == 0


class TestMassAssignment:
    @pytest.mark.parametrize("field", ["seller_id", "status", "reserved", "sold_count", "id"])
    def test_server_owned_fields_are_refused(self, field: str) -> None:
        assert field_errors(shallots(**{field: "x"})) == {field: "extra_forbidden"}


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
    def test_out_of_range_value_is_refused_on_its_field(self, field: str, value: object) -> None:
        refused = field_errors(shallots(**{field: value}))
        assert [loc.split(".")[0] for loc in refused] == [field]  # `tags.0` for a tag

    def test_required_fields_are_required(self) -> None:
        data = shallots()
        del data["origin_region"]
        assert field_errors(data) == {"origin_region": "missing"}


class TestAllErrorsAtOnce:
    def test_every_wrong_field_is_reported_in_one_validation(self) -> None:
        data = shallots(
            commodity="emas",
            title="ab",
            price_per_unit=0,
            origin_region="63.08.99",
            catch_date=date(2026, 11, 21),
            seller_id="someone-else",
        )
        assert field_errors(data) == {
            "commodity": "unknown-commodity",
            "title": "too_short",
            "price_per_unit": "greater_than_equal",
            "origin_region": "unknown-region",
            "catch_date": "date-not-for-kind",
            "seller_id": "extra_forbidden",
        }

    def test_a_rule_on_a_wrong_field_is_not_reported_twice(self) -> None:
        """An unknown commodity is one error, not also a unit that does not suit it."""
        assert field_errors(shallots(commodity="emas", unit="liter")) == {
            "commodity": "unknown-commodity"
        }

    def test_cross_field_rules_are_reported_together(self) -> None:
        data = shallots(unit="liter", min_order=200, best_before=date(2026, 11, 1))
        assert field_errors(data) == {
            "unit": "unit-not-allowed",
            "min_order": "min-order-exceeds-stock",
            "best_before": "best-before-too-early",
        }


class TestCatalogueRules:
    def test_unknown_commodity_names_the_catalogue_route(self) -> None:
        error = refusal(shallots(commodity="emas"))
        assert error.code == "unknown-commodity"
        assert "GET /v1/catalogue/commodities" in error.message.en
        assert "GET /v1/catalogue/commodities" in error.message.id

    def test_a_commodity_name_instead_of_its_id_is_answered_with_the_id(self) -> None:
        error = refusal(shallots(commodity="shallot"))
        assert error.extra["suggestions"] == ["bawang-merah"]
        assert "bawang-merah" in error.message.en

    @pytest.mark.parametrize("spelled", ["bawang_merah", "Bawang Merah", " BAWANG-merah "])
    def test_an_id_spelled_with_spaces_underscores_or_capitals_is_read_as_the_id(
        self, spelled: str
    ) -> None:
        assert parse_draft(shallots(commodity=spelled)).commodity == "bawang-merah"

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

    def test_null_for_a_required_field_is_refused_by_the_patch_itself(self) -> None:
        with pytest.raises(ValidationError) as caught:
            parse_patch({"title": None})
        assert caught.value.errors()[0]["loc"] == ("title",)

    def test_cross_field_rules_apply_to_the_result(self) -> None:
        with pytest.raises(InvalidEditError) as caught:
            apply_patch(parse_draft(shallots()), parse_patch({"quantity_available": 3}))
        assert [code_of(error) for error in caught.value.errors] == ["min-order-exceeds-stock"]

    def test_a_kind_change_must_clear_the_other_kinds_date(self) -> None:
        patch = parse_patch({"kind": "catch", "commodity": "cakalang", "unit": "ekor"})
        with pytest.raises(InvalidEditError) as caught:
            apply_patch(parse_draft(shallots()), patch)
        assert [code_of(error) for error in caught.value.errors] == ["date-not-for-kind"]
        cleared = parse_patch(
            {"kind": "catch", "commodity": "cakalang", "unit": "ekor", "harvest_date": None}
        )
        assert apply_patch(parse_draft(shallots()), cleared).kind is Kind.CATCH

    def test_field_limits_apply_to_the_patch(self) -> None:
        with pytest.raises(ValidationError):
            parse_patch({"price_per_unit": -1})

    def test_catalogue_rules_apply_to_the_patch(self) -> None:
        with pytest.raises(ValidationError) as caught:
            parse_patch({"commodity": "emas", "origin_region": "99.99"})
        assert [code_of(error) for error in caught.value.errors()] == [
            "unknown-commodity",
            "unknown-region",
        ]

    def test_server_owned_fields_are_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            parse_patch({"seller_id": "someone-else"})
        assert caught.value.errors()[0]["type"] == "extra_forbidden"

    def test_the_schema_says_which_fields_may_be_cleared_with_null(self) -> None:
        properties = ListingPatch.model_json_schema()["properties"]
        nullable = {
            name
            for name, schema in properties.items()
            if {"type": "null"} in schema.get("anyOf", [])
        }
        assert nullable == {"grade", "harvest_date", "catch_date", "best_before"}
        assert "required" not in ListingPatch.model_json_schema()
