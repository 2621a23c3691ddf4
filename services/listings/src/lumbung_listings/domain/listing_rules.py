"""The rules that tie one listing field to another, as `FieldError`s on the later field.

A listing's fields are validated in order, so each rule runs on the field that completes it
(the unit once the commodity is known, `best_before` once the harvest date is) and only when
the earlier field was itself valid: a wrong commodity is one error, not three. Raised inside
pydantic validators, every such error comes back together with the body's other field errors.
"""

from __future__ import annotations

from datetime import date

from lumbung_shared.errors import FieldError, Message
from pydantic import JsonValue

from lumbung_listings.domain.commodities import COMMODITIES, commodities_of, find_commodity
from lumbung_listings.domain.vocabulary import Kind, Unit


def check_commodity_kind(code: str, kind: Kind | None) -> None:
    """A commodity is sold under its own kind: cakalang is catch, never produce."""
    commodity = find_commodity(code)
    if commodity is None or kind is None or commodity.kind is kind:
        return
    raise FieldError(
        "commodity-kind-mismatch",
        Message(
            id=f"Komoditas '{commodity.name_id}' bukan jenis '{kind}'.",
            en=f"Commodity '{commodity.name_en}' is not of kind '{kind}'.",
        ),
        expected_kind=commodity.kind.value,
    )


def check_unit(code: str | None, unit: Unit) -> None:
    """A commodity is priced only per one of its units: no tuna by the `ikat`."""
    commodity = find_commodity(code)
    if commodity is None or commodity.allows(unit):
        return
    allowed = sorted(u.value for u in commodity.units)
    raise FieldError(
        "unit-not-allowed",
        Message(
            id=f"{commodity.name_id} tidak dijual per '{unit}'; gunakan {', '.join(allowed)}.",
            en=f"{commodity.name_en} is not sold per '{unit}'; use {', '.join(allowed)}.",
        ),
        allowed_units=allowed,
    )


def check_min_order(min_order: int, stock: int | None) -> None:
    """An order minimum above the stock makes the listing unbuyable.

    Zero stock is allowed with any minimum: the listing is simply sold out until restocked.
    """
    if stock is not None and 0 < stock < min_order:
        raise FieldError(
            "min-order-exceeds-stock",
            Message(
                id=f"Pembelian minimum ({min_order}) melebihi stok ({stock}).",
                en=f"The minimum order ({min_order}) exceeds the stock ({stock}).",
            ),
        )


def check_date_for_kind(field: str | None, value: date | None, kind: Kind | None) -> None:
    """Catch carries `catch_date`; produce and processed goods carry `harvest_date`."""
    if value is None or kind is None:
        return
    if field == "harvest_date" and kind is Kind.CATCH:
        raise FieldError(
            "date-not-for-kind",
            Message(
                id="Hasil tangkapan memakai tanggal tangkap (catch_date), bukan tanggal panen.",
                en="A catch listing carries catch_date, not harvest_date.",
            ),
        )
    if field == "catch_date" and kind is not Kind.CATCH:
        raise FieldError(
            "date-not-for-kind",
            Message(
                id="Hanya hasil tangkapan yang memakai tanggal tangkap (catch_date).",
                en="Only catch listings carry catch_date.",
            ),
        )


def check_best_before(best_before: date | None, produced: date | None) -> None:
    """Goods cannot go off before they were harvested or caught."""
    if best_before is not None and produced is not None and best_before <= produced:
        raise FieldError(
            "best-before-too-early",
            Message(
                id="Tanggal baik digunakan harus sesudah tanggal panen atau tangkap.",
                en="The best-before date must be after the harvest or catch date.",
            ),
        )


def rules_as_json_schema() -> list[JsonValue]:
    """The catalogue rules above, as JSON Schema conditionals for the listing draft's `allOf`.

    So a client (or a contract fuzzer) learns from the document itself which commodities a kind
    has, which units a commodity is sold in and which date a kind carries. Rules between values
    (minimum order within stock, best-before after harvest) have no JSON Schema form.
    """
    by_units: dict[tuple[str, ...], list[str]] = {}
    for commodity in COMMODITIES.values():
        units = tuple(sorted(unit.value for unit in commodity.units))
        by_units.setdefault(units, []).append(commodity.code)
    kinds: list[JsonValue] = [
        _when(
            "kind",
            [kind.value],
            {
                "commodity": {"enum": [*(c.code for c in commodities_of(kind))]},
                "harvest_date" if kind is Kind.CATCH else "catch_date": {"type": "null"},
            },
        )
        for kind in Kind
    ]
    sold_per = [
        _when("commodity", codes, {"unit": {"enum": [*allowed]}})
        for allowed, codes in by_units.items()
    ]
    return kinds + sold_per


def _when(field: str, values: list[str], then: dict[str, JsonValue]) -> JsonValue:
    """`if field is one of values then the properties are constrained by then`."""
    options: list[JsonValue] = [*values]
    return {
        "if": {"properties": {field: {"enum": options}}, "required": [field]},
        "then": {"properties": then},
    }
