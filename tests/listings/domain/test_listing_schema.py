"""The draft's JSON Schema states the catalogue rules its validators enforce, and agrees with them.

A client or a contract fuzzer reads which commodities a kind has, which units each commodity
is sold in and which date a kind carries from the document; these tests hold the schema and
the validators to the same answers for every commodity of the catalogue.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from lumbung_listings.domain.commodities import COMMODITIES
from lumbung_listings.domain.listing import ListingDraft
from lumbung_listings.domain.vocabulary import Kind, Unit
from pydantic import ValidationError

SCHEMA = Draft202012Validator(ListingDraft.model_json_schema())


def draft(commodity: str, **changes: Any) -> dict[str, Any]:
    entry = COMMODITIES[commodity]
    return {
        "kind": entry.kind.value,
        "commodity": commodity,
        "title": f"{entry.name_id} pilihan",
        "unit": entry.default_unit.value,
        "price_per_unit": 10000,
        "quantity_available": 10,
        "origin_region": "63.08",
    } | changes


def accepted_by_both(data: dict[str, Any]) -> bool:
    by_schema = SCHEMA.is_valid(data)
    try:
        ListingDraft.model_validate(data)
        by_model = True
    except ValidationError:
        by_model = False
    assert by_schema == by_model, data
    return by_model


@pytest.mark.parametrize("code", list(COMMODITIES))
class TestEveryCommodity:
    def test_each_of_its_units_is_accepted_and_no_other(self, code: str) -> None:
        for unit in Unit:
            allowed = unit in COMMODITIES[code].units
            assert accepted_by_both(draft(code, unit=unit.value)) is allowed, unit

    def test_only_under_its_own_kind(self, code: str) -> None:
        for kind in Kind:
            allowed = kind is COMMODITIES[code].kind
            assert accepted_by_both(draft(code, kind=kind.value)) is allowed, kind

    def test_with_the_date_of_its_kind_only(self, code: str) -> None:
        catch = COMMODITIES[code].kind is Kind.CATCH
        assert accepted_by_both(draft(code, catch_date="2026-11-20")) is catch
        assert accepted_by_both(draft(code, harvest_date="2026-11-20")) is not catch
