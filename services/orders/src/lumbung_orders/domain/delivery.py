"""Where an order goes: the buyer picks up, or the seller or a courier delivers to an address."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final, Self

from lumbung_shared.errors import FieldError, Message
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lumbung_orders.domain.readable_text import ReadableText

REGION_CODE_PATTERN: Final = r"^\d{2}\.\d{2}(\.\d{2})?$"
"""Kemendagri regency (`NN.NN`) or district (`NN.NN.NN`) code: precise enough to deliver to."""

EXAMPLE_DELIVERY: Final[dict[str, Any]] = {
    "method": "courier",
    "region_code": "63.08.01",
    "address": "Jl. Pasar Amuntai No. 7",
}
ADDRESS_UNLESS_PICKUP: Final[dict[str, Any]] = {
    "if": {"properties": {"method": {"const": "pickup"}}},
    "else": {"required": ["address"], "properties": {"address": {"pattern": r"\S"}}},
}
"""The address rule in the document's own terms, so generated clients and fuzzers know it."""


class DeliveryMethod(StrEnum):
    """How the goods reach the buyer."""

    PICKUP = "pickup"
    SELLER_DELIVERY = "seller_delivery"
    COURIER = "courier"


class DeliveryRequest(BaseModel):
    """Where and how to deliver; an address is needed unless the buyer picks up."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [EXAMPLE_DELIVERY, {"method": "pickup", "region_code": "63.08"}],
            **ADDRESS_UNLESS_PICKUP,
        },
    )

    method: DeliveryMethod
    region_code: Annotated[str, Field(pattern=REGION_CODE_PATTERN, description="`NN.NN[.NN]`")]
    address: Annotated[
        ReadableText, Field(max_length=300, description="Required unless `method` is `pickup`.")
    ] = ""

    @model_validator(mode="after")
    def _address_unless_pickup(self) -> Self:
        if self.method is not DeliveryMethod.PICKUP and not self.address:
            raise FieldError("address-required", _ADDRESS_REQUIRED)
        return self


_ADDRESS_REQUIRED = Message(
    id="Alamat wajib diisi kecuali barang diambil sendiri (pickup).",
    en="An address is required unless the method is pickup.",
)
