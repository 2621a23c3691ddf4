"""Text the other party reads: refused when it hides or disguises characters, all at once."""

from __future__ import annotations

import pytest
from lumbung_orders.domain.pricing import PlaceOrderRequest
from pydantic import ValidationError

CART = {
    "lines": [{"listing_id": "l-1", "quantity": 1}],
    "delivery": {"method": "courier", "region_code": "63.08", "address": "Jl. Pasar 1"},
    "payment_method": "cod",
}


class TestReadableText:
    def test_a_control_character_and_a_bidi_override_are_both_named(self) -> None:
        body = CART | {
            "delivery": CART["delivery"] | {"address": "Jl. Pasar\x00 1"},
            "note": "bayar \u202eatas nama",
        }
        with pytest.raises(ValidationError) as caught:
            PlaceOrderRequest.model_validate(body)
        errors = {error["loc"]: error["type"] for error in caught.value.errors()}
        assert errors == {("delivery", "address"): "unsafe_text", ("note",): "unsafe_text"}

    def test_newlines_and_emoji_are_kept(self) -> None:
        note = "Tolong dikemas rapi 👨‍🌾\nterima kasih"
        assert PlaceOrderRequest.model_validate(CART | {"note": note}).note == note

    def test_the_document_names_the_rule_as_a_format(self) -> None:
        schema = PlaceOrderRequest.model_json_schema()
        note = schema["properties"]["note"]["anyOf"][0]
        assert note["format"] == "safe-text"
