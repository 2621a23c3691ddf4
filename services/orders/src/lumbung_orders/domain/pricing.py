"""What a buyer may ask for at checkout, and what it costs.

The client sends listing ids and quantities, and may send the unit price (and listing version)
it showed the buyer; title, seller and kind come from the listing snapshots this service keeps
(fed by listing events). The line is priced at what the buyer saw (the snapshot's price when the
client names none), and listings, the price authority, reserves only at that price: a tampered
or stale price ends in `price_changed`, never in a sale at the wrong price. A cart may mix
sellers; each seller ships and confirms separately, so the cart is split into one priced order
per seller. All money is integer rupiah.

A listing the snapshots do not know yet (its `listing.created` is still on its way, or it does
not exist) is not refused here: listings, which knows every listing, decides. Such a line
becomes its own order, with no seller yet (`PricedOrder.seller_id` is None) and only what the
buyer sent (`unit_price`, `listing_version`); `stock.reserved` fills in seller, title, unit,
kind, origin and, when the buyer sent no price, the price reserved at and the total
(`Order.on_stock_reserved`). A listing the snapshots know is hidden is still refused at once.

Duplicate lines for the same listing are refused rather than merged: merging would hide a
client bug, could step past the per-line quantity limit, and would break the one-to-one link
between request lines and order lines that buyers see on their receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from lumbung_shared.errors import DomainError, FieldError, Message
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from lumbung_orders.domain.delivery import EXAMPLE_DELIVERY, DeliveryRequest
from lumbung_orders.domain.order_lines import ListingKind, PricedLine, Unit, order_total
from lumbung_orders.domain.payments import PaymentMethod
from lumbung_orders.domain.payouts import AggregatorTerms
from lumbung_orders.domain.pre_orders import ORDERABLE_STATUSES
from lumbung_orders.domain.readable_text import ReadableText
from lumbung_orders.domain.visibility import buyer_may_see_listing

ORIGIN_REGION_PATTERN: Final = r"^\d{2}(\.\d{2}){0,2}$"
"""A listing's origin may be as coarse as a province (`NN`)."""

MAX_ORDER_TOTAL: Final = 2**63 - 1
"""Totals are stored as 64-bit integers; anything larger cannot be a real order anyway."""

ACTIVE_LISTING_STATUS: Final = "active"
"""On sale now. Only it and a trip's pre-listing (`pre_orders.ORDERABLE_STATUSES`) can be
ordered; other statuses are kept as the listings service sends them (tolerant reader), so a new
status there does not break snapshot parsing here."""

MAX_UNIT_PRICE: Final = 10**12
"""Far above any produce, and 50 lines of 100 000 units at it still fit a 64-bit total."""


def integral(value: Any) -> Any:
    """JSON has one number type: `30.0` is the integer 30 (as JSON Schema says), `30.5` is not.

    Used after strict integer constraints (`Field(strict=True, ...)`, then this): a client's
    `30.0` is accepted, `"30"`, `true` and `30.5` are not.
    """
    return int(value) if isinstance(value, float) and value.is_integer() else value


ToInteger = BeforeValidator(integral)
ListingId = Annotated[str, Field(min_length=1, max_length=64)]
Quantity = Annotated[int, Field(strict=True, ge=1, le=100_000), ToInteger]
Rupiah = Annotated[int, Field(strict=True, ge=0)]
BuyerPrice = Annotated[int, Field(strict=True, ge=0, le=MAX_UNIT_PRICE), ToInteger]
ListingVersion = Annotated[int, Field(strict=True, ge=0, le=2**31 - 1), ToInteger]

_LINE: Final[dict[str, Any]] = {"listing_id": "01JDQ3Z8V7K9M2X4B6N8P0R2T4", "quantity": 30}


class OrderLineRequest(BaseModel):
    """One line of the cart: which listing, how many units, and the price the buyer was shown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listing_id: ListingId
    quantity: Quantity
    unit_price: BuyerPrice | None = Field(
        default=None,
        description="The unit price (rupiah) the buyer saw. Listings reserves only at this "
        "price; if the listing's price changed, the order ends `rejected` with reason "
        "`price_changed` and the current price. Omitted: the price this service last saw; for a "
        "listing created a moment ago that this service does not know yet, listings reserves "
        "at its current price and the order's total is set at reservation (null until then).",
    )
    listing_version: ListingVersion | None = Field(
        default=None, description="The listing version the buyer saw (kept on the order line)."
    )


class PlaceOrderRequest(BaseModel):
    """The checkout body; the buyer comes from authentication, never from the body."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"lines": [_LINE], "delivery": EXAMPLE_DELIVERY, "payment_method": "bank_transfer"}
            ]
        },
    )

    lines: Annotated[
        list[OrderLineRequest],
        Field(min_length=1, max_length=50, description="Each listing at most once."),
    ]
    delivery: DeliveryRequest
    payment_method: PaymentMethod
    note: Annotated[ReadableText, Field(max_length=500)] | None = None

    @field_validator("lines")
    @classmethod
    def _each_listing_once(cls, lines: list[OrderLineRequest]) -> list[OrderLineRequest]:
        seen: set[str] = set()
        for line in lines:
            if line.listing_id in seen:
                raise FieldError("duplicate-line", _DUPLICATE_LINE, listing_id=line.listing_id)
            seen.add(line.listing_id)
        return lines


class ListingSnapshot(BaseModel):
    """The orders service's copy of a listing, as of its `version`, used to price orders.

    Field names follow the `listing.created`/`listing.updated` payload so a stored snapshot
    validates directly; fields pricing does not need (stock, commodity, dates) are ignored.
    """

    model_config = ConfigDict(frozen=True)

    listing_id: ListingId
    seller_id: str
    title: str
    kind: ListingKind
    unit: Unit
    price_per_unit: Rupiah
    status: str
    origin_region: Annotated[str, Field(pattern=ORIGIN_REGION_PATTERN)]
    version: Annotated[int, Field(ge=0)]
    min_order: Annotated[int, Field(ge=1)] | None = None
    aggregator: AggregatorTerms | None = None


class PricedOrder(BaseModel):
    """One seller's share of a cart, priced; becomes one `Order`.

    `seller_id` is None for the one-line order of a listing not known at checkout, and `total`
    is None while a line has no price yet.
    """

    model_config = ConfigDict(frozen=True)

    seller_id: str | None
    lines: tuple[PricedLine, ...]
    total: int | None


def price_order(
    request: PlaceOrderRequest,
    snapshots: Mapping[str, ListingSnapshot],
    *,
    buyer_id: str | None = None,
) -> list[PricedOrder]:
    """Price every line from `snapshots` and split the cart into one order per seller.

    Orders come out in the order their sellers first appear in the cart, lines in cart order;
    then one order per line whose listing `snapshots` do not know (listings decides those).
    Raises a 422 DomainError for a hidden or inactive listing, a quantity
    below the listing's minimum, the buyer's own listing (when `buyer_id` is given), or a total
    too large to store. A listing the buyer may not see (another seller's draft or archived
    listing, `domain.visibility`) is "not found", never "unavailable", so its status stays hidden.
    """
    by_seller: dict[str, list[PricedLine]] = {}
    unknown: list[PricedOrder] = []
    for line in request.lines:
        known = snapshots.get(line.listing_id)
        if known is None:
            unknown.append(_priced_order(None, [_unknown_line(line)]))
            continue
        snapshot = _orderable(line, known, buyer_id)
        by_seller.setdefault(snapshot.seller_id, []).append(_price_line(line, snapshot))
    return [_priced_order(seller_id, lines) for seller_id, lines in by_seller.items()] + unknown


def _orderable(
    line: OrderLineRequest, snapshot: ListingSnapshot, buyer_id: str | None
) -> ListingSnapshot:
    """Return the snapshot if `line` may be ordered from it, else raise why not."""
    listing_id = line.listing_id
    if buyer_id is not None and not buyer_may_see_listing(
        buyer_id, snapshot.seller_id, snapshot.status
    ):
        raise _unprocessable(
            "listing-not-found",
            Message(id="Produk tidak ditemukan.", en="Listing not found."),
            listing_id=listing_id,
        )
    if snapshot.status not in ORDERABLE_STATUSES:
        raise _unprocessable(
            "listing-unavailable",
            Message(id="Produk sedang tidak dijual.", en="This listing is not for sale now."),
            listing_id=listing_id,
            listing_status=snapshot.status,
        )
    if buyer_id is not None and snapshot.seller_id == buyer_id:
        raise _unprocessable(
            "own-listing",
            Message(
                id="Anda tidak dapat membeli produk sendiri.", en="You cannot buy your own listing."
            ),
            listing_id=listing_id,
        )
    minimum = snapshot.min_order
    if minimum is not None and line.quantity < minimum:
        raise _unprocessable(
            "below-min-order",
            Message(
                id=f"Jumlah minimal pembelian adalah {minimum} {snapshot.unit.value}.",
                en=f"The minimum order is {minimum} {snapshot.unit.value}.",
            ),
            listing_id=listing_id,
            min_order=minimum,
        )
    return snapshot


def _price_line(line: OrderLineRequest, snapshot: ListingSnapshot) -> PricedLine:
    price = snapshot.price_per_unit if line.unit_price is None else line.unit_price
    return PricedLine(
        listing_id=snapshot.listing_id,
        listing_version=snapshot.version if line.listing_version is None else line.listing_version,
        title=snapshot.title,
        kind=snapshot.kind,
        unit=snapshot.unit,
        origin_region=snapshot.origin_region,
        quantity=line.quantity,
        price_per_unit=price,
        line_total=price * line.quantity,
        aggregator=snapshot.aggregator,
    )


def _unknown_line(line: OrderLineRequest) -> PricedLine:
    """A line for a listing the snapshots do not know: only what the buyer sent."""
    price = line.unit_price
    return PricedLine(
        listing_id=line.listing_id,
        listing_version=line.listing_version,
        title=None,
        kind=None,
        unit=None,
        origin_region=None,
        quantity=line.quantity,
        price_per_unit=price,
        line_total=None if price is None else price * line.quantity,
    )


def _priced_order(seller_id: str | None, lines: list[PricedLine]) -> PricedOrder:
    total = order_total(lines)
    if total is not None and total > MAX_ORDER_TOTAL:
        raise _unprocessable(
            "order-total-too-large",
            Message(id="Total pesanan terlalu besar.", en="The order total is too large."),
            seller_id=seller_id,
        )
    return PricedOrder(seller_id=seller_id, lines=tuple(lines), total=total)


def _unprocessable(code: str, message: Message, **extra: Any) -> DomainError:
    return DomainError(code=code, message=message, status=422, extra=extra)


_DUPLICATE_LINE = Message("Satu produk hanya sekali per pesanan.", "A listing may appear once.")
