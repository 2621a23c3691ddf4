"""Which payload model belongs to which event type: the single place that maps the two."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from lumbung_shared.events import (
    fishing_grounds,
    listings,
    orders,
    payments,
    payouts,
    sea_alerts,
    stock,
    trips,
)
from lumbung_shared.events.envelope import Envelope, EventPayload

_PAYLOADS: tuple[type[EventPayload], ...] = (
    listings.ListingCreated,
    listings.ListingUpdated,
    listings.ListingStatusChanged,
    listings.ListingDeleted,
    stock.StockReserved,
    stock.StockRejected,
    stock.StockReleased,
    orders.OrderPlaced,
    orders.OrderReserved,
    orders.OrderRejected,
    orders.OrderConfirmed,
    orders.OrderDeclined,
    orders.OrderShipped,
    orders.OrderDelivered,
    orders.OrderCompleted,
    orders.OrderCancelled,
    orders.OrderExpired,
    orders.OrderStockReleaseRequested,
    orders.OrderDeliveryRiskFlagged,
    orders.OrderDeliveryRiskCleared,
    orders.OrderAtRisk,
    payments.PaymentConfirmed,
    payments.PaymentRefundRequested,
    payments.PaymentRefunded,
    sea_alerts.SeaAlertIssued,
    sea_alerts.SeaAlertUpdated,
    sea_alerts.SeaAlertCancelled,
    fishing_grounds.FishingGroundForecastPublished,
    trips.TripCalledOff,
    trips.TripLanded,
    payouts.PayoutAccrued,
    payouts.PayoutReversed,
)

EVENT_TYPES: dict[str, type[EventPayload]] = {cls.event_type: cls for cls in _PAYLOADS}


class UnknownEventError(ValueError):
    """The bytes are not an event this codebase knows: a dead letter, never a crash."""


def decode_event(raw: bytes | str) -> Envelope[Any]:
    """Parse an envelope and validate its payload against the model its type names."""
    try:
        head = Envelope[Any].model_validate_json(raw)
    except ValidationError as exc:
        raise UnknownEventError(f"not a Lumbung event envelope: {exc.errors()[:3]}") from exc
    model = EVENT_TYPES.get(head.type)
    if model is None:
        raise UnknownEventError(f"unknown event type {head.type!r}")
    if head.version > model.schema_version:
        raise UnknownEventError(
            f"{head.type} v{head.version} is newer than v{model.schema_version}"
        )
    try:
        return Envelope[model].model_validate_json(raw)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise UnknownEventError(f"invalid {head.type} payload: {exc.errors()[:3]}") from exc
